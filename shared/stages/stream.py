"""Reading the main table's stream records, for its consumers (audit, stats) and the
local feed: which records a consumer takes, and a record's document before or after."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

# A consumer's filter: each named key starts with one of its prefixes (the event source
# mapping's filter is built from the same data, infra/constructs/streams.py).
KeyPrefixes = Mapping[str, tuple[str, ...]]


def keys_start_with(stream_record: Mapping[str, Any], keys: KeyPrefixes) -> bool:
    found = stream_record.get("dynamodb", {}).get("Keys", {})
    return all(
        found.get(name, {}).get("S", "").startswith(prefixes) for name, prefixes in keys.items()
    )


def image_document(image: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The record's `doc` as it was (old image) or became (new image); None without one."""
    if not image or "doc" not in image:
        return None
    loaded = json.loads(image["doc"]["S"])
    return loaded if isinstance(loaded, dict) else {"value": loaded}
