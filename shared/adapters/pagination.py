"""Opaque page cursors: DynamoDB's LastEvaluatedKey, bound to the query that made it,
base64url-encoded JSON.

A cursor is `{"k": <LastEvaluatedKey>, "q": <fingerprint of the query>}`. On the way
back in it must be exactly what that query returns as LastEvaluatedKey (the table's key
attributes, and the index's when an index is read, each one string) and carry the same
fingerprint: a cursor from another list (an owner's cases, an inbox, a timeline) or
another caller's list is refused with a 422 naming `cursor`, never followed. The
fingerprint is a plain hash, not a secret: what a cursor could reach is already bounded
by the partition the server queries for the caller, which the key must name too.
"""

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.errors import ValidationFailed
from shared.names import INDEX_KEYS, TABLE_PK, TABLE_SK
from shared.ports.page import Page

__all__ = ["CursorScope", "Page", "decode_cursor", "encode_cursor"]

Key = dict[str, Any]


@dataclass(frozen=True)
class CursorScope:
    """The query a cursor belongs to: the table or one index, and the key condition's
    values (the partition, a sort-key bound), by which one list differs from another."""

    index: str | None
    condition_values: Mapping[str, Any]
    partition: tuple[str, str] | None = None  # (attribute, value) the key must hold

    @property
    def key_attributes(self) -> frozenset[str]:
        """What DynamoDB returns as LastEvaluatedKey for this table or index."""
        extra = INDEX_KEYS[self.index] if self.index else ()
        return frozenset({TABLE_PK, TABLE_SK, *extra})

    def fingerprint(self) -> str:
        query = json.dumps(
            [self.index or "", self.condition_values], sort_keys=True, separators=(",", ":")
        )
        return hashlib.sha256(query.encode()).hexdigest()[:16]

    def admits(self, key: Key) -> bool:
        if set(key) != self.key_attributes:
            return False
        if self.partition is None:
            return True
        attribute, value = self.partition
        return bool(key[attribute]["S"] == value)


def encode_cursor(last_key: Key | None, scope: CursorScope | None = None) -> str | None:
    """The cursor for `last_key`; bound to `scope` when given (every DynamoDB query is)."""
    if not last_key:
        return None
    value: Any = {"k": last_key, "q": scope.fingerprint()} if scope else last_key
    raw = json.dumps(value, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, scope: CursorScope | None = None) -> Key | None:
    """The key to start after, or None for the first page; a ValidationFailed naming
    `cursor` unless it is one `encode_cursor` made for this same `scope`."""
    if not cursor:
        return None
    value = _json_of(cursor)
    if scope is not None:
        value = _scoped_key(value, scope)
    if not _is_table_key(value):
        raise _invalid()
    if scope is not None and not scope.admits(value):
        raise _invalid()
    return value  # type: ignore[no-any-return]


def _json_of(cursor: str) -> Any:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error) as exc:
        raise _invalid() from exc


def _scoped_key(value: Any, scope: CursorScope) -> Any:
    if not isinstance(value, dict) or set(value) != {"k", "q"}:
        raise _invalid()
    if value["q"] != scope.fingerprint():
        raise _invalid("cursor belongs to another list")
    return value["k"]


def _invalid(message: str = "cursor is not valid") -> ValidationFailed:
    return ValidationFailed(message, field="cursor")


_KEY_ATTRIBUTES = {TABLE_PK, TABLE_SK, *(a for keys in INDEX_KEYS.values() for a in keys)}


def _is_table_key(value: object) -> bool:
    """A LastEvaluatedKey of this table: key attributes only, each one string value."""
    if not isinstance(value, dict) or not value or not set(value) <= _KEY_ATTRIBUTES:
        return False
    return all(
        isinstance(v, dict) and len(v) == 1 and isinstance(v.get("S"), str) for v in value.values()
    )
