"""The domain. Importing this package registers every model on the metadata."""
from models.analytics import DispatchDailyMetric  # noqa: F401
from models.core import audit, events, numbering, tenancy  # noqa: F401
from models.core.db import db  # noqa: F401
from models.dispatch import Customer, Job, JobNote, JobStatusHistory, Project, Technician  # noqa: F401
from models.identity import AuthSession, Organization, RefreshToken, Role, User  # noqa: F401
from models.ops import BackgroundJob, IdempotencyRecord, OutboxMessage  # noqa: F401
