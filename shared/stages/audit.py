"""The audit function: the main table's stream, as audit records chained per subject.

Every write carries who made it (the `by` stamp, shared/acting.py); the stream gives the
record as it was and as it became. Records of one subject arrive in the order they were
written (one shard per partition key, one batch at a time), so each subject's new records
are appended after its newest, each with the hash of the one before. A batch retried
after a failure starts where it stopped: records whose stream event is already in the
trail are skipped, so nothing is recorded twice and the chain never forks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.domain.audit import GENESIS, field_changes, sealed
from shared.errors import Conflict
from shared.models.audit import AuditChangeKind, AuditRecord
from shared.names import AUDIT_STAMP, TABLE_PK, TABLE_SK
from shared.ports.audit import AuditTrail
from shared.stages.stream import image_document

# Whose records are audited: cases, people (delegations), applicants (commitment bars),
# follow-up tickets. The catalog's bulk imports and the statistics are not actions on
# anyone's case.
AUDITED_SUBJECTS = ("APP#", "USER#", "APPLICANT#", "TICKET#")
_CHANGE: dict[str, AuditChangeKind] = {
    "INSERT": "created",
    "MODIFY": "changed",
    "REMOVE": "deleted",
}
_TIMELINE = "TL#"


@dataclass(frozen=True)
class Change:
    """One stream record, read: the subject (PK), the record (SK), the documents."""

    sequence_number: str
    event_id: str
    subject: str
    record: str
    change: AuditChangeKind
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    stamp: dict[str, str]


def _stamp(image: dict[str, Any] | None) -> dict[str, str]:
    raw = (image or {}).get(AUDIT_STAMP, {}).get("M", {})
    return {key: value.get("S", "") for key, value in raw.items()}


def read_change(stream_record: dict[str, Any]) -> Change | None:
    """A stream record as a Change; None when it is not audited (another kind of record,
    or a write that left the record's document as it was, such as a deletion's stamp)."""
    data = stream_record.get("dynamodb", {})
    keys = data.get("Keys", {})
    subject = keys.get(TABLE_PK, {}).get("S", "")
    if not subject.startswith(AUDITED_SUBJECTS):
        return None
    change = _CHANGE[stream_record["eventName"]]
    old, new = data.get("OldImage"), data.get("NewImage")
    before, after = image_document(old), image_document(new)
    if change == "changed" and before == after:
        return None
    # A deletion names who deleted it in the last image (DynamoTable._delete stamps first).
    stamp = _stamp(new if change != "deleted" else old)
    return Change(
        sequence_number=data.get("SequenceNumber", ""),
        event_id=stream_record.get("eventID", ""),
        subject=subject,
        record=keys.get(TABLE_SK, {}).get("S", ""),
        change=change,
        before=before,
        after=after,
        stamp=stamp,
    )


def describe(change: Change) -> str:
    """What was done, in words: a history event's own action, else the record's change
    (with the status it moved between, when it moved)."""
    if change.record.startswith(_TIMELINE) and change.after:
        action = str(change.after.get("action", "event"))
        detail = str(change.after.get("detail", ""))
        return f"{action}: {detail}" if detail else action
    kind = change.record.split("#", 1)[0].lower()
    text = f"{change.record} {change.change}" if "#" in change.record else f"{kind} {change.change}"
    before = (change.before or {}).get("status")
    after = (change.after or {}).get("status")
    if before != after and after is not None:
        text += f" ({before or 'new'} → {after})"
    return text


def _at(stamp: dict[str, str], fallback: datetime) -> datetime:
    try:
        return datetime.fromisoformat(stamp["t"])
    except (KeyError, ValueError):
        return fallback


def audit_record(change: Change, seq: int, previous_hash: str, now: datetime) -> AuditRecord:
    record = AuditRecord(
        subject=change.subject,
        seq=seq,
        at=_at(change.stamp, now),
        actor=change.stamp.get("a") or "unknown",
        on_behalf_of=change.stamp.get("o") or None,
        via=change.stamp.get("v", ""),
        request_id=change.stamp.get("r", ""),
        record=change.record,
        change=change.change,
        action=describe(change),
        changes=field_changes(change.before, change.after),
        source=change.event_id,
        previous_hash=previous_hash,
        hash="",
    )
    return sealed(record, previous_hash)


def _by_subject(changes: Iterable[Change]) -> dict[str, list[Change]]:
    grouped: dict[str, list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.subject, []).append(change)
    return grouped


def _not_yet_recorded(changes: Sequence[Change], last: AuditRecord | None) -> Sequence[Change]:
    if last is None:
        return changes
    for position, change in enumerate(changes):
        if change.event_id == last.source:
            return changes[position + 1 :]
    return changes


def append_changes(
    changes: Sequence[Change], trail: AuditTrail, now: datetime
) -> tuple[int, list[str]]:
    """Appends each subject's changes to its trail; (records written, the stream sequence
    numbers of the first change of each subject that could not be written)."""
    written, failed = 0, []
    for subject, pending in _by_subject(changes).items():
        last = trail.last_record(subject)
        seq, previous = (last.seq, last.hash) if last else (0, GENESIS)
        for change in _not_yet_recorded(pending, last):
            record = audit_record(change, seq + 1, previous, now)
            try:
                trail.append(record)
            except Conflict:
                failed.append(change.sequence_number)
                break
            seq, previous, written = record.seq, record.hash, written + 1
    return written, failed


def record_stream(
    stream_records: Sequence[dict[str, Any]], trail: AuditTrail, now: datetime
) -> dict[str, Any]:
    """The handler's work: the batch's audited changes appended; a subject whose append
    met a concurrent writer is reported back from its first unwritten change, which Lambda
    retries (the records before it are skipped as already written)."""
    changes = [c for c in (read_change(r) for r in stream_records) if c is not None]
    written, failed = append_changes(changes, trail, now)
    # Lambda retries from the lowest failed sequence number of the batch.
    failures = sorted(failed, key=lambda number: int(number or 0))[:1]
    return {
        "written": written,
        "batchItemFailures": [{"itemIdentifier": number} for number in failures],
    }
