"""Analytics: daily rollup tables per organization and the mechanism that keeps
them fresh (models.analytics.rollups). Importing this package registers every
rollup; a module adding one is imported here."""
from models.analytics.dispatch_rollup import DISPATCH, DispatchDailyMetric  # noqa: F401
from models.analytics.rollups import ROLLUPS  # noqa: F401
