"""The marketplace's schemas (docs/api.md#marketplace)."""
