"""The system health report."""
import marshmallow as ma

from web.schemas.common import UTCDateTime

Str, Int, Float, Bool = ma.fields.String, ma.fields.Integer, ma.fields.Float, ma.fields.Boolean


class ProbeSchema(ma.Schema):
    ok = Bool()
    latency_ms = Float(metadata={"description": "Round trip of one trivial command"})
    error = Str(metadata={"description": "Present when the probe failed"})


class DatabaseHealthSchema(ProbeSchema):
    backend = Str(metadata={"example": "postgresql"})


class RedisHealthSchema(ProbeSchema):
    used_memory_bytes = Int()
    used_memory_human = Str(metadata={"example": "2.1M"})
    maxmemory_bytes = Int(allow_none=True, metadata={"description": "null: no limit"})


class QueueHealthSchema(ma.Schema):
    name = Str(metadata={"example": "exports"})
    length = Int(metadata={"description": "Messages waiting, every priority"})
    consumers = Int(allow_none=True, metadata={"description": "Live workers consuming it (null: unknown)"})


class WorkerHealthSchema(ma.Schema):
    name = Str(metadata={"example": "celery@worker-1"})
    queues = ma.fields.List(Str(), allow_none=True)
    active_tasks = Int(allow_none=True)
    concurrency = Int(allow_none=True)
    pid = Int(allow_none=True)
    uptime_seconds = Int(allow_none=True)


class BeatHealthSchema(ma.Schema):
    last_run_at = UTCDateTime(allow_none=True, metadata={"description": "Beat's start or last scheduled send"})
    age_seconds = Float(allow_none=True)
    stale = Bool()
    stale_after_seconds = Float()
    error = Str()


class DiskHealthSchema(ma.Schema):
    path = Str(metadata={"description": "STORAGE_DIR"})
    ok = Bool()
    total_bytes = Int()
    free_bytes = Int()
    free_percent = Float()
    low = Bool(metadata={"description": "Under 5% or under 1 GiB free"})
    error = Str()


class OutboxHealthSchema(ma.Schema):
    pending = Int(metadata={"description": "Tasks committed but not yet handed to the broker"})
    oldest_age_seconds = Float(allow_none=True)
    backlogged = Bool(metadata={"description": "The oldest has waited more than a minute"})


class SystemHealthSchema(ma.Schema):
    status = Str(metadata={"enum": ["ok", "degraded", "down"]})
    problems = ma.fields.List(Str(), metadata={"description": "What to look at, worst first; empty when ok"})
    checked_at = UTCDateTime()
    database = ma.fields.Nested(DatabaseHealthSchema)
    redis = ma.fields.Nested(RedisHealthSchema)
    queues = ma.fields.List(ma.fields.Nested(QueueHealthSchema), allow_none=True,
                            metadata={"description": "null when Redis is unreachable"})
    workers = ma.fields.List(ma.fields.Nested(WorkerHealthSchema), allow_none=True, metadata={
        "description": "Workers answering a ping now; null when they could not be asked"})
    beat = ma.fields.Nested(BeatHealthSchema, allow_none=True,
                            metadata={"description": "null when Redis is unreachable"})
    disk = ma.fields.Nested(DiskHealthSchema)
    outbox = ma.fields.Nested(OutboxHealthSchema, allow_none=True)
