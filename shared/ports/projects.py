"""Key projects: the project records, their cases and the steward's log."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from shared.models.application import ApplicationSummary
    from shared.models.projects import KeyProject, LogEntry
    from shared.ports.page import Page


@dataclass(frozen=True)
class CaseLink:
    """A case that belongs to a project: which, who linked it, when."""

    application_id: str
    item_id: str
    linked_at: datetime
    linked_by: str

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "linked_at": self.linked_at.isoformat()})

    @classmethod
    def from_json(cls, text: str) -> CaseLink:
        doc = json.loads(text)
        return cls(
            doc["application_id"],
            doc["item_id"],
            datetime.fromisoformat(doc["linked_at"]),
            doc["linked_by"],
        )


class ProjectRepository(Protocol):
    def put_project(self, project: KeyProject) -> None:
        """A Conflict naming projectCode if a project with its code exists."""
        ...

    def get_project(self, project_id: str) -> KeyProject | None: ...

    def list_projects(
        self, steward: str | None, limit: int, cursor: str | None
    ) -> Page[KeyProject]: ...

    def list_account_projects(
        self, account: str, limit: int, cursor: str | None
    ) -> Page[KeyProject]: ...

    def link_case(
        self, project: KeyProject, link: CaseLink, account: str, first_of_account: bool
    ) -> None: ...

    def case_links(self, project_id: str) -> list[CaseLink]: ...

    def project_of_case(self, application_id: str) -> str | None:
        """The project the case is in, if any."""
        ...

    def case_summaries(self, application_ids: list[str]) -> dict[str, ApplicationSummary]: ...

    def put_log_entry(self, project_id: str, entry: LogEntry) -> None: ...

    def list_log(self, project_id: str, limit: int, cursor: str | None) -> Page[LogEntry]: ...
