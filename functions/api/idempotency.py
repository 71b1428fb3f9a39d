"""POST /applications and POST /bundles/{bundleId}/applications honour an Idempotency-Key
header (Powertools idempotency, DynamoDB).

The key is scoped to the caller, so two citizens' keys never collide; the same key with a
different body is refused rather than silently answered with the first case.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
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

from functions.api.dependencies import bundle_cache, repository
from shared.adapters.aws import client
from shared.errors import Conflict, ValidationFailed
from shared.identity import Caller
from shared.models.api import CreateApplicationRequest
from shared.models.bundle_cases import BundleApplicationRequest
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
def _store() -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(
        table_name=get_settings().require("idempotency_table_name"), boto3_client=client("dynamodb")
    )


@cache
def _create_once() -> Any:
    @idempotent_function(
        data_keyword_argument="request",
        persistence_store=_store(),
        config=_CONFIG,
        key_prefix="onewindow-create-application",
    )
    def create(
        *, request: dict[str, Any], caller: Caller, model: CreateApplicationRequest
    ) -> dict[str, Any]:
        return _created(caller, model)

    return create


@cache
def _file_bundle_once() -> Any:
    @idempotent_function(
        data_keyword_argument="request",
        persistence_store=_store(),
        config=_CONFIG,
        key_prefix="onewindow-file-bundle",
    )
    def file(
        *, request: dict[str, Any], caller: Caller, bundle_id: str, model: BundleApplicationRequest
    ) -> dict[str, Any]:
        return _filed(caller, bundle_id, model)

    return file


def _created(caller: Caller, request: CreateApplicationRequest) -> dict[str, Any]:
    repo = repository()
    application = cases.create_application(caller, request, repo, repo)
    return application.summary().model_dump(by_alias=True, mode="json")


def _filed(caller: Caller, bundle_id: str, request: BundleApplicationRequest) -> dict[str, Any]:
    from shared.services import bundle_cases

    repo = repository()
    filed, members = bundle_cases.file_bundle(caller, bundle_id, request, repo, bundle_cache())
    view = bundle_cases.bundle_case_view(filed, repo, repo, members)
    return view.model_dump(by_alias=True, mode="json")


def create_idempotently(
    caller: Caller,
    request: CreateApplicationRequest,
    key: str | None,
    context: LambdaContext | None,
) -> dict[str, Any]:
    if not key:
        return _created(caller, request)
    data = _keyed(caller, key, request.model_dump(mode="json"), context)
    with _refusals():
        result: dict[str, Any] = _create_once()(request=data, caller=caller, model=request)
    return result


def file_bundle_idempotently(
    caller: Caller,
    bundle_id: str,
    request: BundleApplicationRequest,
    key: str | None,
    context: LambdaContext | None,
) -> dict[str, Any]:
    """POST /bundles/{bundleId}/applications: the same key and body answer the first
    filing again (its view as it was then), never a second set of member cases."""
    if not key:
        return _filed(caller, bundle_id, request)
    body = {"bundleId": bundle_id, **request.model_dump(mode="json")}
    data = _keyed(caller, key, body, context)
    with _refusals():
        result: dict[str, Any] = _file_bundle_once()(
            request=data, caller=caller, bundle_id=bundle_id, model=request
        )
    return result


def _keyed(
    caller: Caller, key: str, body: dict[str, Any], context: LambdaContext | None
) -> dict[str, Any]:
    if len(key) > KEY_MAX_LENGTH or not re.fullmatch(KEY_PATTERN, key):
        raise ValidationFailed(
            f"{KEY_HEADER} must be at most {KEY_MAX_LENGTH} printable ASCII characters",
            field=KEY_HEADER,
        )
    if context is not None:
        _CONFIG.register_lambda_context(context)
    return {"owner": caller.sub, "key": key, "body": body}


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except IdempotencyValidationError as exc:
        raise ValidationFailed(
            f"{KEY_HEADER} was already used with a different body", field=KEY_HEADER
        ) from exc
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict(
            "a request with this Idempotency-Key is in progress", field=KEY_HEADER
        ) from exc


def reset() -> None:
    _create_once.cache_clear()
    _file_bundle_once.cache_clear()
    _store.cache_clear()
