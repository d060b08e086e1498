"""dispatch daily metrics: the first rollup table (models.analytics), and the
status-history index its cancellation count reads

Revision ID: 7936c3cbc008
Revises: 9949b68fc8c9
Create Date: 2026-11-22 05:53:42.255974

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7936c3cbc008'
down_revision = '9949b68fc8c9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dispatch_daily_metrics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('jobs_created', sa.Integer(), nullable=False),
    sa.Column('jobs_completed', sa.Integer(), nullable=False),
    sa.Column('jobs_cancelled', sa.Integer(), nullable=False),
    sa.Column('value_completed', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_dispatch_daily_metrics_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_daily_metrics')),
    sa.UniqueConstraint('organization_id', 'day', name=op.f('uq_dispatch_daily_metrics_organization_id_day'))
    )
    op.create_index('ix_job_status_history_org_to_status_created', 'job_status_history',
                    ['organization_id', 'to_status', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_job_status_history_org_to_status_created', table_name='job_status_history')
    op.drop_table('dispatch_daily_metrics')
