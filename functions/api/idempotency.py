"""POST /applications honours an Idempotency-Key header (Powertools idempotency, DynamoDB).

The key is scoped to the caller, so two citizens' keys never collide; the same key with a
different body is refused rather than silently answered with the first case.
"""

import re
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.api.dependencies import repository
from shared.adapters.aws import client
from shared.errors import Conflict, ValidationFailed
from shared.identity import Caller
from shared.models.api import CreateApplicationRequest
from shared.services import applications as cases
from shared.settings import get_settings

KEY_HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 128
# Printable ASCII: what every HTTP client sends unchanged (the route's header parameter
# checks it, and the OpenAPI document says so).
KEY_PATTERN = r"^[ -~]+$"
_CONFIG = IdempotencyConfig(
    event_key_jmespath="[owner, key]",
    payload_validation_jmespath="body",
    expires_after_seconds=24 * 3600,
)


@cache
def _create_once() -> Any:
    store = DynamoDBPersistenceLayer(
        table_name=get_settings().require("idempotency_table_name"), boto3_client=client("dynamodb")
    )

    @idempotent_function(
        data_keyword_argument="request",
        persistence_store=store,
        config=_CONFIG,
        key_prefix="onewindow-create-application",
    )
    def create(
        *, request: dict[str, Any], caller: Caller, model: CreateApplicationRequest
    ) -> dict[str, Any]:
        repo = repository()
        application = cases.create_application(caller, model, repo, repo)
        return application.summary().model_dump(by_alias=True, mode="json")

    return create


def create_idempotently(
    caller: Caller,
    request: CreateApplicationRequest,
    key: str | None,
    context: LambdaContext | None,
) -> dict[str, Any]:
    if not key:
        repo = repository()
        application = cases.create_application(caller, request, repo, repo)
        return application.summary().model_dump(by_alias=True, mode="json")
    if len(key) > KEY_MAX_LENGTH or not re.fullmatch(KEY_PATTERN, key):
        raise ValidationFailed(
            f"{KEY_HEADER} must be at most {KEY_MAX_LENGTH} printable ASCII characters",
            field=KEY_HEADER,
        )
    if context is not None:
        _CONFIG.register_lambda_context(context)
    data = {"owner": caller.sub, "key": key, "body": request.model_dump(mode="json")}
    try:
        result: dict[str, Any] = _create_once()(request=data, caller=caller, model=request)
    except IdempotencyValidationError as exc:
        raise ValidationFailed(
            f"{KEY_HEADER} was already used with a different body", field=KEY_HEADER
        ) from exc
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict(
            "a request with this Idempotency-Key is in progress", field=KEY_HEADER
        ) from exc
    return result


def reset() -> None:
    _create_once.cache_clear()
