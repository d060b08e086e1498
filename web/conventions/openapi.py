"""The OpenAPI document as the contract (docs/api.md): our error envelope, and what each
operation really answers, derived from how its view is declared.

A view's decorators already say most of it: `@public` or a permission check (401, 403,
`security`), path parameters (404), a JSON or multipart body (400, 413, 415, 422), query
arguments (422; any operation answers 422 to a query parameter it does not declare), a rate limit (429 with Retry-After), a GET (ETag, If-None-Match, 304), a
write (Idempotency-Key, Idempotent-Replayed), 201/202 (Location). `operation_doc` turns that
into the operation's responses, parameters and headers, and gives it an operationId; views
add only what is theirs alone, such as `conflicts("...")`."""
import marshmallow as ma
from apispec import BasePlugin
from flask_smorest import Blueprint as SmorestBlueprint

NO_NUL = r"^[^\x00]*$"  # PostgreSQL text holds no NUL; such input is refused (422)

ERROR_CODES = ("BAD_REQUEST", "MALFORMED_JSON", "UNAUTHORIZED", "TOKEN_INVALID", "TOKEN_EXPIRED", "TOKEN_REVOKED",
               "FORBIDDEN", "NOT_FOUND", "METHOD_NOT_ALLOWED", "CONFLICT", "INVALID_TRANSITION",
               "IDEMPOTENCY_IN_PROGRESS", "PAYLOAD_TOO_LARGE", "URI_TOO_LONG", "UNSUPPORTED_MEDIA_TYPE",
               "VALIDATION_ERROR", "IDEMPOTENCY_KEY_REUSED", "RATE_LIMITED", "INTERNAL_ERROR", "SERVICE_UNAVAILABLE")


class ErrorSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={
        "example": "VALIDATION_ERROR",
        "description": "UPPER_SNAKE machine-readable code; the catalogue is in docs/api.md. Known codes: "
                       + ", ".join(ERROR_CODES)})
    message = ma.fields.String(required=True, metadata={"example": "The request has invalid fields"})
    details = ma.fields.Dict(keys=ma.fields.String(), required=True, metadata={
        "description": "For 422: field -> list of messages; for INVALID_TRANSITION: `allowed`; "
                       "for RATE_LIMITED: `retry_after` seconds; else more about the error (may be empty)",
        "example": {"title": ["Missing data for required field."]}})


class ErrorEnvelopeSchema(ma.Schema):
    """Every error: `{"success": false, "error": {code, message, details}}`."""

    success = ma.fields.Constant(False, metadata={"type": "boolean", "enum": [False]})
    error = ma.fields.Nested(ErrorSchema, required=True)


class AllowedMovesSchema(ma.Schema):
    allowed = ma.fields.List(ma.fields.String(), metadata={"description": "The statuses this one may move to"})


class TransitionErrorSchema(ErrorSchema):
    code = ma.fields.String(required=True, metadata={"enum": ["INVALID_TRANSITION"]})
    details = ma.fields.Nested(AllowedMovesSchema, required=True)


class TransitionErrorEnvelopeSchema(ErrorEnvelopeSchema):
    error = ma.fields.Nested(TransitionErrorSchema, required=True)


HEADERS = {
    "X-Request-ID": {"description": "The request's id (yours when you sent a safe one); it is in our logs",
                     "schema": {"type": "string"}},
    "ETag": {"description": "Weak validator of this representation; send it back in If-None-Match",
             "schema": {"type": "string"}},
    "Location": {"description": "Where the created resource, or the started job, can be read",
                 "schema": {"type": "string"}},
    "Idempotent-Replayed": {"description": "`true` when this answer is the stored answer to an earlier request "
                                           "with the same Idempotency-Key", "schema": {"type": "string",
                                                                                         "enum": ["true"]}},
    "Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}},
}

