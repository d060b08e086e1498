"""Sign-up and sign-in."""
from functools import lru_cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from models.core import context, settings
from models.core.db import db
from models.core.errors import AuthenticationFailed, Conflict
from models.identity.organization import Organization, unique_slug
from models.identity.role import builtin_roles
from models.identity.user import User, email_taken, normalize_email


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
