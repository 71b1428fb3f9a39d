"""Department reviews: `REVIEW#<dept>` under the case, each written by its own department.

While pending, a review is in two sparse indexes: its department's inbox (GSI1
`INBOX#<dept>`) and every pending task by due time (GSI2 `TASKS#PENDING`), both projecting
the review's summary. Deciding or withdrawing it takes it out of both. The token is an
attribute beside the record; it stays after the decision, so an officer's retry can
answer it again if the first answer never reached Step Functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shared.adapters.dynamo.cases import REVIEW, case_pk, event_items, header_update
from shared.adapters.dynamo.table import (
    DynamoTable,
    Item,
    dump,
    parse,
    put,
    record,
    s,
    stamp,
)
from shared.errors import ConcurrentUpdate, Conflict
from shared.models.application import Application, Delegation, Review, TimelineEvent
from shared.models.ids import parse_task_id
from shared.names import GSI1, GSI1_PK, GSI1_SK, GSI2, GSI2_PK, GSI2_SK, SUMMARY_ATTRIBUTE
from shared.ports.page import Page

PENDING_TASKS = "TASKS#PENDING"
# Pending and warned (yellow), not yet late: by due time, for the red warning.
WARNED_TASKS = "TASKS#WARNED"
# Pending while the case's clock is stopped: out of the sweep's list until it runs again.
PAUSED_TASKS = "TASKS#PAUSED"
# Pending and past due: out of the list the deadlines sweep reads, so that it reads only
# what fell due since it last ran, however many tasks are late.
OVERDUE_TASKS = "TASKS#OVERDUE"
HOLDER = "holder"  # who holds a claimed task: what claims are conditioned on
DELEGATION = "DELEGATION"
_INDEX_ATTRIBUTES = (GSI1_PK, GSI1_SK, GSI2_PK, GSI2_SK, SUMMARY_ATTRIBUTE)


def inbox_partition(department: str) -> str:
    return f"INBOX#{department}"


def review_item(review: Review) -> Item:
    doc = dump(review)
    item = record(
        case_pk(review.application_id),
        f"{REVIEW}{review.department}",
        doc,
        status=s(review.status),
        taskToken=s(review.task_token),
    )
    if review.claimed_by:
        item[HOLDER] = s(review.claimed_by)
    if review.status == "PENDING":
        due = f"{stamp(review.due_at)}#{review.task_id}"
        partition = _due_partition(review)
        # Not yet warned: listed by when the warning is due; after, by the deadline.
        moment = review.warn_at if partition == PENDING_TASKS and review.warn_at else None
        item.update(
            {
                GSI1_PK: s(inbox_partition(review.department)),
                GSI1_SK: s(due),
                GSI2_PK: s(partition),
                GSI2_SK: s(f"{stamp(moment)}#{review.task_id}" if moment else due),
                SUMMARY_ATTRIBUTE: s(doc),
            }
        )
    return item


def _due_partition(review: Review) -> str:
    """Where the sweep finds a pending review: not yet warned (by its warning time), warned
    (by its deadline), late, or held while the clock is stopped (not read by the sweep)."""
    if review.overdue_at:
        return OVERDUE_TASKS
    if review.paused_since:
        return PAUSED_TASKS
    return WARNED_TASKS if review.warned_at else PENDING_TASKS


def _retimed(review: Review) -> dict[str, Any]:
    """The update that moves a pending review's due time (the case's clock changed)."""
    item = review_item(review)
    keys = {"#doc": "doc", "#i": GSI1_SK, "#g": GSI2_PK, "#gs": GSI2_SK, "#sum": SUMMARY_ATTRIBUTE}
    return {
        "Key": {"PK": item["PK"], "SK": item["SK"]},
        "UpdateExpression": "SET #doc = :doc, #i = :i, #g = :g, #gs = :gs, #sum = :sum",
        "ConditionExpression": "#st = :pending",
        "ExpressionAttributeNames": {**keys, "#st": "status"},
        "ExpressionAttributeValues": {
            ":doc": item["doc"],
            ":i": item[GSI1_SK],
            ":g": item[GSI2_PK],
            ":gs": item[GSI2_SK],
            ":sum": item[SUMMARY_ATTRIBUTE],
            ":pending": s("PENDING"),
        },
    }


def _closing(review: Review) -> dict[str, Any]:
    """The update that ends a pending review (decided or withdrawn)."""
    item = review_item(review)
    return {
        "Key": {"PK": item["PK"], "SK": item["SK"]},
        "UpdateExpression": "SET #doc = :doc, #st = :st REMOVE " + ", ".join(_INDEX_ATTRIBUTES),
        "ConditionExpression": "#st = :pending",
        "ExpressionAttributeNames": {"#doc": "doc", "#st": "status"},
        "ExpressionAttributeValues": {
            ":doc": item["doc"],
            ":st": item["status"],
            ":pending": s("PENDING"),
        },
    }


class TaskStore(DynamoTable):
    def open_review(self, review: Review) -> None:
        self._put(review_item(review))

    def get_task(self, task_id: str) -> Review | None:
        parts = parse_task_id(task_id)
        if parts is None:
            return None
        application_id, department = parts
        item = self._get(case_pk(application_id), f"{REVIEW}{department}", consistent=True)
        if item is None:
            return None
        review = parse(Review, item)
        review.task_token = item.get("taskToken", {}).get("S", "")
        return review

    def list_pending_tasks(self, department: str, limit: int, cursor: str | None) -> Page[Review]:
        return self._index_page(Review, GSI1, inbox_partition(department), limit, cursor)

    def decide_review(self, review: Review, events: Sequence[TimelineEvent]) -> None:
        operations = [
            {"Update": _closing(review)},
            *(put(e) for e in event_items(review.application_id, events)),
        ]
        self._write(
            operations,
            Conflict("the task was already decided or withdrawn; reload", field="taskId"),
        )

    def mark_overdue(self, review: Review, events: Sequence[TimelineEvent]) -> bool:
        return self._move_in_sweep(review, events)

    def mark_warned(self, review: Review, events: Sequence[TimelineEvent]) -> bool:
        return self._move_in_sweep(review, events)

    def _move_in_sweep(self, review: Review, events: Sequence[TimelineEvent]) -> bool:
        """Saves a pending review the sweep marked (warned or late): it moves to the list its
        state belongs in, with the case's events, all or nothing; False if no longer pending."""
        operations = [
            {"Update": _retimed(review)},
            *(put(e) for e in event_items(review.application_id, events)),
        ]
        try:
            self._write(operations, Conflict("not pending", field="taskId"))
        except Conflict:
            return False
        return True

    def withdraw_review(self, review: Review) -> bool:
        withdrawn = review.model_copy(update={"status": "EXPIRED"})
        try:
            self._update(_closing(withdrawn), Conflict("not pending"))
        except Conflict:
            return False
        return True

    def save_clock(self, application: Application, reviews: Sequence[Review]) -> None:
        """The case's header (its clock and deadlines), its pending reviews retimed and the
        events, all at once. A review decided meanwhile, or the header saved by someone
        else first, fails the whole write with ConcurrentUpdate: the caller reloads."""
        expected = application.version
        operations = [
            {"Update": header_update(application, expected, {})},
            *({"Update": _retimed(r)} for r in reviews),
            *(put(e) for e in event_items(application.application_id, application.new_events)),
        ]
        self._write(
            operations,
            ConcurrentUpdate("the case changed while its clock was set; retry", field="taskId"),
        )
        application.version = expected + 1
        application.events_written()

    def hold_task(self, review: Review, expected_holder: str | None) -> None:
        """Saves the review's holder (claim, release, assignment) if the task is pending and
        still held by `expected_holder` (None: by nobody); else a Conflict."""
        item = review_item(review)
        names = {"#doc": "doc", "#sum": SUMMARY_ATTRIBUTE, "#st": "status", "#h": HOLDER}
        values: dict[str, Any] = {
            ":doc": item["doc"],
            ":sum": item[SUMMARY_ATTRIBUTE],
            ":pending": s("PENDING"),
        }
        held = "attribute_not_exists(#h)"
        if expected_holder is not None:
            held, values[":was"] = "#h = :was", s(expected_holder)
        setting = "SET #doc = :doc, #sum = :sum"
        if review.claimed_by:
            setting, values[":h"] = f"{setting}, #h = :h", s(review.claimed_by)
        else:
            setting = f"{setting} REMOVE #h"
        self._update(
            {
                "Key": {"PK": item["PK"], "SK": item["SK"]},
                "UpdateExpression": setting,
                "ConditionExpression": f"#st = :pending AND {held}",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            },
            Conflict("the task was claimed, released or decided meanwhile; reload", field="taskId"),
        )

    def put_delegation(self, delegation: Delegation) -> None:
        self._put(record(f"USER#{delegation.officer}", DELEGATION, dump(delegation)))

    def get_delegation(self, officer: str) -> Delegation | None:
        item = self._get(f"USER#{officer}", DELEGATION, consistent=True)
        return parse(Delegation, item) if item else None

    def end_delegation(self, officer: str) -> None:
        self._delete(f"USER#{officer}", DELEGATION)

    def list_tasks_by_status(
        self, due_before: datetime | None, limit: int, cursor: str | None
    ) -> Page[Review]:
        return self._index_page(Review, GSI2, PENDING_TASKS, limit, cursor, before=due_before)

    def list_warned_tasks(
        self, due_before: datetime | None, limit: int, cursor: str | None
    ) -> Page[Review]:
        return self._index_page(Review, GSI2, WARNED_TASKS, limit, cursor, before=due_before)

    def list_overdue_tasks(self, limit: int, cursor: str | None) -> Page[Review]:
        return self._index_page(Review, GSI2, OVERDUE_TASKS, limit, cursor)

    def list_department_tasks_due(
        self, department: str, due_before: datetime, limit: int, cursor: str | None
    ) -> Page[Review]:
        return self._index_page(
            Review, GSI1, inbox_partition(department), limit, cursor, before=due_before
        )