PARAMETERS = {
    "IdempotencyKey": {"in": "header", "name": "Idempotency-Key", "required": False, "schema": {
        "type": "string", "maxLength": 255, "pattern": NO_NUL}, "description": "Retry-safe writes: the same key and body within 24 h "
                                                           "replay the first answer (docs/api.md#idempotency)"},
    "IfNoneMatch": {"in": "header", "name": "If-None-Match", "required": False, "schema": {
        "type": "string", "pattern": NO_NUL},
                    "description": "An ETag from an earlier answer: 304 when nothing changed"},
    "XRequestID": {"in": "header", "name": "X-Request-ID", "required": False, "schema": {
        "type": "string", "pattern": NO_NUL}, "description": "Your id for this request, echoed back and logged "
                                                            "when it is 1-64 of A-Z a-z 0-9 . _ : - (else we "
                                                            "make one)"},
}

# name -> (status, description, schema, extra headers)
ERROR_RESPONSES = {
    "MalformedJson": (400, "The body is not valid JSON (MALFORMED_JSON), or nested too deeply", ErrorEnvelopeSchema,
                      ()),
    "Unauthorized": (401, "No valid access token: UNAUTHORIZED, TOKEN_INVALID, TOKEN_EXPIRED (refresh it) or "
                          "TOKEN_REVOKED", ErrorEnvelopeSchema, ()),
    "Forbidden": (403, "The caller's role lacks a permission this needs (`details.required`)", ErrorEnvelopeSchema,
                  ()),
    "NotFound": (404, "No such resource in the caller's organization (another organization's ids are not found "
                      "either)", ErrorEnvelopeSchema, ()),
    "Conflict": (409, "The resource's state does not allow this now", ErrorEnvelopeSchema, ()),
    "InvalidTransition": (409, "INVALID_TRANSITION: this status cannot move there; `details.allowed` lists where it "
                               "can", TransitionErrorEnvelopeSchema, ()),
    "PaymentDeclined": (402, "PAYMENT_DECLINED: the payment provider refused the charge; nothing was charged",
                        ErrorEnvelopeSchema, ()),
    "PayloadTooLarge": (413, "The body is larger than this endpoint accepts", ErrorEnvelopeSchema, ()),
    "UnsupportedMediaType": (415, "The body is not of a media type this endpoint reads (see requestBody)",
                             ErrorEnvelopeSchema, ()),
    "ValidationError": (422, "Invalid fields or query parameters (one the operation does not declare "
                             "included): `details` maps each to its messages",
                        ErrorEnvelopeSchema, ()),
    "RateLimited": (429, "Too many requests: wait `Retry-After` seconds", ErrorEnvelopeSchema, ("Retry-After",)),
    "ServiceUnavailable": (503, "A dependency (database, Redis) is down: retry after `Retry-After` seconds",
                           ErrorEnvelopeSchema, ("Retry-After",)),
}

MUTATING = ("post", "put", "patch", "delete")
BODY_LOCATIONS = ("json", "files", "form")


class SchemaRulesPlugin(BasePlugin):
    """Schema-level rules a schema class declares: `OPENAPI_MIN_PROPERTIES` (PATCH bodies)."""

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        minimum = getattr(schema, "OPENAPI_MIN_PROPERTIES", None)
        return {"minProperties": minimum} if minimum else None


def register_components(spec) -> None:
    for name, header in HEADERS.items():
        spec.components.header(name, header)
    for name, parameter in PARAMETERS.items():
        spec.components.parameter(name, parameter["in"], {k: v for k, v in parameter.items() if k != "in"})
    for name, (_status, description, schema, headers) in ERROR_RESPONSES.items():
        spec.components.response(name, {
            "description": description, "content": {"application/json": {"schema": schema}},
            "headers": {header: header for header in ("X-Request-ID", *headers)}}, lazy=True)


def _error_response(description: str, schema=ErrorEnvelopeSchema) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}},
            "headers": {"X-Request-ID": "X-Request-ID"}}


def conflicts(description: str, *, transition: bool = False):
    """Declare the view's 409 (INVALID_TRANSITION with `allowed` when `transition`)."""
    return SmorestBlueprint.doc(responses={409: _error_response(
        description, TransitionErrorEnvelopeSchema if transition else ErrorEnvelopeSchema)})


REFUSED_BEYOND_SCHEMA = "x-refused-beyond-schema"  # {status: why}, on an operation


