"""The rollup registry: per-organization daily tables a domain declares
(models.core.domain); models.analytics.rollups keeps them fresh and reads them."""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rollup:
    name: str
    model: type  # (organization_id, day, <keys>, <measures>, updated_at), unique on (organization_id, day, <keys>)
    measures: tuple[str, ...]
    # compute(models.analytics.rollups.DayWindow) -> {day: {measure: value}}; with `keys`,
    # {(day, *key values): {measure: value}}
    compute: Callable[..., dict]
    keys: tuple[str, ...] = ()  # columns that split a day into several rows (e.g. vendor_id, service_id)


ROLLUPS: dict[str, Rollup] = {}


def register(rollup: Rollup) -> Rollup:
    if rollup.name in ROLLUPS:
        raise ValueError(f"rollup {rollup.name!r} is declared twice")
    ROLLUPS[rollup.name] = rollup
    return rollup
