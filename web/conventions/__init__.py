"""The HTTP conventions of docs/api.md, each implemented once: envelopes, errors, listing, caching, idempotency, paths."""
