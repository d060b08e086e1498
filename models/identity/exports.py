"""What the identity resources export (models.ops.exports): users, without password hashes or any secret."""
from models.identity.lists import USERS
from models.identity.user import User
from models.ops.exports import ExportSpec, register

register(ExportSpec(
    resource="users", model=User, permission="users:read",
    description="People of the organization (no password hashes, no tokens)",
    columns=[
        ("id", User.id), ("name", User.name), ("email", User.email), ("phone", User.phone), ("role", User.role),
        ("is_active", User.is_active), ("created_at", User.created_at), ("last_login_at", User.last_login_at),
    ],
    listing=USERS,
))
