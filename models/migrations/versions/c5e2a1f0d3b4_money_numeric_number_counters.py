"""money as Numeric(12, 2) everywhere (projects.total_value was 14 digits), held as whole
cents on SQLite (models.core.money); number_counters for gap-free document numbers
(models.core.numbering)

Revision ID: c5e2a1f0d3b4
Revises: 44752552188a
Create Date: 2026-12-01 12:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e2a1f0d3b4'
down_revision = '44752552188a'
branch_labels = None
depends_on = None

# (table, column) of every money column
MONEY_COLUMNS = (('jobs', 'value'), ('projects', 'total_value'), ('dispatch_daily_metrics', 'value_completed'))


def upgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.alter_column('total_value', existing_type=sa.Numeric(precision=14, scale=2),
                              type_=sa.Numeric(precision=12, scale=2), existing_nullable=True)
    if op.get_bind().dialect.name == 'sqlite':  # SQLite held floats: now whole cents
        for table, column in MONEY_COLUMNS:
            op.execute(f'UPDATE {table} SET {column} = CAST(ROUND({column} * 100) AS INTEGER) '
                       f'WHERE {column} IS NOT NULL')

    op.create_table('number_counters',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_number_counters_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organization_id', 'prefix', 'year', name=op.f('pk_number_counters'))
    )


def downgrade():
    op.drop_table('number_counters')
    if op.get_bind().dialect.name == 'sqlite':
        for table, column in MONEY_COLUMNS:
            op.execute(f'UPDATE {table} SET {column} = {column} / 100.0 WHERE {column} IS NOT NULL')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.alter_column('total_value', existing_type=sa.Numeric(precision=12, scale=2),
                              type_=sa.Numeric(precision=14, scale=2), existing_nullable=True)
