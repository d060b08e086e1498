"""marketplace: reviews, their moderation, takedown requests and their evidence

Revision ID: 3c5e7a9b1d2f
Revises: 640497edf182
Create Date: 2026-12-01 22:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c5e7a9b1d2f'
down_revision = '640497edf182'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_reviews_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_reviews_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_reviews_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_reviews_vendor_id_vendors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index('ix_reviews_booking', ['booking_id'], unique=True)
        batch_op.create_index('ix_reviews_org_created', ['organization_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_reviews_org_vendor', ['organization_id', 'vendor_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_organization_id'), ['organization_id'], unique=False)

    op.create_table('takedown_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('reason_category', sa.String(length=30), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('base_priority', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=10), nullable=True),
    sa.Column('resolution_action', sa.String(length=10), nullable=True),
    sa.Column('resolution_reason', sa.String(length=2000), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id'], name=op.f('fk_takedown_requests_assigned_to_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_takedown_requests_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_takedown_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_takedown_requests_resolved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_takedown_requests_review_id_reviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_takedown_requests_vendor_id_vendors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_takedown_requests'))
    )
    with op.batch_alter_table('takedown_requests', schema=None) as batch_op:
        batch_op.create_index('ix_takedown_requests_org_status', ['organization_id', 'status', 'created_at'], unique=False)
        batch_op.create_index('ix_takedown_requests_org_vendor', ['organization_id', 'vendor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_takedown_requests_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_takedown_requests_review_id'), ['review_id'], unique=False)

    op.create_table('review_moderations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('takedown_request_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_review_moderations_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_review_moderations_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_moderations_review_id_reviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['takedown_request_id'], ['takedown_requests.id'], name=op.f('fk_review_moderations_takedown_request_id_takedown_requests'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_moderations'))
    )
    with op.batch_alter_table('review_moderations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_moderations_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_moderations_review_id'), ['review_id'], unique=False)

    op.create_table('takedown_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_takedown_evidence_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['takedown_requests.id'], name=op.f('fk_takedown_evidence_request_id_takedown_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_takedown_evidence'))
    )
    with op.batch_alter_table('takedown_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_takedown_evidence_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_takedown_evidence_request_id'), ['request_id'], unique=False)



def downgrade():
    with op.batch_alter_table('takedown_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_takedown_evidence_request_id'))
        batch_op.drop_index(batch_op.f('ix_takedown_evidence_organization_id'))

    op.drop_table('takedown_evidence')
    with op.batch_alter_table('review_moderations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_moderations_review_id'))
        batch_op.drop_index(batch_op.f('ix_review_moderations_organization_id'))

    op.drop_table('review_moderations')
    with op.batch_alter_table('takedown_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_takedown_requests_review_id'))
        batch_op.drop_index(batch_op.f('ix_takedown_requests_organization_id'))
        batch_op.drop_index('ix_takedown_requests_org_vendor')
        batch_op.drop_index('ix_takedown_requests_org_status')

    op.drop_table('takedown_requests')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_organization_id'))
        batch_op.drop_index('ix_reviews_org_vendor')
        batch_op.drop_index('ix_reviews_org_created')
        batch_op.drop_index('ix_reviews_booking')

    op.drop_table('reviews')
