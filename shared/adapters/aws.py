"""Lazily created boto3 clients, one per service per process.

Nothing is created at import time: cold starts stay short and `mock_aws` (tests) or
AWS_ENDPOINT_URL (the local runtime) take effect. The local runtime clears this cache
when it switches endpoints.

`prime` readies a client's operations at a function's init, where Lambda gives a full
core: a client's first request of an operation loads its model, resolves the endpoint
ruleset and builds its serializer and parser, 5-10 ms at 256 MB's share of a core.
"""

import logging
from collections.abc import Iterator
from functools import cache
from io import BytesIO
from typing import Any

import boto3
from botocore import xform_name
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10
)
_log = logging.getLogger(__name__)


@cache
def client(service: str) -> Any:
    if service == "s3":
        # Virtual-hosted addressing fails against a local endpoint; path style works on both.
        return boto3.client(
            "s3",
            config=_CONFIG.merge(Config(s3={"addressing_style": "path"}, signature_version="s3v4")),
        )
    return boto3.client(service, config=_CONFIG)  # type: ignore[call-overload]


def reset_clients() -> None:
    client.cache_clear()


# A valid request per operation the adapters make, naming nothing that exists (it is
# answered in this process anyway).
_NOWHERE = "onewindow-priming"
_KEY = {"PK": {"S": _NOWHERE}, "SK": {"S": _NOWHERE}}
_UPDATE = {
    "TableName": _NOWHERE,
    "Key": _KEY,
    "UpdateExpression": "SET #a = :v",
    "ConditionExpression": "attribute_exists(#a)",
    "ExpressionAttributeNames": {"#a": "a"},
    "ExpressionAttributeValues": {":v": {"S": _NOWHERE}},
}
_REQUESTS: dict[tuple[str, str], dict[str, Any]] = {
    ("dynamodb", "Query"): {
        "TableName": _NOWHERE,
        "KeyConditionExpression": "#pk = :pk",
        "ExpressionAttributeNames": {"#pk": "PK"},
        "ExpressionAttributeValues": {":pk": {"S": _NOWHERE}},
        "Limit": 1,
    },
    ("dynamodb", "GetItem"): {"TableName": _NOWHERE, "Key": _KEY, "ConsistentRead": True},
    ("dynamodb", "PutItem"): {"TableName": _NOWHERE, "Item": _KEY},
    ("dynamodb", "UpdateItem"): _UPDATE,
    ("dynamodb", "TransactWriteItems"): {
        "TransactItems": [{"Update": _UPDATE}, {"Put": {"TableName": _NOWHERE, "Item": _KEY}}]
    },
    ("cognito-idp", "AdminAddUserToGroup"): {
        "UserPoolId": "us-east-1_priming",
        "Username": _NOWHERE,
        "GroupName": _NOWHERE,
    },
    ("s3", "HeadObject"): {"Bucket": _NOWHERE, "Key": _NOWHERE},
    ("s3", "PutObject"): {
        "Bucket": _NOWHERE,
        "Key": _NOWHERE,
        "Body": b"",
        "ContentType": "application/pdf",
    },
}


class _CannedBody(BytesIO):
    """The raw body botocore reads a response from (`stream` for its content)."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        while chunk := self.read(65536):
            yield chunk


class _InProcessEmitter:
    """The client's event emitter, except that `before-send` is answered here with an
    empty success: no other handler (an HTTP send, moto's stubber in tests) sees it."""

    def __init__(self, inner: Any, body: bytes) -> None:
        self._inner = inner
        self._body = body
        self.sent = 0

    def emit(self, event_name: str, **kwargs: Any) -> list[tuple[Any, Any]]:
        if not event_name.startswith("before-send."):
            return list(self._inner.emit(event_name, **kwargs))
        self.sent += 1
        request = kwargs["request"]
        headers = HTTPHeaders()
        headers["x-amzn-requestid"] = "priming"
        canned = AWSResponse(request.url, 200, headers, _CannedBody(self._body))
        return [(self.emit, canned)]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def prime(service: str, *operations: str) -> int:
    """Makes one request of each operation (botocore's names: "Query", "PutObject") on
    `client(service)`, answered in this process: nothing is sent, read or written, and
    nothing stays registered. Returns how many requests were answered that way. Call it
    at init, before anything (a botocore Stubber) is attached to the client."""
    shared = client(service)
    endpoint = shared._endpoint
    emitter = getattr(endpoint, "_event_emitter", None)
    if emitter is not shared.meta.events:
        # Not the botocore this was written against: skip the optimisation, send nothing.
        _log.debug("priming skipped: the client's endpoint emitter is not its own")
        return 0
    protocol = shared.meta.service_model.protocol
    body = b"{}" if protocol in ("json", "rest-json") else b""
    answering = _InProcessEmitter(emitter, body)
    endpoint._event_emitter = answering
    try:
        for operation in operations:
            params = _REQUESTS[(service, operation)]
            method = getattr(shared, xform_name(operation))
            try:
                method(**params)
            except (ClientError, BotoCoreError) as error:
                # An answer botocore parsed as an error still readied the operation.
                _log.debug("priming %s.%s answered %s", service, operation, error)
    finally:
        endpoint._event_emitter = emitter
    return answering.sent
