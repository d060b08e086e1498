"""Per-request bookkeeping: the request id (X-Request-ID, echoed back and
carried into logs and the audit log), the caller's IP, and one access-log line."""
import logging
import re
import time
import uuid

from flask import g, request

from models.core import context

access_log = logging.getLogger("fieldops.access")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _begin():
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.started = time.perf_counter()
    g.actor_token = context.bind(request_id=g.request_id, ip=request.remote_addr)


def _logged_path() -> str:
    """The path, without a signed link's token: the token is a credential for as long as it lives."""
    token = (request.view_args or {}).get("token")
    return request.path.replace(token, "[token]") if isinstance(token, str) and token else request.path


def _finish(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    if "started" in g:
        path = _logged_path()
        access_log.info(
            "%s %s %s", request.method, path, response.status_code,
            extra={"method": request.method, "path": path, "status": response.status_code,
                   "duration_ms": round((time.perf_counter() - g.started) * 1000, 2)},
        )
    return response


def _teardown(_exc):
    token = g.pop("actor_token", None)
    if token is not None:
        context.reset(token)


def install(app):
    app.before_request(_begin)
    app.after_request(_finish)
    app.teardown_request(_teardown)
