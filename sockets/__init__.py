"""Socket.IO: namespaces (connect auth, rooms), the emitter, and each domain's relay of
its events, `sockets/<domain>_relay.py`, imported here (importing one subscribes it)."""
from sockets import dispatch_relay, identity_relay, marketplace_relay, notify_relay, ops_relay  # noqa: F401
from sockets.namespaces import register_namespaces  # noqa: F401
