"""SPEC §2 HTTP conventions, each implemented once: envelopes, errors, listing, caching, idempotency, paths."""
