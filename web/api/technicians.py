from flask import g
from flask.views import MethodView

from models.core.errors import PermissionDenied
from models.core.permissions import grants
from models.core.tenancy import get_or_404
from models.dispatch import Technician
from models.dispatch import technician_commands as commands
from models.dispatch.technician import TECHNICIANS
from web.auth import requires, requires_any
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import Page, paginate
from web.conventions.openapi import conflicts
from web.schemas.technicians import (LocationInputSchema, TechnicianInputSchema, TechnicianListArgsSchema,
                                     TechnicianSchema, TechnicianUpdateSchema)

blp = Blueprint("technicians", __name__, url_prefix="/api/v1/technicians", description="The field team")


@blp.route("")
class Technicians(MethodView):
    @requires("jobs:read")
    @blp.arguments(TechnicianListArgsSchema, location="query")
    @blp.paginated(TechnicianSchema)
    def get(self, args):
        """List the field team.

        Filters: `status` (comma list), `skill`, `available`; `near=lat,lng` with `radius_km` lists only
        technicians with a known position within that radius, nearest first, with `distance_km`."""
        if "near" not in args:
            return paginate(commands.team(), args, TECHNICIANS)
        lat, lng = (float(part) for part in args["near"].split(","))
        found = commands.nearest(TECHNICIANS.narrow(commands.team(), args), lat, lng, args["radius_km"])
        start = (args["page"] - 1) * args["per_page"]
        return Page(found[start:start + args["per_page"]], len(found), args["page"], args["per_page"])

    @requires("technicians:manage")
    @blp.arguments(TechnicianInputSchema)
    @blp.response(201, TechnicianSchema)
    @conflicts("That user is already linked to another technician")
    def post(self, body):
        """Add a technician (optionally linked to a user, whose phone app then follows their jobs)."""
        technician = commands.create_technician(body)
        return created(technician, f"{blp.url_prefix}/{technician.id}")


@blp.route("/<int:technician_id>")
class TechnicianDetail(MethodView):
    @requires("jobs:read")
    @blp.response(200, TechnicianSchema)
    def get(self, technician_id):
        """One technician."""
        return get_or_404(Technician, technician_id, "Technician")

    @requires("technicians:manage")
    @blp.arguments(TechnicianUpdateSchema)
    @blp.response(200, TechnicianSchema)
    @conflicts("That user is already linked to another technician")
    def patch(self, body, technician_id):
        """Edit a technician's details, skills or status."""
        technician = commands.update_technician(get_or_404(Technician, technician_id, "Technician"), body)
        return technician


@blp.route("/<int:technician_id>/location")
class TechnicianLocation(MethodView):
    @requires_any("technicians:manage", "jobs:update_status")
    @blp.arguments(LocationInputSchema)
    @blp.response(200, TechnicianSchema)
    def put(self, body, technician_id):
        """Report a technician's position.

        Dispatchers may report anyone's; a technician only their own (403 otherwise)."""
        technician = get_or_404(Technician, technician_id, "Technician")
        if not grants(g.permissions, "technicians:manage") and technician.user_id != g.user.id:
            raise PermissionDenied("You can only report your own location")
        technician.move_to(body["lat"], body["lng"])
        return technician
