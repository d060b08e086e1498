"""The `flower` process (Procfile): Flower on our Celery app with every page and
API behind its basic auth (docs/security.md).

    python -m web.flower_app --port=5555 --max-tasks=10000

Flower 2.2.0 answers `/metrics` and `/healthcheck` to anyone; here they are served
by subclasses that ask for the same credentials as every other page. The
credentials come from FLOWER_BASIC_AUTH only (`user:password`, several separated
by commas), never from the command line, where `ps` would show them; without them
the process refuses to start. Other options are Flower's own, from the arguments
or FLOWER_<OPTION> variables."""
import os
import sys

import tornado.web
from flower import urls
from flower.views import monitor


class AuthenticatedMetrics(monitor.Metrics):
    @tornado.web.authenticated
    async def get(self):
        await super().get()


class AuthenticatedHealthcheck(monitor.Healthcheck):
    @tornado.web.authenticated
    async def get(self):
        await super().get()


AUTHENTICATED = {monitor.Metrics: AuthenticatedMetrics, monitor.Healthcheck: AuthenticatedHealthcheck}


def protect_monitoring() -> None:
    """Swap the open handlers in Flower's route table (read when the app is built)."""
    for index, route in enumerate(urls.handlers):
        if isinstance(route, tuple) and route[1] in AUTHENTICATED:
            urls.handlers[index] = (route[0], AUTHENTICATED[route[1]], *route[2:])
    served = {route[1] for route in urls.handlers if isinstance(route, tuple)}
    if not set(AUTHENTICATED.values()) <= served:  # a Flower upgrade moved them: refuse to serve them open
        raise RuntimeError("Flower's routes changed: /metrics and /healthcheck could not be put behind its auth")


def refusal(environ, argv) -> str | None:
    """Why Flower must not start with this environment and these arguments, or None."""
    credentials = environ.get("FLOWER_BASIC_AUTH", "").strip()
    if not credentials:
        return "FLOWER_BASIC_AUTH is not set: set it to user:password, Flower never runs without authentication"
    if any(":" not in pair or pair.startswith(":") for pair in credentials.split(",")):
        return "FLOWER_BASIC_AUTH must be user:password (several separated by commas)"
    if any(arg.lstrip("-").replace("-", "_").startswith("basic_auth") for arg in argv):
        return "Pass the credentials in FLOWER_BASIC_AUTH, not on the command line (where ps shows them)"
    return None


def main(argv: list[str]) -> int:
    problem = refusal(os.environ, argv)
    if problem:
        print(f"flower: {problem}", file=sys.stderr)
        return 2
    protect_monitoring()
    from web.worker import celery  # builds the Flask app: only once the checks passed

    return celery.start(["flower", *argv]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
