"""The audit trail's rules without AWS: changes read from stream records, the hash chain,
and the append that a retried batch cannot duplicate or fork."""

import json
from datetime import UTC, datetime

import pytest

from shared.acting import Actor, acting, current_actor, on_behalf_of
from shared.adapters.dynamo.table import actor_stamp, stamped_update
from shared.domain.audit import GENESIS, check_chain, field_changes
from shared.errors import Conflict
from shared.models.audit import AuditRecord
from shared.ports.page import Page
from shared.stages.audit import read_change, record_stream

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


class MemoryTrail:
    def __init__(self, taken_once: set[tuple[str, int]] = frozenset()) -> None:
        self.records: dict[str, list[AuditRecord]] = {}
        self.taken_once = set(taken_once)

    def last_record(self, subject: str) -> AuditRecord | None:
        trail = self.records.get(subject, [])
        return trail[-1] if trail else None

    def get_record(self, subject: str, seq: int) -> AuditRecord | None:
        trail = self.records.get(subject, [])
        return trail[seq - 1] if 0 < seq <= len(trail) else None

    def append(self, record: AuditRecord) -> None:
        if (record.subject, record.seq) in self.taken_once:
            self.taken_once.discard((record.subject, record.seq))
            raise Conflict("taken", field="seq")
        self.records.setdefault(record.subject, []).append(record)

    def list_subject(self, subject: str, limit: int, cursor: str | None) -> Page[AuditRecord]:
        return Page(self.records.get(subject, [])[:limit], None, 0)


def _stream(seq: int, pk: str, sk: str, old: dict | None, new: dict | None, by: str) -> dict:
    def image(doc: dict | None) -> dict | None:
        if doc is None:
            return None
        return {
            "PK": {"S": pk},
            "SK": {"S": sk},
            "doc": {"S": json.dumps(doc)},
            "by": {"M": {"a": {"S": by}, "v": {"S": "POST /x"}, "t": {"S": NOW.isoformat()}}},
        }

    data = {"Keys": {"PK": {"S": pk}, "SK": {"S": sk}}, "SequenceNumber": str(seq)}
    if old is not None:
        data["OldImage"] = image(old)
    if new is not None:
        data["NewImage"] = image(new)
    name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    return {"eventID": f"e{seq}", "eventName": name, "dynamodb": data}


BATCH = [
    _stream(1, "APP#A", "HEADER", None, {"status": "DRAFT"}, "zhangwei"),
    _stream(2, "APP#B", "HEADER", None, {"status": "DRAFT"}, "lina"),
    _stream(3, "APP#A", "HEADER", {"status": "DRAFT"}, {"status": "SUBMITTED"}, "zhangwei"),
    _stream(4, "CATALOG#X", "ITEM", None, {"name": "x"}, "system"),
    _stream(5, "APP#A", "HEADER", {"status": "SUBMITTED"}, {"status": "SUBMITTED"}, "system"),
]


def test_changes_are_read_per_subject_and_unaudited_or_empty_ones_are_skipped() -> None:
    changes = [read_change(r) for r in BATCH]
    assert [c.subject if c else None for c in changes] == ["APP#A", "APP#B", "APP#A", None, None]
    third = changes[2]
    assert third is not None and third.change == "changed" and third.stamp["a"] == "zhangwei"


def test_each_subject_gets_its_own_chain_from_genesis() -> None:
    trail = MemoryTrail()
    outcome = record_stream(BATCH, trail, NOW)
    assert outcome == {"written": 3, "batchItemFailures": []}
    a = trail.records["APP#A"]
    assert [r.seq for r in a] == [1, 2]
    assert a[0].previous_hash == GENESIS and a[1].previous_hash == a[0].hash
    assert a[1].action == "header changed (DRAFT → SUBMITTED)"
    assert [c.model_dump() for c in a[1].changes] == [
        {"field": "status", "before": "DRAFT", "after": "SUBMITTED"}
    ]
    assert check_chain(a, GENESIS).intact


def test_a_batch_delivered_again_records_nothing_twice() -> None:
    trail = MemoryTrail()
    record_stream(BATCH, trail, NOW)
    again = record_stream(BATCH, trail, NOW)
    assert again["written"] == 0
    assert [r.seq for r in trail.records["APP#A"]] == [1, 2]


def test_a_place_taken_meanwhile_is_reported_and_the_retry_continues_the_chain() -> None:
    # Record 2 of APP#A is taken the first time (another invocation appended first)
    trail = MemoryTrail(taken_once={("APP#A", 2)})
    first = record_stream(BATCH, trail, NOW)
    assert first["batchItemFailures"] == [{"itemIdentifier": "3"}]
    # Lambda retries from the failed record; B's record before it is not written twice
    retried = record_stream(BATCH[2:], trail, NOW)
    assert retried["batchItemFailures"] == []
    assert [r.seq for r in trail.records["APP#A"]] == [1, 2]
    assert [r.seq for r in trail.records["APP#B"]] == [1]
    assert check_chain(trail.records["APP#A"], GENESIS).intact


def test_the_chain_check_finds_an_altered_record_and_a_missing_one() -> None:
    trail = MemoryTrail()
    record_stream(BATCH[:3], trail, NOW)
    a = trail.records["APP#A"]
    altered = [a[0].model_copy(update={"actor": "mallory"}), a[1]]
    assert check_chain(altered, GENESIS).model_dump() == {
        "intact": False,
        "checked": 1,
        "broken_at": 1,
    }
    assert check_chain(a[1:], GENESIS).broken_at == 2  # record 1 missing
    assert check_chain(a[1:], a[0].hash).intact


def test_field_changes_name_each_field_before_and_after() -> None:
    changes = field_changes({"a": 1, "b": 2}, {"b": 3, "c": 4})
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("a", 1, None),
        ("b", 2, 3),
        ("c", None, 4),
    ]


def test_every_write_carries_who_acts_and_for_whom() -> None:
    assert current_actor().name == "system"
    with acting(Actor(name="staff-water", via="POST /tasks/{taskId}/decision", request_id="r1")):
        with on_behalf_of("staff-power"):
            stamp = actor_stamp()["M"]
        assert "o" not in actor_stamp()["M"]
    assert stamp["a"] == {"S": "staff-water"} and stamp["o"] == {"S": "staff-power"}
    assert stamp["r"] == {"S": "r1"}
    update = stamped_update({"UpdateExpression": "SET #d = :d REMOVE #x"})
    assert update["UpdateExpression"] == "SET #by_ = :by_, #d = :d REMOVE #x"
    assert update["ExpressionAttributeNames"]["#by_"] == "by"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_an_export_cell_a_spreadsheet_would_run_is_quoted(cell: str) -> None:
    from shared.services.audit import _cell

    assert _cell(cell) == f"'{cell}"
