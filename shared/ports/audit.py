"""The audit trail's store: append-only, one ordered trail per subject."""

from datetime import datetime
from typing import Protocol

from shared.models.audit import AuditRecord
from shared.ports.page import Page


class AuditTrail(Protocol):
    def last_record(self, subject: str) -> AuditRecord | None:
        """The newest record of the subject's trail, read consistently."""
        ...

    def get_record(self, subject: str, seq: int) -> AuditRecord | None: ...

    def append(self, record: AuditRecord) -> None:
        """Adds the record; a Conflict if its position is taken (someone appended first)."""
        ...

    def list_subject(self, subject: str, limit: int, cursor: str | None) -> Page[AuditRecord]:
        """The subject's trail, oldest first."""
        ...

    def list_actor(
        self,
        actor: str,
        limit: int,
        cursor: str | None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[AuditRecord]:
        """What one actor did, newest first, optionally within [since, until)."""
        ...
