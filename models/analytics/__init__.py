"""Analytics: daily rollup tables per organization and the mechanism that keeps
them fresh (models.analytics.rollups)."""
from models.analytics.dispatch_rollup import DISPATCH, DispatchDailyMetric  # noqa: F401
from models.core.domain import Domain

DOMAIN = Domain(
    name="analytics",
    depends_on=("identity", "ops", "dispatch"),
    permissions={"analytics:read": "Read analytics and dashboards"},
    rollups=(DISPATCH,),
)
