"""What a domain checks of the fields it is given, whoever calls it (a view, a task, the CLI). The
API's schemas refuse most of it first; the domain does not rely on them."""
from collections.abc import Iterable, Mapping

from models.core.errors import ValidationFailed
from models.core.tenancy import check_links


def checked(fields: dict, editable: Iterable[str], *, choices: Mapping[str, Iterable[str]] | None = None,
            links: dict | None = None, prefix: str = "") -> dict:
    """`fields` when each is `editable`, each enum one of its `choices` and each id of `links`
    ({field: (model, what)}) a row of the organization; else ValidationFailed naming the field
    (`prefix` + name: `items.0.quantity`)."""
    unknown = sorted(set(fields) - set(editable))
    if unknown:
        raise ValidationFailed("Not editable", **{f"{prefix}{name}": ["not editable"] for name in unknown})
    for name, allowed in (choices or {}).items():
        if name in fields and fields[name] not in allowed:
            raise ValidationFailed(f"Unknown {name}", **{f"{prefix}{name}": [f"one of {', '.join(allowed)}"]})
    if links:
        check_links(fields, links)
    return fields
