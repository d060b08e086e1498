from flask.views import MethodView
from sqlalchemy import select

from models.core.audit import AUDIT_LOG, AuditLogEntry
from web.auth import requires
from web.conventions.envelope import Blueprint
from web.conventions.listing import paginate
from web.schemas.identity import AuditEntrySchema, AuditListArgsSchema

blp = Blueprint("audit_log", __name__, url_prefix="/api/v1/admin/audit-log", description="Who changed what, when")


@blp.route("")
class AuditLog(MethodView):
    @requires("audit:read")
    @blp.arguments(AuditListArgsSchema, location="query")
    @blp.paginated(AuditEntrySchema)
    def get(self, args):
        """Every write, newest first.

        Filters: actor_id, action, entity_type, entity_id, date_from, date_to; `q` searches the
        entity type and id, the action and the request id."""
        return paginate(select(AuditLogEntry), args, AUDIT_LOG)
