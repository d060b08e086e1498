"""Adapters: the ports of models.core.ports, implemented against the world outside."""
