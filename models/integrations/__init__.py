"""Adapters: the ports of models.core.ports spoken over real protocols (Web Push, SMTP), picked
by configuration in models.integrations.registry. They import models.core only; the domains
above reach them through the ports."""
