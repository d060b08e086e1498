"""Kept for the tools outside this repository that measure it (the peer harnesses import
`models.db`): the database handle lives in models.core.db."""
from models.core.db import MAX_INT, Base, Timestamped, as_utc, db, utcnow  # noqa: F401
