"""The permission catalog: every permission a role may grant, declared by the domain
that checks it (models.core.domain) and collected here. `*` grants everything."""
from collections.abc import Mapping

ALL = "*"
PERMISSIONS: dict[str, str] = {}  # name -> what it lets its holder do, in declaration order


def declare(permissions: Mapping[str, str]) -> None:
    for name, description in permissions.items():
        if name in PERMISSIONS:
            raise ValueError(f"permission {name!r} is declared twice")
        PERMISSIONS[name] = description


def grants(granted: list[str] | None, permission: str) -> bool:
    granted = granted or []
    return ALL in granted or permission in granted


def unknown(permissions: list[str]) -> list[str]:
    return [p for p in permissions if p != ALL and p not in PERMISSIONS]
