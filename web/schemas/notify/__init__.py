"""The schemas of notifications and webhooks."""
