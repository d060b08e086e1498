"""ETag on successful JSON GETs and 304 on a matching If-None-Match (docs/api.md).

Weak ETags: gzip (applied later by Flask-Compress) leaves them valid, and they
promise semantic, not byte, equality. Responses are per-user, so they may be
stored only privately and must be revalidated."""
from flask import request


def _conditional(response):
    if request.method in ("GET", "HEAD") and response.status_code == 200 and response.is_json \
            and not response.is_streamed:
        response.add_etag(weak=True)
        response.headers.setdefault("Cache-Control", "private, no-cache")
        response.make_conditional(request)
    return response


def install(app):
    app.after_request(_conditional)
