"""marketplace: referral codes, referrals and account credits

Revision ID: 4d6f8b0c2e3a
Revises: 3c5e7a9b1d2f
Create Date: 2026-12-01 22:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d6f8b0c2e3a'
down_revision = '3c5e7a9b1d2f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('referral_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_referral_codes_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_referral_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_codes'))
    )
    with op.batch_alter_table('referral_codes', schema=None) as batch_op:
        batch_op.create_index('ix_referral_codes_code', ['code'], unique=True)
        batch_op.create_index(batch_op.f('ix_referral_codes_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_referral_codes_user', ['user_id'], unique=True)

    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('referrer_id', sa.Integer(), nullable=False),
    sa.Column('referred_email', sa.String(length=254), nullable=True),
    sa.Column('referred_user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('signed_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('qualified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('qualifying_booking_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reward_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('reward_currency', sa.String(length=3), nullable=True),
    sa.Column('reward_status', sa.String(length=10), nullable=True),
    sa.Column('reward_issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_referrals_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['qualifying_booking_id'], ['bookings.id'], name=op.f('fk_referrals_qualifying_booking_id_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referred_user_id'], ['users.id'], name=op.f('fk_referrals_referred_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referrer_id'], ['users.id'], name=op.f('fk_referrals_referrer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_org_created', ['organization_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_referrals_org_referrer', ['organization_id', 'referrer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_referrals_referred_user', ['referred_user_id'], unique=True)

    op.create_table('account_credits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_account_credits_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_account_credits_referral_id_referrals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_credits_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_credits'))
    )
    with op.batch_alter_table('account_credits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_credits_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_account_credits_referral', ['referral_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_account_credits_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('account_credits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_credits_user_id'))
        batch_op.drop_index('ix_account_credits_referral')
        batch_op.drop_index(batch_op.f('ix_account_credits_organization_id'))

    op.drop_table('account_credits')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_referred_user')
        batch_op.drop_index(batch_op.f('ix_referrals_organization_id'))
        batch_op.drop_index('ix_referrals_org_referrer')
        batch_op.drop_index('ix_referrals_org_created')

    op.drop_table('referrals')
    with op.batch_alter_table('referral_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_codes_user')
        batch_op.drop_index(batch_op.f('ix_referral_codes_organization_id'))
        batch_op.drop_index('ix_referral_codes_code')

    op.drop_table('referral_codes')
