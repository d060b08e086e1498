"""The schemas of notifications and webhooks (docs/notifications.md, docs/webhooks.md)."""
