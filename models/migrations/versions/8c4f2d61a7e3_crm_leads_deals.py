"""crm: leads and deals; `crm:read` for the built-in admin, support and dispatcher roles
of the existing organizations (roles are rows, seeded when an organization is created)

Revision ID: 8c4f2d61a7e3
Revises: a7c3e9f1b2d4
Create Date: 2026-12-01 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c4f2d61a7e3'
down_revision = 'a7c3e9f1b2d4'
branch_labels = None
depends_on = None

ROLES_GAINING_CRM_READ = ('admin', 'support', 'dispatcher')
roles = sa.table('roles', sa.column('id', sa.Integer()), sa.column('name', sa.String()),
                 sa.column('is_builtin', sa.Boolean()), sa.column('permissions', sa.JSON()))


def _common(table):
    return [
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('assigned_to_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f(f'fk_{table}_organization_id_organizations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id'], name=op.f(f'fk_{table}_assigned_to_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f(f'fk_{table}_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def _set_crm_read(present: bool):
    conn = op.get_bind()
    for row in conn.execute(sa.select(roles.c.id, roles.c.permissions)
                            .where(roles.c.is_builtin.is_(True), roles.c.name.in_(ROLES_GAINING_CRM_READ))):
        permissions = set(row.permissions or [])
        permissions = permissions | {'crm:read'} if present else permissions - {'crm:read'}
        conn.execute(roles.update().where(roles.c.id == row.id).values(permissions=sorted(permissions)))


def upgrade():
    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    *_common('leads'),
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index('ix_leads_org_status', ['organization_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_assigned_to_id'), ['assigned_to_id'], unique=False)

    op.create_table('deals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('expected_close_date', sa.Date(), nullable=True),
    *_common('deals'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_deals_customer_id_customers'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_deals_lead_id_leads'), ondelete='SET NULL'),
    )
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.create_index('ix_deals_org_stage', ['organization_id', 'stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_lead_id'), ['lead_id'], unique=False)

    _set_crm_read(True)


def downgrade():
    _set_crm_read(False)
    op.drop_table('deals')
    op.drop_table('leads')
