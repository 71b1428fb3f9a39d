"""Opaque page cursors: DynamoDB's LastEvaluatedKey, base64url-encoded JSON."""

import base64
import binascii
import json
from typing import Any

from shared.errors import ValidationFailed
from shared.names import GSI1_PK, GSI1_SK, GSI2_PK, GSI2_SK, TABLE_PK, TABLE_SK
from shared.ports.page import Page

__all__ = ["Page", "decode_cursor", "encode_cursor"]


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


_KEY_ATTRIBUTES = {TABLE_PK, TABLE_SK, GSI1_PK, GSI1_SK, GSI2_PK, GSI2_SK}


def _is_table_key(value: object) -> bool:
    """A LastEvaluatedKey of this table: key attributes only, each one string value."""
    if not isinstance(value, dict) or not value or not set(value) <= _KEY_ATTRIBUTES:
        return False
    return all(
        isinstance(v, dict) and len(v) == 1 and isinstance(v.get("S"), str) for v in value.values()
    )
