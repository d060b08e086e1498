"""Typed domain errors. web/ maps each class to one HTTP status and error code."""


class DomainError(Exception):
    code = "DOMAIN_ERROR"

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    code = "NOT_FOUND"


class PermissionDenied(DomainError):
    code = "FORBIDDEN"


class AuthenticationFailed(DomainError):
    code = "UNAUTHORIZED"


class ValidationFailed(DomainError):
    """Field-level problems: details map field -> list of messages."""

    code = "VALIDATION_ERROR"


class Conflict(DomainError):
    code = "CONFLICT"


class VersionConflict(Conflict):
    """The row changed since the caller read it (a stale `version`)."""

    code = "VERSION_CONFLICT"


class PaymentDeclined(DomainError):
    """The payment provider refused the charge for good (answered 402)."""

    code = "PAYMENT_DECLINED"


class InvalidTransition(Conflict):
    code = "INVALID_TRANSITION"

    def __init__(self, message: str, allowed: list[str]):
        super().__init__(message, allowed=allowed)


class PayloadTooLarge(DomainError):
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(DomainError):
    code = "UNSUPPORTED_MEDIA_TYPE"


class DependencyUnavailable(DomainError):
    code = "SERVICE_UNAVAILABLE"


class RateLimited(DomainError):
    """Too much of something at once; answered 429 with `Retry-After: retry_after` seconds."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after: int, **details):
        super().__init__(message, retry_after=retry_after, **details)
        self.retry_after = max(1, int(retry_after))
