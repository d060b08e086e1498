from flask import g
from flask.views import MethodView
from sqlalchemy import select

from models.core.tenancy import get_or_404
from models.identity import User
from models.identity.accounts import delete_user, update_user
from models.identity.user import USERS, create_user
from web.auth import current_user, requires
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import paginate
from web.conventions.openapi import conflicts, refused_beyond_schema
from web.schemas.identity import UserCreateSchema, UserListArgsSchema, UserSchema, UserUpdateSchema

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="People of the organization")
ROLE_OF_THE_ORGANIZATION = "`role` must name a role of the organization (GET /admin/roles)"


@blp.route("")
class Users(MethodView):
    @requires("users:read")
    @blp.arguments(UserListArgsSchema, location="query")
    @blp.paginated(UserSchema)
    def get(self, args):
        """List users (filters: role, is_active; search q on name and email)."""
        return paginate(select(User), args, USERS)

    @requires("users:manage")
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    @conflicts("A user with this email already exists")
    @refused_beyond_schema(ROLE_OF_THE_ORGANIZATION)
    def post(self, body):
        """Add a user to the organization.

        The role's permissions must all be ones the caller holds (403 otherwise); only an owner makes owners."""
        user = create_user(**body, acting_role=current_user().role, acting_permissions=g.permissions)
        return created(user, f"{blp.url_prefix}/{user.id}")


@blp.route("/<int:user_id>")
class UserDetail(MethodView):
    @requires("users:read")
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """One user of the organization."""
        return get_or_404(User, user_id, "User")

    @requires("users:manage")
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    @conflicts("The email is taken, or you tried to deactivate yourself or change your own role")
    @refused_beyond_schema(ROLE_OF_THE_ORGANIZATION)
    def patch(self, body, user_id):
        """Edit a user.

        Deactivating or changing the password ends their sessions. A new role must hold only permissions
        the caller holds (403 otherwise); the user's open Socket.IO connections then reconnect with it."""
        user = update_user(get_or_404(User, user_id, "User"), body, acting_user=current_user(),
                           acting_permissions=g.permissions)
        return user

    @requires("users:manage")
    @blp.response(204)
    @conflicts("You cannot delete yourself")
    def delete(self, user_id):
        """Remove a user (soft delete); their sessions end at once."""
        delete_user(get_or_404(User, user_id, "User"), acting_user=current_user())
