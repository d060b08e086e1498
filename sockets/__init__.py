"""Socket.IO: namespaces (connect auth, rooms), the emitter, and the relay of domain events."""
from sockets import background_relay, dispatch_relay, relay  # noqa: F401  (subscribe to domain events)
from sockets.namespaces import register_namespaces  # noqa: F401
