"""marketplace analytics: marketplace_daily_metrics, per organization, local day, vendor and service

Revision ID: 8a38589b6de1
Revises: 4d6f8b0c2e3a
Create Date: 2026-12-02 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8a38589b6de1'
down_revision = '4d6f8b0c2e3a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('marketplace_daily_metrics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('bookings', sa.Integer(), nullable=False),
    sa.Column('bookings_value', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('status_pending', sa.Integer(), nullable=False),
    sa.Column('status_confirmed', sa.Integer(), nullable=False),
    sa.Column('status_in_progress', sa.Integer(), nullable=False),
    sa.Column('status_completed', sa.Integer(), nullable=False),
    sa.Column('status_cancelled', sa.Integer(), nullable=False),
    sa.Column('status_no_show', sa.Integer(), nullable=False),
    sa.Column('payments', sa.Integer(), nullable=False),
    sa.Column('gross', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('card_payments', sa.Integer(), nullable=False),
    sa.Column('wallet_payments', sa.Integer(), nullable=False),
    sa.Column('bank_transfer_payments', sa.Integer(), nullable=False),
    sa.Column('cash_payments', sa.Integer(), nullable=False),
    sa.Column('card_gross', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('wallet_gross', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('bank_transfer_gross', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('cash_gross', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('refunds_count', sa.Integer(), nullable=False),
    sa.Column('refunds', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_marketplace_daily_metrics_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_marketplace_daily_metrics_vendor_id_vendors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_marketplace_daily_metrics_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marketplace_daily_metrics')),
    sa.UniqueConstraint('organization_id', 'day', 'vendor_id', 'service_id', name=op.f('uq_marketplace_daily_metrics_key'))
    )


def downgrade():
    op.drop_table('marketplace_daily_metrics')
