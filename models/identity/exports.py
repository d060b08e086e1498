"""What the identity resources export (models.core.exports): users, without password hashes or any secret."""
from models.core.exports import ExportSpec
from models.identity import user
from models.identity.user import User

USERS = ExportSpec(
    resource="users", model=User, permission="users:read",
    description="People of the organization (no password hashes, no tokens)",
    columns=[
        ("id", User.id), ("name", User.name), ("email", User.email), ("phone", User.phone), ("role", User.role),
        ("is_active", User.is_active), ("created_at", User.created_at), ("last_login_at", User.last_login_at),
    ],
    listing=user.USERS,
)
