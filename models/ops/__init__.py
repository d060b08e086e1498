from models.ops.background_job import BackgroundJob  # noqa: F401
from models.ops.idempotency import IdempotencyRecord  # noqa: F401
from models.ops.outbox import OutboxMessage  # noqa: F401
