"""Organizations with one signed-in user per built-in role, for tests."""
from dataclasses import dataclass, field

from models.core import context
from models.core.db import db
from models.identity import sessions
from models.identity.accounts import register
from models.identity.permissions import BUILTIN_ROLES
from models.identity.user import create_user
from web.auth import issue_access_token

PASSWORD = "correct-horse-battery"


@dataclass
class Tenant:
    org_id: int
    slug: str
    user_ids: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    refresh_tokens: dict = field(default_factory=dict)

    def headers(self, role: str = "admin", **extra) -> dict:
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}

    def email(self, role: str) -> str:
        return f"{role}@{self.slug}.test"


def make_tenant(app, name: str) -> Tenant:
    with app.app_context():
        org, owner = register(organization_name=name, name=f"{name} Owner",
                              email=f"owner@{name.lower()}.test", password=PASSWORD)
        tenant = Tenant(org_id=org.id, slug=name.lower())
        with context.acting_as(organization_id=org.id):
            users = {"owner": owner}
            for role in BUILTIN_ROLES:
                if role != "owner":
                    users[role] = create_user(email=tenant.email(role), name=f"{name} {role.title()}",
                                              password=PASSWORD, role=role, acting_role="owner")
            db.session.flush()
            for role, user in users.items():
                session, refresh = sessions.start_session(user)
                tenant.user_ids[role] = user.id
                tenant.tokens[role] = issue_access_token(user, session.id)
                tenant.refresh_tokens[role] = refresh
            db.session.commit()
        return tenant


class Tenants:
    """Two organizations, `a` and `b`, created on first use."""

    def __init__(self, app):
        self.app = app
        self._made = {}

    def _get(self, name):
        if name not in self._made:
            self._made[name] = make_tenant(self.app, name)
        return self._made[name]

    @property
    def a(self) -> Tenant:
        return self._get("Alpha")

    @property
    def b(self) -> Tenant:
        return self._get("Bravo")
