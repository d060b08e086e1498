"""Accounts: sign-up, sign-in, and the changes to a user that end their sessions."""
from functools import lru_cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from models.core import context, events, settings
from models.core.db import db
from models.core.errors import AuthenticationFailed, Conflict, PermissionDenied
from models.identity.organization import Organization, unique_slug
from models.identity.role import PermissionsChanged, builtin_roles
from models.identity.sessions import end_all_sessions
from models.identity.user import LINKS, User, check_grantable, check_links, check_role, email_taken, normalize_email


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """Checked when the email is unknown, so a miss costs as much as a hit."""
    return generate_password_hash("not-a-real-password", method=method)


def register(*, organization_name: str, name: str, email: str, password: str, timezone: str = "UTC"):
    """Create an organization with its built-in roles and its first user, the owner."""
    if email_taken(email):
        raise Conflict("A user with this email already exists", email=["already registered"])
    org = Organization(name=organization_name.strip(), slug=unique_slug(organization_name))
    org.set_timezone(timezone)
    db.session.add(org)
    db.session.flush()
    with context.acting_as(organization_id=org.id):
        db.session.add_all(builtin_roles(org))
        user = User(organization_id=org.id, email=normalize_email(email), name=name, role="owner")
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
    return org, user


def authenticate(email: str, password: str) -> User:
    user = db.session.scalar(
        select(User).where(User.email == normalize_email(email)).execution_options(all_tenants=True)
    )
    if user is None:
        check_password_hash(_dummy_hash(settings.get("PASSWORD_HASH_METHOD", "scrypt")), password)
        raise AuthenticationFailed("Wrong email or password")
    if not user.check_password(password):
        raise AuthenticationFailed("Wrong email or password")
    if not user.is_active:
        raise AuthenticationFailed("This account is disabled")
    user.touch_login()
    return user


def update_user(user: User, changes: dict, *, acting_user: User, acting_permissions=None) -> User:
    touches_owner = user.role == "owner" or changes.get("role") == "owner"
    if touches_owner and acting_user.role != "owner":
        raise PermissionDenied("Only an owner can change an owner or make one")
    if user.id == acting_user.id and (changes.get("is_active") is False or "role" in changes):
        raise Conflict("You cannot deactivate yourself or change your own role")
    role_changes = "role" in changes and changes["role"] != user.role
    if "role" in changes:
        check_role(changes["role"])
        if role_changes:
            check_grantable(changes["role"], acting_user.role, acting_permissions)
    new_role = changes.get("role", user.role)
    check_links(new_role, {field: changes[field] for field in LINKS if field in changes})
    if role_changes:  # a user who leaves the customer (vendor) role is no one's customer (vendor) any more
        changes.update({field: None for field, role in LINKS.items() if role != new_role})
    if "email" in changes and normalize_email(changes["email"]) != user.email:
        if email_taken(changes["email"]):
            raise Conflict("A user with this email already exists", email=["already registered"])
        changes["email"] = normalize_email(changes["email"])
    links_change = any(field in changes and changes[field] != getattr(user, field) for field in LINKS)
    password = changes.pop("password", None)
    for field, value in changes.items():
        setattr(user, field, value)
    if password:
        user.set_password(password)
    if password or changes.get("is_active") is False:
        end_all_sessions(user)
    if role_changes:
        events.record(PermissionsChanged(user.organization_id, "role_changed", user_id=user.id))
    elif links_change:  # what they read follows whom they act for
        events.record(PermissionsChanged(user.organization_id, "link_changed", user_id=user.id))
    return user


def delete_user(user: User, *, acting_user: User) -> None:
    if user.id == acting_user.id:
        raise Conflict("You cannot delete yourself")
    if user.role == "owner" and acting_user.role != "owner":
        raise PermissionDenied("Only an owner can delete an owner")
    user.soft_delete()
    end_all_sessions(user)
