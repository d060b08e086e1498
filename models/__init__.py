"""The domain. Importing this package registers every model on the metadata and
fills the registries from the domains' declarations (models.domains)."""
from models import domains  # noqa: F401
from models.core import audit, context, events, numbering, tenancy  # noqa: F401  (models.context: the peer harnesses)
