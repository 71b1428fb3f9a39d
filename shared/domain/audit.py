"""The audit trail's rules: what changed between two versions of a record, and the hash
chain that makes a trail tamper-evident (each record hashes its content with the previous
record's hash, so changing, removing or reordering one breaks every link after it)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from shared.models.audit import AuditRecord, ChainCheck, FieldChange

GENESIS = "0" * 64


def field_changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[FieldChange]:
    """The top-level fields that differ, in name order (a created record: every field)."""
    old, new = before or {}, after or {}
    return [
        FieldChange(field=name, before=old.get(name), after=new.get(name))
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    ]


def record_hash(record: AuditRecord) -> str:
    """SHA-256 over the record's canonical JSON (sorted keys, no spaces), hash left out."""
    content = record.model_dump(mode="json", by_alias=True, exclude={"hash"})
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def sealed(record: AuditRecord, previous_hash: str) -> AuditRecord:
    linked = record.model_copy(update={"previous_hash": previous_hash, "hash": ""})
    return linked.model_copy(update={"hash": record_hash(linked)})


def check_chain(
    records: Sequence[AuditRecord], previous_hash: str | None, *, linked: bool = True
) -> ChainCheck:
    """Checks each record's own hash and, for one subject's trail in order (`linked`), its
    link to the one before: `previous_hash` is the hash of the record before the first
    (GENESIS before seq 1), None when not known."""
    expected, expected_seq = previous_hash, None
    for checked, record in enumerate(records, start=1):
        link_broken = linked and (
            (expected is not None and record.previous_hash != expected)
            or (expected_seq is not None and record.seq != expected_seq)
        )
        if link_broken or record_hash(record) != record.hash:
            return ChainCheck(intact=False, checked=checked, broken_at=record.seq)
        expected, expected_seq = record.hash, record.seq + 1
    return ChainCheck(intact=True, checked=len(records))
