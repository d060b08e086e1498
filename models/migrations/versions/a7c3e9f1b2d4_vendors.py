"""vendors: the vendors table, and the foreign key of users.vendor_id to it

Revision ID: a7c3e9f1b2d4
Revises: 5d1e7a3c9b20
Create Date: 2026-12-01 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b2d4'
down_revision = '5d1e7a3c9b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'vendors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('rating', sa.Numeric(precision=2, scale=1), nullable=True),
        sa.Column('reviews_count', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_vendors_organization_id_organizations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_vendors_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_vendors')),
    )
    with op.batch_alter_table('vendors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vendors_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vendors_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_vendors_org_name', ['organization_id', 'name'], unique=False)
        batch_op.create_index('ix_vendors_org_status', ['organization_id', 'status'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_vendor_id'), ['vendor_id'], unique=False)
        batch_op.create_foreign_key('fk_users_vendor_id_vendors', 'vendors', ['vendor_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('fk_users_vendor_id_vendors', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_vendor_id'))
    with op.batch_alter_table('vendors', schema=None) as batch_op:
        batch_op.drop_index('ix_vendors_org_status')
        batch_op.drop_index('ix_vendors_org_name')
        batch_op.drop_index(batch_op.f('ix_vendors_user_id'))
        batch_op.drop_index(batch_op.f('ix_vendors_organization_id'))
    op.drop_table('vendors')
