"""crm: issues (with vendors; `order_id` gets its foreign key with the orders)

Revision ID: 3e7b9a05c1d2
Revises: 8c4f2d61a7e3
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e7b9a05c1d2'
down_revision = '8c4f2d61a7e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('priority', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_notes', sa.Text(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                            name=op.f('fk_issues_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_issues_vendor_id_vendors'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id'], name=op.f('fk_issues_assigned_to_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_issues_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_issues_resolved_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issues')),
    sa.UniqueConstraint('organization_id', 'issue_number', name=op.f('uq_issues_organization_id_issue_number')),
    )
    with op.batch_alter_table('issues', schema=None) as batch_op:
        batch_op.create_index('ix_issues_org_status', ['organization_id', 'status'], unique=False)
        batch_op.create_index('ix_issues_org_priority', ['organization_id', 'priority'], unique=False)
        batch_op.create_index('ix_issues_org_category', ['organization_id', 'category'], unique=False)
        batch_op.create_index(batch_op.f('ix_issues_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issues_vendor_id'), ['vendor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issues_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issues_assigned_to_id'), ['assigned_to_id'], unique=False)


def downgrade():
    op.drop_table('issues')
