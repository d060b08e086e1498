"""project status history: every move of a project's workflow, with who made it and why;
each existing project starts its history with the status it has

Revision ID: 580191a59f86
Revises: 33ce77307ac9
Create Date: 2026-12-01 13:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '580191a59f86'
down_revision = '33ce77307ac9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('project_status_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_project_status_history_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_status_history_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_project_status_history_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_status_history'))
    )
    with op.batch_alter_table('project_status_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_status_history_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_status_history_organization_id'), ['organization_id'], unique=False)

    op.execute(
        "INSERT INTO project_status_history (organization_id, project_id, from_status, to_status, actor_id, reason,"
        " created_at) SELECT organization_id, id, NULL, status, NULL, 'status when its history began', updated_at"
        " FROM projects"
    )


def downgrade():
    with op.batch_alter_table('project_status_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_status_history_organization_id'))
        batch_op.drop_index(batch_op.f('ix_project_status_history_project_id'))

    op.drop_table('project_status_history')
