"""The kernel every domain builds on: the database handle, the acting context, tenancy,
audit, domain events and errors."""
