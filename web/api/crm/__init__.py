"""The resources of the CRM (docs/api.md#crm)."""
