from flask.views import MethodView
from sqlalchemy import select

from models.core.audit import AuditLogEntry
from web.auth import requires
from web.conventions.envelope import Blueprint
from web.conventions.listing import paginate
from web.schemas.identity import AuditEntrySchema, AuditListArgsSchema

blp = Blueprint("audit_log", __name__, url_prefix="/api/v1/admin/audit-log", description="Who changed what, when")

FILTERS = {
    "actor_id": lambda v: AuditLogEntry.actor_id == v,
    "action": lambda v: AuditLogEntry.action.in_(v),
    "entity_type": lambda v: AuditLogEntry.entity_type == v,
    "entity_id": lambda v: AuditLogEntry.entity_id == v,
    "date_from": lambda v: AuditLogEntry.created_at >= v,
    "date_to": lambda v: AuditLogEntry.created_at <= v,
}

SEARCH = (AuditLogEntry.entity_type, AuditLogEntry.entity_id, AuditLogEntry.action, AuditLogEntry.request_id)


@blp.route("")
class AuditLog(MethodView):
    @requires("audit:read")
    @blp.arguments(AuditListArgsSchema, location="query")
    @blp.paginated(AuditEntrySchema)
    def get(self, args):
        """Every write, newest first.

        Filters: actor_id, action, entity_type, entity_id, date_from, date_to; `q` searches the
        entity type and id, the action and the request id."""
        stmt = select(AuditLogEntry).where(*(FILTERS[name](args[name]) for name in FILTERS if name in args))
        return paginate(stmt, args, sortable={"created_at": AuditLogEntry.created_at}, default_sort="-created_at",
                        tiebreaker=AuditLogEntry.id.desc(), search=SEARCH)
