"""CRM: leads and deals (issues, orders, payments and activities to come)."""
from models.core.domain import Domain
from models.crm.deal import Deal  # noqa: F401
from models.crm.lead import Lead  # noqa: F401

DOMAIN = Domain(
    name="crm",
    depends_on=("identity", "dispatch"),
    permissions={
        "crm:read": "See the CRM: leads, deals, issues, orders, payments and activities",
        "crm:manage": "Create, edit, delete and act on the CRM's rows",
    },
)
