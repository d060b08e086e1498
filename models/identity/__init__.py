from models.identity.organization import Organization  # noqa: F401
from models.identity.role import Role  # noqa: F401
from models.identity.sessions import AuthSession, RefreshToken  # noqa: F401
from models.identity.user import User  # noqa: F401
