"""Opaque page cursors: DynamoDB's LastEvaluatedKey, base64url-encoded JSON."""

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from shared.errors import ValidationFailed

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None = None
    # Items DynamoDB read to serve this page (for the flat-cost benchmark).
    scanned: int = field(default=0)


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    raw = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error) as exc:
        raise ValidationFailed("cursor is not valid", field="cursor") from exc
    if not _is_table_key(value):
        raise ValidationFailed("cursor is not valid", field="cursor")
    return value


_KEY_ATTRIBUTES = {"PK", "SK", "GSI1PK", "GSI1SK"}


def _is_table_key(value: object) -> bool:
    """A LastEvaluatedKey of this table: key attributes only, each one string value."""
    if not isinstance(value, dict) or not value or not set(value) <= _KEY_ATTRIBUTES:
        return False
    return all(
        isinstance(v, dict) and len(v) == 1 and isinstance(v.get("S"), str) for v in value.values()
    )
