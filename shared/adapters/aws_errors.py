"""The one translation of AWS SDK errors into the domain's errors.

- Throttling, a service's 5xx and a transaction that met another one are transient: a
  stage retries with backoff (TransientError), the API answers 503.
- A failed condition is a Conflict: the caller names which (a concurrent update, a
  duplicate). A cancelled transaction is read reason by reason: if any item was throttled
  or in conflict with another transaction the whole is transient, otherwise a failed
  condition is the conflict, and anything else (a validation error: a bug) stays as it is.
"""

from botocore.exceptions import ClientError

from shared.errors import Conflict, TransientError

TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "TransactionConflictException",
        "TransactionInProgressException",
        "InternalServerError",
        "InternalFailure",
        "InternalError",
        "ServiceUnavailable",
        "SlowDown",
        "500",
        "503",
    }
)
# Codes of a TransactionCanceledException's CancellationReasons.
_TRANSIENT_REASONS = frozenset(
    {
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
        "TransactionConflict",
        "RequestLimitExceeded",
    }
)
CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELLED = "TransactionCanceledException"


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def cancellation_reasons(exc: ClientError) -> list[str]:
    """The code of each item's outcome in a cancelled transaction ('None' where it was fine)."""
    reasons = exc.response.get("CancellationReasons") or []
    return [str(r.get("Code", "None")) for r in reasons]


def translate(exc: ClientError, conflict: Conflict | None = None) -> Exception:
    """The domain error for `exc`; `conflict` is what a failed condition means here."""
    code = error_code(exc)
    if code in TRANSIENT_CODES:
        return TransientError(f"AWS {code}")
    if code == CONDITION_FAILED and conflict is not None:
        return conflict
    if code == TRANSACTION_CANCELLED:
        reasons = set(cancellation_reasons(exc))
        if reasons & _TRANSIENT_REASONS:
            return TransientError(f"transaction cancelled: {', '.join(sorted(reasons))}")
        if "ConditionalCheckFailed" in reasons and conflict is not None:
            return conflict
    return exc
