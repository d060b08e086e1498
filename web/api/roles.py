from flask import g
from flask.views import MethodView
from sqlalchemy import select

from models.core.db import db
from models.core.tenancy import get_or_404
from models.identity import Role
from models.identity.role import create_role
from web.auth import current_user, requires
from web.conventions.envelope import Blueprint, created
from web.conventions.openapi import conflicts
from web.schemas.identity import RoleCreateSchema, RoleSchema, RoleUpdateSchema

blp = Blueprint("roles", __name__, url_prefix="/api/v1/admin/roles", description="Roles and their permissions")


@blp.route("")
class Roles(MethodView):
    @requires("users:read")
    @blp.response(200, RoleSchema(many=True))
    def get(self):
        """Every role of the organization, built-in and custom, with permissions."""
        return db.session.scalars(select(Role).order_by(Role.is_builtin.desc(), Role.name)).all()

    @requires("roles:manage")
    @blp.arguments(RoleCreateSchema)
    @blp.response(201, RoleSchema)
    @conflicts("A role with this name already exists")
    def post(self, body):
        """Add a custom role.

        It may grant only permissions the caller holds (`*` only an owner): 403 otherwise."""
        role = create_role(body["name"], body["description"], body["permissions"],
                           acting_role=current_user().role, acting_permissions=g.permissions)
        return created(role, f"{blp.url_prefix}/{role.id}")


@blp.route("/<int:role_id>")
class RoleDetail(MethodView):
    @requires("roles:manage")
    @blp.arguments(RoleUpdateSchema)
    @blp.response(200, RoleSchema)
    def patch(self, body, role_id):
        """Change a role's description or permissions (the owner role is fixed).

        Permissions added must be ones the caller holds (`*` only an owner): 403 otherwise. The role's
        users' open Socket.IO connections are told and disconnected, to reconnect with their new rights."""
        role = get_or_404(Role, role_id, "Role")
        role.update(**body, acting_role=current_user().role, acting_permissions=g.permissions)
        return role
