"""The probes and the index."""
import marshmallow as ma


class LinksSchema(ma.Schema):
    api = ma.fields.String(metadata={"example": "/api/v1"})
    openapi = ma.fields.String(metadata={"example": "/api/v1/openapi.json"})
    docs = ma.fields.String(metadata={"example": "/api/v1/docs"})
    healthz = ma.fields.String()
    readyz = ma.fields.String()


class IndexSchema(ma.Schema):
    name = ma.fields.String()
    version = ma.fields.String()
    links = ma.fields.Nested(LinksSchema)
    guides = ma.fields.String()


class LiveSchema(ma.Schema):
    status = ma.fields.String(metadata={"enum": ["ok"]})


class CheckSchema(ma.Schema):
    ok = ma.fields.Boolean()
    latency_ms = ma.fields.Float()
    error = ma.fields.String()


class ChecksSchema(ma.Schema):
    database = ma.fields.Nested(CheckSchema)
    redis = ma.fields.Nested(CheckSchema)


class ReadySchema(ma.Schema):
    status = ma.fields.String(metadata={"enum": ["ready"]})
    checks = ma.fields.Nested(ChecksSchema)
