from flask import g
from flask.views import MethodView

from models.crm import conversion, lead
from web.auth import requires
from web.resource import Resource
from web.conventions.envelope import created
from web.conventions.openapi import conflicts
from web.schemas.crm.leads import ConversionSchema, ConvertSchema, LeadInputSchema, LeadItemSchema, LeadSchema

LEADS = Resource(
    model=lead.Lead, noun="lead", listing=lead.LEADS, links=lead.LEAD_LINKS, read="crm:read", manage="crm:manage",
    item_schema=LeadItemSchema, schema=LeadSchema, input_schema=LeadInputSchema,
    create=lead.create_lead, update=lead.update_lead,
    list_notes="Filters: `status`, `source` (comma lists), `assigned_to` (or `assigned_to_id`; a user of the "
               "organization, else 422), `created_from`, `created_to`; `q` (or `search`) searches the name, "
               "company, email and phone.",
    create_notes="`assigned_to` must be a user of the organization (422 otherwise); `converted` only by converting.",
)
blp = LEADS.blueprint(__name__, "CRM leads: who may become a customer")


@blp.route("/<int:lead_id>/convert")
class LeadConversion(MethodView):
    @requires("crm:manage")
    @blp.arguments(ConvertSchema)
    @blp.response(201, ConversionSchema)
    @conflicts("Only a qualified lead converts (`details.status` is the lead's)")
    def post(self, body, lead_id):
        """Convert a qualified lead into a customer and a deal.

        In one transaction: a customer from the lead's company (else its name), contact and email, a
        deal in `prospecting` with the lead's value and assignee, and the lead `converted`."""
        result = conversion.convert(LEADS.get(lead_id), title=body.get("title"), actor_id=g.user.id)
        return created(result, f"/api/v1/deals/{result.deal.id}")
