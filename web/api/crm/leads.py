from flask import g
from flask.views import MethodView
from sqlalchemy import select

from models.core.tenancy import get_or_404
from models.crm import conversion, refs
from models.crm.lead import LEAD_LINKS, LEADS, Lead, create_lead, update_lead
from web.auth import requires
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import paginate
from web.conventions.openapi import conflicts
from web.schemas.crm.leads import (ConversionSchema, ConvertSchema, LeadInputSchema, LeadItemSchema,
                                   LeadListArgsSchema, LeadSchema, LeadUpdateSchema)

blp = Blueprint("leads", __name__, url_prefix="/api/v1/leads", description="CRM leads: who may become a customer")


@blp.route("")
class Leads(MethodView):
    @requires("crm:read")
    @blp.arguments(LeadListArgsSchema, location="query")
    @blp.paginated(LeadItemSchema)
    def get(self, args):
        """List leads.

        Filters: `status`, `source` (comma lists), `assigned_to` (or `assigned_to_id`; a user of the
        organization, else 422), `created_from`, `created_to`; `q` (or `search`) searches the name,
        company, email and phone."""
        refs.check_links(args, LEAD_LINKS)
        return paginate(select(Lead), args, LEADS)

    @requires("crm:manage")
    @blp.arguments(LeadInputSchema)
    @blp.response(201, LeadSchema)
    def post(self, body):
        """Add a lead. `assigned_to` must be a user of the organization (422 otherwise)."""
        lead = create_lead(body, actor_id=g.user.id)
        return created(lead, f"{blp.url_prefix}/{lead.id}")


@blp.route("/<int:lead_id>")
class LeadDetail(MethodView):
    @requires("crm:read")
    @blp.response(200, LeadSchema)
    def get(self, lead_id):
        """One lead."""
        return get_or_404(Lead, lead_id, "Lead")

    @requires("crm:manage")
    @blp.arguments(LeadInputSchema)
    @blp.response(200, LeadSchema)
    def put(self, body, lead_id):
        """Replace a lead's fields.

        Every writable field: `name` is required, a missing optional one is cleared."""
        return update_lead(get_or_404(Lead, lead_id, "Lead"), body)

    @requires("crm:manage")
    @blp.arguments(LeadUpdateSchema)
    @blp.response(200, LeadSchema)
    def patch(self, body, lead_id):
        """Edit some of a lead's fields."""
        return update_lead(get_or_404(Lead, lead_id, "Lead"), body)

    @requires("crm:manage")
    @blp.response(204)
    def delete(self, lead_id):
        """Delete a lead (soft delete: it leaves lists and details)."""
        get_or_404(Lead, lead_id, "Lead").soft_delete()


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
        result = conversion.convert(get_or_404(Lead, lead_id, "Lead"), title=body.get("title"), actor_id=g.user.id)
        return created(result, f"/api/v1/deals/{result.deal.id}")
