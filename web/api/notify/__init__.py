"""Notifications (the inbox and preferences of every user, the admin side) and webhooks
(docs/notifications.md, docs/webhooks.md)."""
