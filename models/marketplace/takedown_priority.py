"""A takedown request's priority: the one it is filed with, from its reason and evidence, and the
one shown, a level higher once it has waited 72 h pending (docs/api.md#takedown-requests). The
shown level is computed when read, in Python for one request and in SQL for a queue's order."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, case, literal

from models.marketplace.takedown import PRIORITIES, TakedownRequest

AGING = timedelta(hours=72)
RANKS = {name: rank for rank, name in enumerate(PRIORITIES)}  # low 0 … urgent 3
MEDIUM_CATEGORIES = ("fake", "spam", "conflict_of_interest")


def filed_priority(reason_category: str, has_evidence: bool) -> str:
    if reason_category == "personal_info":
        return "urgent"
    if reason_category == "defamatory" or (reason_category == "fake" and has_evidence):
        return "high"
    if reason_category in MEDIUM_CATEGORIES:
        return "medium"
    return "low"


def aged(status: str, created_at: datetime, now: datetime) -> bool:
    return status == "pending" and created_at <= now - AGING


def shown_priority(request: TakedownRequest, now: datetime) -> str:
    rank = RANKS[request.base_priority]
    if aged(request.status, _aware(request.created_at), now):
        rank = min(rank + 1, len(PRIORITIES) - 1)
    return PRIORITIES[rank]


def shown_rank_sql(now: datetime):
    """The shown priority's rank (0 low … 3 urgent) as a SQL expression, for ordering and filtering."""
    base = case({name: rank for name, rank in RANKS.items()}, value=TakedownRequest.base_priority, else_=0)
    waited = and_(TakedownRequest.status == "pending", TakedownRequest.created_at <= now - AGING,
                  TakedownRequest.base_priority != PRIORITIES[-1])
    return case((waited, base + literal(1)), else_=base)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
