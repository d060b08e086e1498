"""The rollup registry: per-organization daily tables a domain declares
(models.core.domain); models.analytics.rollups keeps them fresh and reads them."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Rollup:
    name: str
    model: type  # (organization_id, day, <measures>, updated_at), unique on (organization_id, day)
    measures: tuple[str, ...]
    compute: Callable[..., dict[date, dict]]  # compute(models.analytics.rollups.DayWindow) -> {day: {measure: value}}


ROLLUPS: dict[str, Rollup] = {}


def register(rollup: Rollup) -> Rollup:
    if rollup.name in ROLLUPS:
        raise ValueError(f"rollup {rollup.name!r} is declared twice")
    ROLLUPS[rollup.name] = rollup
    return rollup
