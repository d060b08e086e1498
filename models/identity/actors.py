"""The Actor of a signed-in user (models.core.context): its kind follows the user's
role (the customer role makes a customer, the vendor role a vendor, any other staff),
and it carries the role's permissions as loaded with the user, and the user's link to
the customer or vendor they act for."""
from models.core import context

ROLE_KINDS = {"customer": context.CUSTOMER, "vendor": context.VENDOR}


def kind_of_role(role: str) -> str:
    return ROLE_KINDS.get(role, context.STAFF)


def actor_fields(user, permissions) -> dict:
    """What `context.bind` takes for `user` (a User, or a row of its columns)."""
    return {"kind": kind_of_role(user.role), "organization_id": user.organization_id, "user_id": user.id,
            "customer_id": user.customer_id, "vendor_id": user.vendor_id,
            "permissions": tuple(permissions or ())}
