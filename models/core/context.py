"""Who is acting, for which organization: set once per request or task, read by
tenancy scoping, access rules and the audit log. A ContextVar, so each
request/greenlet/task sees its own.

The kinds of actor (docs/architecture.md, "Actor and tenancy"):
- `staff`: a signed-in user of the organization whose role is not the customer's or vendor's;
- `customer`: a customer-role user, linked to one `Customer` row (`customer_id`);
- `vendor`: a vendor-role user, linked to one vendor (`vendor_id`);
- `public_link`: someone holding a signed public link, once its organization is known;
- `system`: beat and maintenance work, on no one's behalf.
`kind` None is nobody identified yet: a public route before it knows anything."""
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

STAFF = "staff"
CUSTOMER = "customer"
VENDOR = "vendor"
PUBLIC_LINK = "public_link"
SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    organization_id: int | None = None
    user_id: int | None = None
    request_id: str | None = None
    ip: str | None = None
    kind: str | None = None
    customer_id: int | None = None  # a customer's own Customer row
    vendor_id: int | None = None  # a vendor's own vendor row
    permissions: tuple[str, ...] = ()  # the role's, as loaded with the user


_actor: ContextVar[Actor] = ContextVar("fieldops_actor", default=Actor())


def current() -> Actor:
    return _actor.get()


def bind(**fields):
    """Update the current actor; returns a token for `reset`."""
    if "permissions" in fields:
        fields["permissions"] = tuple(fields["permissions"] or ())
    return _actor.set(replace(_actor.get(), **fields))


def reset(token) -> None:
    _actor.reset(token)


# Who acts, as opposed to the request's id and address.
IDENTITY = ("kind", "organization_id", "user_id", "customer_id", "vendor_id", "permissions")


@contextmanager
def acting_as(actor: Actor | None = None, /, **fields):
    """Bind `fields` for the block; with an `actor`, its identity first (e.g. a socket's
    actor, kept from its connect, for each `subscribe` it asks)."""
    if actor is not None:
        fields = {**{name: getattr(actor, name) for name in IDENTITY}, **fields}
    token = bind(**fields)
    try:
        yield current()
    finally:
        reset(token)


def as_system(organization_id: int | None = None):
    """Beat and maintenance work: `acting_as` the system, of one organization or of none
    (then it reads tenant tables only with `all_tenants=True`, like anyone)."""
    return acting_as(kind=SYSTEM, organization_id=organization_id, user_id=None, customer_id=None,
                     vendor_id=None, permissions=())
