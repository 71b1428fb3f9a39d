"""The stats function: the main table's stream, tallied into the published figures.

Only case headers and reviews reach it (the event source mapping's filter, TALLIED_RECORDS;
the local feed applies the same). Each change that adds something is tallied once, in
its own transaction with the record that it was (shared/adapters/dynamo/stats.py), so a
batch delivered again, whole or from a failed record on, adds nothing twice. A tally that
cannot be written now stops the batch there and is reported back, which Lambda retries
from that record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.domain.stats import CaseFacts, Tally, case_tally, review_decided, review_tally
from shared.errors import TransientError
from shared.models.application import Review
from shared.names import TABLE_PK, TABLE_SK
from shared.ports.stats import CaseClocks, StatsLedger
from shared.stages.stream import KeyPrefixes, image_document, keys_start_with

# The records the figures are tallied from: a case's header and its reviews. Stdlib data:
# the CDK app builds the stream's filter from it.
TALLIED_RECORDS: KeyPrefixes = {
    TABLE_PK: ("APP#",),
    TABLE_SK: ("HEADER", "REVIEW#"),
}


def is_tallied(stream_record: dict[str, Any]) -> bool:
    return keys_start_with(stream_record, TALLIED_RECORDS)


def _images(stream_record: dict[str, Any]) -> tuple[dict[str, Any] | None, ...]:
    data = stream_record.get("dynamodb", {})
    return image_document(data.get("OldImage")), image_document(data.get("NewImage"))


def read_tally(stream_record: dict[str, Any], clocks: CaseClocks) -> Tally | None:
    """What one stream record adds to the figures (None: nothing)."""
    if not is_tallied(stream_record):
        return None
    before, after = _images(stream_record)
    sort_key = stream_record["dynamodb"]["Keys"][TABLE_SK]["S"]
    if sort_key == "HEADER":
        return case_tally(_facts(before), _facts(after))
    old, new = _review(before), _review(after)
    clock = clocks.case_clock(new.application_id) if new and review_decided(old, new) else None
    return review_tally(old, new, clock)


def _facts(document: dict[str, Any] | None) -> CaseFacts | None:
    return CaseFacts.model_validate(document, extra="ignore") if document else None


def _review(document: dict[str, Any] | None) -> Review | None:
    return Review.model_validate(document, extra="ignore") if document else None


def tally_stream(
    stream_records: Sequence[dict[str, Any]], ledger: StatsLedger, clocks: CaseClocks
) -> dict[str, Any]:
    """The handler's work: each record's tally added once, in stream order; the first
    that could not be written is reported back and the rest left for the retry."""
    added = repeated = 0
    for stream_record in stream_records:
        try:
            tally = read_tally(stream_record, clocks)
            if tally is None:
                continue
            if ledger.apply(stream_record.get("eventID", ""), tally):
                added += 1
            else:
                repeated += 1
        except TransientError:
            number = stream_record.get("dynamodb", {}).get("SequenceNumber", "")
            return {
                "added": added,
                "repeated": repeated,
                "batchItemFailures": [{"itemIdentifier": number}],
            }
    return {"added": added, "repeated": repeated, "batchItemFailures": []}
