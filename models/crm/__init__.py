"""CRM: leads, deals, issues, orders and their payments, activities (docs/api.md#crm).

One module per aggregate: its table, rules, list (ListSpec) and export (EXPORT); its REST surface
is web/api/crm/<resource>.py. RESOURCES registers each aggregate with the domain."""
from models.core.domain import Domain
from models.core.notification_kinds import NotificationKind
from models.crm import activity, deal, events, issue, lead, order, payment

RESOURCES = (lead, deal, issue, order, payment, activity)

DOMAIN = Domain(
    name="crm",
    depends_on=("identity", "dispatch", "vendors"),
    permissions={
        "crm:read": "See the CRM: leads, deals, issues, orders, payments and activities",
        "crm:manage": "Create, edit, delete and act on the CRM's rows",
    },
    exports=tuple(resource.EXPORT for resource in RESOURCES),
    webhook_events=events.WEBHOOK_EVENTS,
    notification_kinds=(NotificationKind("crm.activity_reminder", channels=("in_app", "email"), push_ttl=15 * 60,
                                         description="A call or meeting assigned to one starts within 15 minutes"),),
)
