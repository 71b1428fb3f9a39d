"""Department reviews: each one a record under its case and, while pending, a task in the
department's inbox."""

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from shared.models.application import Application, Delegation, Review, TimelineEvent
from shared.ports.page import Page


class TaskRepository(Protocol):
    def open_review(self, review: Review) -> None:
        """Puts a pending review with its token, replacing one a retried stage opened."""
        ...

    def get_task(self, task_id: str) -> Review | None:
        """The review behind a task id, with its token."""
        ...

    def list_pending_tasks(self, department: str, limit: int, cursor: str | None) -> Page[Review]:
        """The department's inbox, soonest due first (no tokens)."""
        ...

    def decide_review(self, review: Review, events: Sequence[TimelineEvent]) -> None:
        """Records the decision on the review if it is still pending (else a Conflict),
        with the case's events about it, all or nothing. The header is not touched."""
        ...

    def withdraw_review(self, review: Review) -> bool:
        """A pending review leaves the inbox as EXPIRED; False if it was no longer pending."""
        ...

    def mark_overdue(self, review: Review, events: Sequence[TimelineEvent]) -> bool:
        """Marks a pending review overdue (it stays in its inbox, and leaves the list of
        tasks not yet overdue) with the case's events about it, all or nothing; False if
        it was no longer pending."""
        ...

    def save_clock(self, application: Application, reviews: Sequence[Review]) -> None:
        """Saves the case's header (its clock) under its optimistic lock with the pending
        `reviews` retimed and the case's new events, all or nothing; ConcurrentUpdate when
        the header or one of the reviews changed first."""
        ...

    def mark_warned(self, review: Review, events: Sequence[TimelineEvent]) -> bool:
        """Marks a pending review warned (yellow): it leaves the list of tasks to warn for
        the list of warned ones, with the case's events; False if it was no longer pending."""
        ...

    def hold_task(self, review: Review, expected_holder: str | None) -> None:
        """Saves who holds the pending review if it is still held by `expected_holder`
        (None: by nobody), else a Conflict."""
        ...

    def put_delegation(self, delegation: Delegation) -> None:
        """Replaces the officer's delegation."""
        ...

    def get_delegation(self, officer: str) -> Delegation | None: ...

    def end_delegation(self, officer: str) -> None: ...

    def list_tasks_by_status(
        self, due_before: datetime | None, limit: int, cursor: str | None
    ) -> Page[Review]:
        """Pending tasks of every department not yet warned and not paused, soonest warning
        first (`due_before` bounds the warning time: the ones whose warning is due)."""
        ...

    def list_warned_tasks(
        self, due_before: datetime | None, limit: int, cursor: str | None
    ) -> Page[Review]:
        """Warned tasks not yet late, soonest due first."""
        ...

    def list_overdue_tasks(self, limit: int, cursor: str | None) -> Page[Review]:
        """Every department's late tasks, the longest late first."""
        ...

    def list_department_tasks_due(
        self, department: str, due_before: datetime, limit: int, cursor: str | None
    ) -> Page[Review]:
        """The department's pending tasks due before `due_before`, soonest first."""
        ...