def refused_beyond_schema(why: str, status: int = 422):
    """Declare that a request the schema allows may still be refused with `status` for `why`: a
    rule across fields, on the organization's rows or on a file's bytes, which OpenAPI 3.0 cannot
    state. The fuzzer (scripts/api_fuzz.py) accepts that answer there and nowhere else."""
    return SmorestBlueprint.doc(**{REFUSED_BEYOND_SCHEMA: {str(status): why}})


def normalize_manual(manual_doc: dict) -> dict:
    """`@blp.doc(responses={"409": {"description": ...}})` as views write it: status keys as
    flask-smorest's (ints, so they merge instead of appearing twice), and an error response
    described only in words gets the error envelope."""
    responses = manual_doc.get("responses")
    if not responses:
        return manual_doc
    normalized = {}
    for status, response in responses.items():
        status = int(status) if str(status).isdigit() else status
        if isinstance(status, int) and status >= 400 and isinstance(response, dict) and "content" not in response:
            response = {**_error_response(response.get("description", "")), **response}
        normalized[status] = response
    return {**manual_doc, "responses": normalized}


def _operation_id(method: str, function) -> str:
    """`getJobDetail`, `postJobs`: the method and the view class, stable and unique per route."""
    owner = function.__qualname__.split(".")[0]
    return method + owner[:1].upper() + owner[1:] if owner != function.__name__ else method + function.__name__.title()


def argument_locations(function) -> set:
    parameters = getattr(function, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return {parameter["in"] for parameter in parameters}


def operation_doc(method: str, function, rule: str) -> dict:
    """The parts of an operation's document that follow from how its view is declared:
    {operationId, security?, parameters, errors: {status: response name}, success_headers}."""
    public = getattr(function, "_public", False)
    permissions = getattr(function, "_permissions", ())
    locations = argument_locations(function)
    errors = {}
    if "json" in locations:
        errors[400] = "MalformedJson"
    if not public:
        errors[401] = "Unauthorized"
    if permissions:
        errors[403] = "Forbidden"
    if "<" in rule:
        errors[404] = "NotFound"
    if locations & set(BODY_LOCATIONS):
        errors.update({413: "PayloadTooLarge", 415: "UnsupportedMediaType"})
    errors[422] = "ValidationError"  # at least for a query parameter the operation does not declare
    if getattr(function, "_rate_limited", False):
        errors[429] = "RateLimited"
    errors[503] = "ServiceUnavailable"

    parameters = ["XRequestID"]
    success_headers = {"X-Request-ID": "X-Request-ID"}
    if method == "get":
        parameters.append("IfNoneMatch")
        success_headers["ETag"] = "ETag"
    if method in MUTATING and not public:
        parameters.append("IdempotencyKey")
        success_headers["Idempotent-Replayed"] = "Idempotent-Replayed"
    doc = {"operationId": _operation_id(method, function), "parameters": parameters, "errors": errors,
           "success_headers": success_headers}
    if public:
        doc["security"] = []
    return doc


def complete(doc: dict, conventions: dict, method: str) -> dict:
    """Merge `operation_doc`'s parts into flask-smorest's operation document."""
    responses = doc.setdefault("responses", {})
    for status, name in conventions["errors"].items():
        responses.setdefault(status, name)
        if responses[status] == "UNPROCESSABLE_ENTITY":  # flask-smorest's generic 422
            responses[status] = name
    for status, response in responses.items():
        if str(status).startswith("2") and isinstance(response, dict):
            headers = response.setdefault("headers", {})
            headers.update(conventions["success_headers"])
            if int(status) in (201, 202):
                headers["Location"] = "Location"
    if method == "get":
        responses.setdefault(304, {"description": "Not modified: your If-None-Match still matches",
                                   "headers": {"ETag": "ETag", "X-Request-ID": "X-Request-ID"}})
    doc.setdefault("parameters", []).extend(conventions["parameters"])
    doc["operationId"] = conventions["operationId"]
    if "security" in conventions:
        doc["security"] = conventions["security"]
    return doc
