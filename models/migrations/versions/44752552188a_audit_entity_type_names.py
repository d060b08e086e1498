"""audit entity type names: lowercase snake_case (`job`, `job_note`, `background_job`)
instead of the model's class name, as the audit log now writes and filters them

Revision ID: 44752552188a
Revises: 580191a59f86
Create Date: 2026-12-01 13:06:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '44752552188a'
down_revision = '580191a59f86'
branch_labels = None
depends_on = None

# Every name the audit log has written: the audited models' class names and the restore entry's.
RENAMED = {
    "Organization": "organization", "User": "user", "Role": "role", "Customer": "customer",
    "Technician": "technician", "Project": "project", "Job": "job", "JobNote": "job_note",
    "JobPhoto": "job_photo", "BackgroundJob": "background_job", "Backup": "backup",
}

audit_log = sa.table("audit_log", sa.column("entity_type", sa.String))


def _rename(pairs):
    for old, new in pairs:
        op.execute(audit_log.update().where(audit_log.c.entity_type == old).values(entity_type=new))


def upgrade():
    _rename(RENAMED.items())


def downgrade():
    _rename((new, old) for old, new in RENAMED.items())
