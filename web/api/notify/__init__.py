"""Notifications: the inbox and preferences of every user, and the admin side (docs/notifications.md)."""
