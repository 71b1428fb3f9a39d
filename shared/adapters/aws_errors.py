"""The one translation of AWS SDK errors into the domain's errors, used by every adapter
that calls AWS (S3, Step Functions, DynamoDB).

- Throttling, a service's 5xx, a transaction that met another one, and a connection that
  failed or timed out are transient: a stage retries with backoff (TransientError: the
  state machine retries errors of exactly that name), the API answers 503.
- A resource that is gone (a bucket, a table, the state machine) or access denied is
  DependencyUnavailable: a TransientError too (503, nothing changed), named apart because
  retrying at once will not bring it back.
- A failed condition is a Conflict: the caller names which (a concurrent update, a
  duplicate). A cancelled transaction is read reason by reason: if any item was throttled
  or in conflict with another transaction the whole is transient, otherwise a failed
  condition is the conflict, and anything else (a validation error: a bug) stays as it is.
"""

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    CredentialRetrievalError,
    HTTPClientError,
    NoCredentialsError,
)

from shared.errors import Conflict, DependencyUnavailable, TransientError

# What an adapter catches around an AWS call and hands to `translate`.
AWS_ERRORS = (ClientError, BotoCoreError)

TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "TransactionConflictException",
        "TransactionInProgressException",
        "InternalServerError",
        "InternalFailure",
        "InternalError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
        "500",
        "502",
        "503",
        "504",
    }
)
# A dependency that is not there or does not let us in. "403" is S3's answer to a HEAD
# (no body, so no code) when access is denied.
UNAVAILABLE_CODES = frozenset(
    {
        "NoSuchBucket",
        "AccessDenied",
        "AccessDeniedException",
        "403",
        "ResourceNotFoundException",  # DynamoDB: the table or index does not exist
        "StateMachineDoesNotExist",
        "StateMachineDeleting",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidAccessKeyId",
        "KMS.DisabledException",
        "KMS.KMSInvalidStateException",
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


def translate(exc: ClientError | BotoCoreError, conflict: Conflict | None = None) -> Exception:
    """The domain error for `exc`; `conflict` is what a failed condition means here.
    What is neither transient nor a conflict (a bug: a malformed request) stays as it is."""
    if isinstance(exc, BotoCoreError):
        return _translate_sdk(exc)
    code = error_code(exc)
    if code in TRANSIENT_CODES:
        return TransientError(f"AWS {exc.operation_name}: {code}")
    if code in UNAVAILABLE_CODES:
        return DependencyUnavailable(f"AWS {exc.operation_name}: {code}")
    if code == CONDITION_FAILED and conflict is not None:
        return conflict
    if code == TRANSACTION_CANCELLED:
        reasons = set(cancellation_reasons(exc))
        if reasons & _TRANSIENT_REASONS:
            return TransientError(f"transaction cancelled: {', '.join(sorted(reasons))}")
        if "ConditionalCheckFailed" in reasons and conflict is not None:
            return conflict
    return exc


def _translate_sdk(exc: BotoCoreError) -> Exception:
    """Errors botocore raises before or instead of an answer: no connection, a timeout,
    no credentials. A parameter the SDK refused (a bug) stays as it is."""
    # ConnectionError: endpoint unreachable, connect timeout, proxy, TLS; HTTPClientError:
    # read timeout, connection closed mid-answer.
    if isinstance(exc, ConnectionError | HTTPClientError):
        return TransientError(f"AWS unreachable: {type(exc).__name__}")
    if isinstance(exc, NoCredentialsError | CredentialRetrievalError):
        return DependencyUnavailable(f"AWS credentials: {type(exc).__name__}")
    return exc
