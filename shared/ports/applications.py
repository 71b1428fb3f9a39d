"""Cases: the header, the form, the child records, the timeline."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from shared.models.application import (
    Application,
    ApplicationSummary,
    CheckedDocument,
    DeliveryRecord,
    FollowUpTicket,
    MaterialRecord,
    Rating,
    ResultRecord,
    TimelineEvent,
)
from shared.models.bundle_cases import BundleCase, BundleCaseSummary
from shared.models.common import ApplicationStatus
from shared.ports.page import Page

# Child records a stage writes together with the header.
CaseRecord = MaterialRecord | ResultRecord | DeliveryRecord


class ApplicationRepository(Protocol):
    def get_application(self, application_id: str) -> Application | None:
        """The header, the form and every child record; not the timeline."""
        ...

    def create_application(self, application: Application) -> None:
        """Header, form and queued events at once; a Conflict if the id exists."""
        ...

    def create_bundle_case(self, bundle_case: BundleCase, members: Sequence[Application]) -> None:
        """The bundle case and every member case at once, or none of them."""
        ...

    def get_bundle_case(self, bundle_case_id: str) -> BundleCase | None: ...

    def save_bundle_case(
        self, bundle_case: BundleCase, members: Sequence[Application] = ()
    ) -> None:
        """The bundle case and the members' headers at once; ConcurrentUpdate when the
        bundle case or a member was saved elsewhere since it was read."""
        ...

    def put_shared_material(self, application_ids: Sequence[str], material: MaterialRecord) -> None:
        """The one record of a shared material on each of these cases, all or none."""
        ...

    def save_bundle_drafts(self, members: Sequence[Application]) -> None:
        """Every member's header and form at once, each under its optimistic lock: a
        ConcurrentUpdate, and nothing saved, if any changed since it was read."""
        ...

    def list_owner_bundle_cases(
        self, owner_id: str, limit: int, cursor: str | None
    ) -> Page[BundleCaseSummary]:
        """The owner's bundle filings, newest first."""
        ...

    def save_application(
        self,
        application: Application,
        *,
        records: Sequence[CaseRecord] = (),
        tokens: Mapping[str, str | None] | None = None,
    ) -> None:
        """The header if nobody changed it since it was read (else ConcurrentUpdate), with
        `records` and the queued events, all or nothing. `tokens` sets (a string) or
        removes (None) token attributes kept beside the header, never in it."""
        ...

    def save_draft(self, application: Application) -> None:
        """The header and the form record (applicant, form, delivery) if nobody changed
        the case since it was read (else ConcurrentUpdate), all or nothing."""
        ...

    def plan_result(self, application_id: str, planned: ResultRecord) -> ResultRecord:
        """Keeps issuance's plan (outcome, number, code, document key) before anything is
        issued, once: returns the plan already kept if there is one, else `planned`."""
        ...

    def put_materials(self, application_id: str, materials: Sequence[MaterialRecord]) -> None:
        """Material records alone (each whole); the header and the timeline are not touched."""
        ...

    def remove_material(self, application_id: str, code: str) -> None:
        """The case no longer has the material (no error if it had none)."""
        ...

    def put_rating(
        self, application: Application, rating: Rating, ticket: FollowUpTicket | None = None
    ) -> None:
        """The case's one rating with the follow-up ticket it opens, if any, and the queued
        events, all or nothing; a Conflict if the case was rated (or has a ticket)."""
        ...

    def get_status(self, application_id: str) -> ApplicationStatus | None:
        """The case's status alone (one small read), None if there is no such case."""
        ...

    def get_token(self, application_id: str, name: str) -> str | None: ...

    def list_owner_applications(
        self, owner_id: str, limit: int, cursor: str | None
    ) -> Page[ApplicationSummary]:
        """The owner's cases, newest first."""
        ...

    def list_agent_filings(self, agent_sub: str, limit: int, cursor: str | None) -> Page[str]:
        """The ids of the cases a service agent filed, newest first."""
        ...

    def case_summaries(self, application_ids: list[str]) -> dict[str, ApplicationSummary]:
        """The list summaries of these cases (absent ones left out)."""
        ...

    def list_timeline(
        self, application_id: str, limit: int, cursor: str | None, *, newest_first: bool = False
    ) -> Page[TimelineEvent]: ...

    def bar_commitments(self, applicant_key: str, until: datetime, application_id: str) -> None:
        """Records that the applicant broke a commitment: no 容缺 for them until `until`."""
        ...

    def commitments_barred_until(self, applicant_key: str) -> datetime | None: ...

    def keep_checked_documents(
        self, applicant_key: str, documents: Sequence[CheckedDocument]
    ) -> None:
        """Keeps the applicant's documents checked against their originals, each replacing
        the one of its kind the same account had (可复用)."""
        ...

    def checked_documents(self, applicant_key: str, owner_id: str) -> list[CheckedDocument]:
        """The applicant's checked documents that this account's cases may reuse."""
        ...

    def list_window_queue(self, limit: int, cursor: str | None) -> Page[ApplicationSummary]:
        """Cases waiting for a window clerk, the longest waiting first."""
        ...

    def list_cases_by_status(
        self, status: ApplicationStatus, due_before: datetime | None, limit: int, cursor: str | None
    ) -> Page[ApplicationSummary]:
        """Cases of one watched status (shared/domain/status.WATCHED), soonest due or
        longest waiting first."""
        ...
