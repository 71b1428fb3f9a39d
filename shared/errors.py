"""The domain's own exceptions; the API maps each to one HTTP status in one place."""

from typing import Any


class DomainError(Exception):
    """Base class: a rule of the domain refused the request.

    `field` names the one field at fault; `fields` lists several at once (a form with
    three wrong values is one answer naming all three), as (field, message) pairs.
    """

    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        fields: list[tuple[str, str]] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.fields = fields or ([(field, message)] if field else [])
        self.details = details


class ValidationFailed(DomainError):
    status_code = 422
    code = "validation_error"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    """The case is not in a state that allows this action, or a racing write won."""

    status_code = 409
    code = "conflict"


class ConcurrentUpdate(Conflict):
    """Another writer changed the record since it was read (a lost optimistic lock): read
    again and reapply."""


class TransientError(Exception):
    """A retryable failure (throttling, a transaction that met another); Step Functions
    retries errors of this name with backoff, the API answers 503."""


class DependencyUnavailable(TransientError):
    """A service the request needs is missing or refuses us (a bucket or table gone,
    access denied): nothing was changed, and retrying at once will not help, so it is
    named apart from throttling for the logs and alarms; the API still answers 503."""


class StageError(Exception):
    """A permanent failure of a workflow stage; the workflow records it and fails."""
