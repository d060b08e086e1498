"""The web process: `python -m web.server`. Flask + Socket.IO on eventlet's WSGI server."""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # it works; moving off eventlet is a later decision
import eventlet  # noqa: E402

eventlet.monkey_patch()  # before every other import

import gc  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402

import eventlet.wsgi  # noqa: E402

from web import create_app  # noqa: E402
from web.extensions import socketio  # noqa: E402


def _uri_too_long_response() -> bytes:
    """eventlet answers a request line over its limit (8 KiB) itself, before the app runs:
    make that answer our error envelope too, like every other error."""
    body = json.dumps({"success": False, "error": {
        "code": "URI_TOO_LONG", "message": "The request line (method, path and query) is longer "
                                           "than 8 KiB", "details": {}}}).encode()
    return (b"HTTP/1.1 414 Request-URI Too Long\r\nContent-Type: application/json\r\nConnection: close\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


eventlet.wsgi.RESPONSE_414 = _uri_too_long_response()


def main() -> None:
    app = create_app()
    # The ~200k objects of the loaded app never die: freezing them spares every full
    # collection from walking them (60-70 ms each, a stall of every request in flight).
    gc.collect()
    gc.freeze()
    # minimum_chunk_size: write each chunk of a streamed answer as it comes (eventlet would hold them
    # until it has 4 KiB: an event stream's heartbeats and events, web.live_stream). Whole answers are one chunk.
    socketio.run(app, host=os.environ.get("HOST", "0.0.0.0"), port=app.config["PORT"],
                 log_output=False, use_reloader=False, minimum_chunk_size=1)


if __name__ == "__main__":
    main()
