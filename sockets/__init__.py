"""Socket.IO: namespaces (connect auth, rooms), the emitter, and the relay of domain events."""
from sockets import relay  # noqa: F401  (subscribes to domain events)
from sockets.namespaces import register_namespaces  # noqa: F401
