"""The HTTP resources: every module under web/api holds one resource's blueprint, `blp`,
and create_app registers them all. A new resource is its module, found, not listed."""
import importlib
import pkgutil


def blueprints() -> list:
    """In module name order; a module without a `blp` fails the app's start."""
    return [importlib.import_module(info.name).blp
            for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}.") if not info.ispkg]
