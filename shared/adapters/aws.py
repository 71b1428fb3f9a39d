"""Lazily created boto3 clients, one per service per process.

Nothing is created at import time: cold starts stay short and `mock_aws` (tests) or
AWS_ENDPOINT_URL (the local runtime) take effect. The local runtime clears this cache
when it switches endpoints.
"""

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10
)


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
