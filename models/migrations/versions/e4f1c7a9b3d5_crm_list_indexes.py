"""crm: the lists' default order (newest first) read from an index of the live rows

Revision ID: e4f1c7a9b3d5
Revises: b3d9e6f2a1c8
Create Date: 2026-12-01 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4f1c7a9b3d5'
down_revision = 'b3d9e6f2a1c8'
branch_labels = None
depends_on = None

TABLES = ("leads", "deals", "issues", "orders", "payments", "activities")
LIVE = sa.text('deleted_at IS NULL')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f'ix_{table}_org_created', ['organization_id', 'created_at', 'id'], unique=False,
                                  postgresql_where=LIVE, sqlite_where=LIVE)


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_org_created', postgresql_where=LIVE, sqlite_where=LIVE)
