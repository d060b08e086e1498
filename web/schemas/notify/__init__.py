"""Notifications: the inbox, preferences and the admin side (docs/notifications.md)."""
