"""tenancy: users' links to whom they act for: a customer-role user's customer
(users.customer_id, a foreign key) and a vendor-role user's vendor (users.vendor_id,
a plain integer until the marketplace brings the vendors table and its foreign key)

Revision ID: 5d1e7a3c9b20
Revises: c5e2a1f0d3b4
Create Date: 2026-12-01 12:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e7a3c9b20'
down_revision = 'c5e2a1f0d3b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('vendor_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_customer_id'), ['customer_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_customer_id_customers'), 'customers', ['customer_id'],
                                    ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_customer_id_customers'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_customer_id'))
        batch_op.drop_column('vendor_id')
        batch_op.drop_column('customer_id')
