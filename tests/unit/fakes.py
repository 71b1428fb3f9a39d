"""In-memory fakes of the ports and test data.

The fakes keep the semantics of the real adapters that the use cases rely on, so a unit
test exercises the same rules a deployed function meets:

- `InMemoryRepository` mirrors `DynamoRepository` (every repository port): a case stored
  as a header with child records and a timeline of its own, the header under an optimistic
  version (ConcurrentUpdate on a lost race), a review decided only while pending, a rating
  written once, tokens kept beside (never inside) their records, the sparse inbox of
  pending tasks, newest-first owner listing, opaque cursors, and a versioned catalog with
  its search index. Models are deep-copied on the way in and out, like a JSON round trip,
  so a test cannot change stored state by aliasing.
- `InMemoryDocumentStore` mirrors `S3DocumentStore`: `head` answers None for an absent key.
- `RecordingWorkflow` mirrors `StepFunctionsWorkflow`: a repeated start and an expired or
  already answered token are a Conflict; an empty token fails like boto3's validation.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import ParamValidationError

from infra.local.client import SAMPLE_ENTERPRISE, SAMPLE_PERSON, sample_form
from shared.adapters.pagination import decode_cursor, encode_cursor
from shared.catalog import load_catalog
from shared.domain.status import WATCHED
from shared.errors import ConcurrentUpdate, Conflict, ValidationFailed
from shared.identity import Caller
from shared.models.application import (
    Application,
    ApplicationSummary,
    CheckedDocument,
    Delegation,
    DeliveryRecord,
    FollowUpTicket,
    MaterialRecord,
    Rating,
    ResultRecord,
    Review,
    TimelineEvent,
)
from shared.models.bundle_cases import BundleCase
from shared.models.bundles import Bundle
from shared.models.catalog import Catalog, CatalogItem, Department
from shared.models.common import ApplicationStatus, Channel, DeliveryMode, utc_now
from shared.models.ids import parse_task_id
from shared.ports.applications import ApplicationRepository, CaseRecord
from shared.ports.catalog import CatalogRepository, CatalogRevision, ItemHead
from shared.ports.certificates import Certificate, CertificateRepository
from shared.ports.courier import Courier, CourierUnavailable, Shipment, Waybill
from shared.ports.documents import DocumentStore, StoredObject
from shared.ports.page import Page
from shared.ports.tasks import TaskRepository
from shared.ports.tickets import TicketRepository
from shared.ports.workflow import Workflow
from shared.services.catalog_import import import_catalog

T = TypeVar("T")

# --- test data -------------------------------------------------------------------------

RESIDENT_ID = SAMPLE_PERSON["idNumber"]
CREDIT_CODE = "91350100M000100Y43"
PERSON: dict[str, Any] = dict(SAMPLE_PERSON)
ENTERPRISE: dict[str, Any] = {**SAMPLE_ENTERPRISE, "name": "山东海川新材料有限公司"}
ENTERPRISE.pop("phone", None)
ADDRESS: dict[str, Any] = {
    "recipient": "张伟",
    "phone": "13800138000",
    "province": "山东省",
    "city": "烟台市",
    "district": "经济技术开发区",
    "street": "长江路100号",
    "postalCode": "264006",
}
# SD-KFQ-0010: connection of power, water (public service); lead POWER, co WATER and URBAN;
# person or enterprise; mail, pickup or electronic delivery.
UTILITIES = "SD-KFQ-0010"
# SD-KFQ-0003: an enterprise investment filing, delivered electronically only.
FILING = "SD-KFQ-0003"
# SD-KFQ-0008: an enterprise filing with a lead department and no co-departments.
SOLO = "SD-KFQ-0008"

CITIZEN = Caller(sub="sub-citizen-1", username="zhangwei", groups=frozenset({"citizen"}))
OTHER_CITIZEN = Caller(sub="sub-citizen-2", username="lina", groups=frozenset({"citizen"}))


def staff(*departments: str, username: str | None = None) -> Caller:
    """A department officer (group dept-<CODE> for each department)."""
    name = username or f"staff-{'-'.join(d.lower() for d in departments)}"
    return Caller(
        sub=f"sub-{name}", username=name, groups=frozenset(f"dept-{d}" for d in departments)
    )


def catalog_item(item_id: str) -> CatalogItem:
    """A private copy of a shipped catalog item (the loaded catalog is shared and cached)."""
    item = next(i for i in load_catalog().items if i.item_id == item_id)
    return item.model_copy(deep=True)


def complete_form(item: CatalogItem) -> dict[str, Any]:
    """Every form field of the item filled with a value valid for its kind."""
    return sample_form(item.model_dump(mode="json", by_alias=True))


def delivery(mode: DeliveryMode | str = DeliveryMode.PICKUP) -> dict[str, Any]:
    mode = DeliveryMode(mode)
    return {"mode": mode.value, "address": ADDRESS if mode is DeliveryMode.MAIL else None}


def new_application(
    item_id: str = UTILITIES,
    *,
    application_id: str = "01JAPP0000000000000000000A",
    owner_id: str = CITIZEN.sub,
    applicant: dict[str, Any] | None = None,
    mode: DeliveryMode | str = DeliveryMode.PICKUP,
    form: dict[str, Any] | None = None,
    status: ApplicationStatus = ApplicationStatus.DRAFT,
    channel: Channel = Channel.WEB,
) -> Application:
    """An application for a shipped catalog item, with a complete form and no materials."""
    item = catalog_item(item_id)
    kinds = [k.value for k in item.applicant_kinds]
    return Application.model_validate(
        {
            "applicationId": application_id,
            "ownerId": owner_id,
            "itemId": item_id,
            "applicant": applicant or (PERSON if "person" in kinds else ENTERPRISE),
            "form": complete_form(item) if form is None else form,
            "channel": channel.value,
            "delivery": delivery(mode),
            "status": status.value,
        }
    )


def declare_material(
    application: Application, code: str, *, content_type: str = "application/pdf", size: int = 2048
) -> MaterialRecord:
    """Records a material upload request on the case, as request_material_upload does."""
    record = MaterialRecord(
        code=code,
        file_name=f"{code.lower()}.pdf",
        content_type=content_type,
        declared_size=size,
        s3_key=f"uploads/{application.application_id}/{code}/{code.lower()}.pdf",
        requested_at=utc_now(),
    )
    application.materials[code] = record
    return record


# --- pagination --------------------------------------------------------------------------


def _page(items: Sequence[T], limit: int, cursor: str | None) -> Page[T]:
    """One page of `items` behind an opaque cursor (an offset shaped like a DynamoDB key)."""
    start = decode_cursor(cursor)
    offset = 0
    if start:
        try:
            offset = int(start["PK"]["S"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationFailed("cursor is not valid", field="cursor") from exc
        if offset < 0:
            raise ValidationFailed("cursor is not valid", field="cursor")
    chunk = list(items[offset : offset + limit])
    end = offset + len(chunk)
    next_cursor = encode_cursor({"PK": {"S": str(end)}}) if end < len(items) else None
    return Page(chunk, next_cursor, len(chunk))


# --- repository ---------------------------------------------------------------------------


def _copy(model: T) -> T:
    return model.model_copy(deep=True)  # type: ignore[attr-defined,no-any-return]


_CHILDREN = ("materials", "reviews", "result", "planned_result", "delivery_record", "feedback")


@dataclass
class _StoredCase:
    header: Application  # header and form, without the child records
    materials: dict[str, MaterialRecord] = field(default_factory=dict)
    reviews: dict[str, Review] = field(default_factory=dict)
    review_tokens: dict[str, str] = field(default_factory=dict)
    result: ResultRecord | None = None
    planned_result: ResultRecord | None = None
    delivery_record: DeliveryRecord | None = None
    feedback: Rating | None = None
    events: list[TimelineEvent] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)


class InMemoryRepository:
    """Every repository port in memory, with DynamoRepository's semantics."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.cases: dict[str, _StoredCase] = {}
        self.bundle_cases: dict[str, BundleCase] = {}
        self.certificates: dict[str, Certificate] = {}
        self.delegations: dict[str, Delegation] = {}
        self.tickets: dict[str, FollowUpTicket] = {}
        self.item_versions: dict[tuple[str, int], CatalogItem] = {}
        self.heads: dict[str, ItemHead] = {}
        self.departments: list[Department] = []
        self.bundles: list[Bundle] = []
        self.revision: CatalogRevision | None = None
        self.search_entries: list[dict[str, Any]] = []
        self.header_saves = 0
        # Called (and removed) just before the next save_application checks the version:
        # the place to simulate another writer that saved first.
        self.before_next_save: list[Callable[[InMemoryRepository], None]] = []
        # Likewise just before the next decide_review checks the review (a rival decision).
        self.before_next_decide: list[Callable[[InMemoryRepository], None]] = []
        self.checked: dict[tuple[str, str, str], CheckedDocument] = {}
        if catalog is not None:
            import_catalog(catalog, self)

    def keep_checked_documents(
        self, applicant_key: str, documents: Sequence[CheckedDocument]
    ) -> None:
        for d in documents:
            self.checked[(applicant_key, d.owner_id, d.kind.value)] = d.model_copy(deep=True)

    def checked_documents(self, applicant_key: str, owner_id: str) -> list[CheckedDocument]:
        return [d for (k, o, _), d in self.checked.items() if (k, o) == (applicant_key, owner_id)]

    @classmethod
    def with_shipped_catalog(cls) -> InMemoryRepository:
        return cls(load_catalog())

    # -- applications ----------------------------------------------------------------
    def get_application(self, application_id: str) -> Application | None:
        stored = self.cases.get(application_id)
        if stored is None:
            return None
        application = _copy(stored.header)
        application.events_written()  # a read holds no queued events (JSON drops them)
        application.materials = copy.deepcopy(stored.materials)
        application.reviews = copy.deepcopy(stored.reviews)
        application.result = copy.deepcopy(stored.result)
        application.planned_result = copy.deepcopy(stored.planned_result)
        application.delivery_record = copy.deepcopy(stored.delivery_record)
        application.feedback = copy.deepcopy(stored.feedback)
        return application

    def create_application(self, application: Application) -> None:
        if application.application_id in self.cases:
            raise Conflict("application already exists", field="applicationId")
        header = application.model_copy(update={"version": 1}, deep=True)
        for name in _CHILDREN:
            setattr(header, name, {} if name in ("materials", "reviews") else None)
        self.cases[application.application_id] = _StoredCase(
            header=header, events=application.new_events
        )
        application.version = 1
        application.events_written()

    def create_bundle_case(self, bundle_case: BundleCase, members: Sequence[Application]) -> None:
        if bundle_case.bundle_case_id in self.bundle_cases or any(
            m.application_id in self.cases for m in members
        ):
            raise Conflict("bundle case already exists", field="bundleCaseId")
        self.bundle_cases[bundle_case.bundle_case_id] = bundle_case.model_copy(deep=True)
        for member in members:
            self.create_application(member)

    def save_bundle_case(
        self, bundle_case: BundleCase, members: Sequence[Application] = ()
    ) -> None:
        stored = self.bundle_cases.get(bundle_case.bundle_case_id)
        if stored is None or stored.version != bundle_case.version:
            raise ConcurrentUpdate("the bundle application was changed", field="bundleCaseId")
        for member in members:
            self.save_application(member)
        bundle_case.version += 1
        self.bundle_cases[bundle_case.bundle_case_id] = bundle_case.model_copy(deep=True)

    def get_bundle_case(self, bundle_case_id: str) -> BundleCase | None:
        stored = self.bundle_cases.get(bundle_case_id)
        return stored.model_copy(deep=True) if stored else None

    def save_application(
        self,
        application: Application,
        *,
        records: Sequence[CaseRecord] = (),
        tokens: Mapping[str, str | None] | None = None,
    ) -> None:
        if self.before_next_save:
            self.before_next_save.pop(0)(self)
        stored = self.cases.get(application.application_id)
        if stored is None or stored.header.version != application.version:
            raise ConcurrentUpdate(
                "the application was changed concurrently; retry", field="applicationId"
            )
        expected = application.version
        header = application.model_copy(update={"version": expected + 1}, deep=True)
        for name in _CHILDREN:
            setattr(header, name, {} if name in ("materials", "reviews") else None)
        stored.header = header
        for record in records:
            self._put_child(stored, record)
        for name, value in (tokens or {}).items():
            if value is None:
                stored.tokens.pop(name, None)
            else:
                stored.tokens[name] = value
        stored.events.extend(application.new_events)
        application.events_written()
        self.header_saves += 1
        application.version = expected + 1

    @staticmethod
    def _put_child(stored: _StoredCase, record: CaseRecord | Rating) -> None:
        if isinstance(record, MaterialRecord):
            stored.materials[record.code] = _copy(record)
        elif isinstance(record, ResultRecord):
            stored.result = _copy(record)
        elif isinstance(record, DeliveryRecord):
            stored.delivery_record = _copy(record)
        else:
            stored.feedback = _copy(record)

    def save_draft(self, application: Application) -> None:
        # The fake keeps the form on the header, so saving the header saves the draft.
        self.save_application(application)

    def plan_result(self, application_id: str, planned: ResultRecord) -> ResultRecord:
        stored = self.cases[application_id]
        if stored.planned_result is None:
            stored.planned_result = _copy(planned)
        return _copy(stored.planned_result)

    def put_materials(self, application_id: str, materials: Sequence[MaterialRecord]) -> None:
        stored = self.cases[application_id]
        for material in materials:
            self._put_child(stored, material)

    def remove_material(self, application_id: str, code: str) -> None:
        self.cases[application_id].materials.pop(code, None)

    def put_rating(
        self, application: Application, rating: Rating, ticket: FollowUpTicket | None = None
    ) -> None:
        stored = self.cases[application.application_id]
        if stored.feedback is not None or (ticket and ticket.ticket_id in self.tickets):
            raise Conflict("this case has already been rated", field="rating")
        self._put_child(stored, rating)
        if ticket is not None:
            self.tickets[ticket.ticket_id] = _copy(ticket)
        stored.events.extend(application.new_events)
        application.events_written()

    def get_status(self, application_id: str) -> ApplicationStatus | None:
        stored = self.cases.get(application_id)
        return stored.header.status if stored else None

    def get_token(self, application_id: str, name: str) -> str | None:
        stored = self.cases.get(application_id)
        return stored.tokens.get(name) if stored else None

    def list_owner_applications(
        self, owner_id: str, limit: int, cursor: str | None
    ) -> Page[ApplicationSummary]:
        owned = sorted(
            (c.header for c in self.cases.values() if c.header.owner_id == owner_id),
            key=lambda a: a.application_id,
            reverse=True,
        )
        return _page([a.summary() for a in owned], limit, cursor)

    def list_timeline(
        self, application_id: str, limit: int, cursor: str | None, *, newest_first: bool = False
    ) -> Page[TimelineEvent]:
        stored = self.cases.get(application_id)
        events = list(stored.events) if stored else []
        if newest_first:
            events.reverse()
        return _page([_copy(e) for e in events], limit, cursor)

    def list_window_queue(self, limit: int, cursor: str | None) -> Page[ApplicationSummary]:
        waiting = [
            c.header.summary()
            for c in self.cases.values()
            if c.header.status is ApplicationStatus.SUBMITTED and c.header.at_window_since
        ]
        waiting.sort(key=lambda s: (s.at_window_since, s.application_id))
        return _page(waiting, limit, cursor)

    def list_cases_by_status(
        self, status: ApplicationStatus, due_before: datetime | None, limit: int, cursor: str | None
    ) -> Page[ApplicationSummary]:
        if status not in WATCHED:
            raise ValueError(f"{status.value} cases are not indexed by status; see WATCHED")
        summaries = [c.header.summary() for c in self.cases.values() if c.header.status is status]
        summaries.sort(key=lambda s: (s.due_at or s.updated_at, s.application_id))
        if due_before is not None:
            summaries = [s for s in summaries if (s.due_at or s.updated_at) < due_before]
        return _page(summaries, limit, cursor)

    # -- tasks -----------------------------------------------------------------------
    def open_review(self, review: Review) -> None:
        stored = self.cases[review.application_id]
        stored.reviews[review.department] = review.model_copy(deep=True)
        stored.review_tokens[review.department] = review.task_token

    def get_task(self, task_id: str) -> Review | None:
        parts = parse_task_id(task_id)
        stored = self.cases.get(parts[0]) if parts else None
        if parts is None or stored is None or parts[1] not in stored.reviews:
            return None
        review = _copy(stored.reviews[parts[1]])
        review.task_token = stored.review_tokens.get(parts[1], "")
        return review

    def _pending(self) -> list[Review]:
        return sorted(
            (r for c in self.cases.values() for r in c.reviews.values() if r.status == "PENDING"),
            key=lambda r: (r.due_at, r.task_id),
        )

    def list_pending_tasks(self, department: str, limit: int, cursor: str | None) -> Page[Review]:
        pending = [_copy(r) for r in self._pending() if r.department == department]
        return _page(pending, limit, cursor)

    def decide_review(self, review: Review, events: Sequence[TimelineEvent]) -> None:
        if self.before_next_decide:
            self.before_next_decide.pop(0)(self)
        stored = self.cases.get(review.application_id)
        current = stored.reviews.get(review.department) if stored else None
        if stored is None or current is None or current.status != "PENDING":
            raise Conflict("the task was already decided or withdrawn; reload", field="taskId")
        stored.reviews[review.department] = review.model_copy(deep=True)
        stored.events.extend(_copy(e) for e in events)

    def mark_overdue(self, review: Review, events: Sequence[TimelineEvent]) -> bool:
        return self._swept(review, events)

    def mark_warned(self, review: Review, events: Sequence[TimelineEvent]) -> bool:
        return self._swept(review, events)

    def _swept(self, review: Review, events: Sequence[TimelineEvent]) -> bool:
        stored = self.cases.get(review.application_id)
        current = stored.reviews.get(review.department) if stored else None
        if stored is None or current is None or current.status != "PENDING":
            return False
        current.overdue_at, current.warned_at = review.overdue_at, review.warned_at
        stored.events.extend(_copy(e) for e in events)
        return True

    def hold_task(self, review: Review, expected_holder: str | None) -> None:
        stored = self.cases.get(review.application_id)
        current = stored.reviews.get(review.department) if stored else None
        if current is None or current.status != "PENDING" or current.claimed_by != expected_holder:
            raise Conflict("held meanwhile", field="taskId")
        current.claimed_by, current.claimed_at = review.claimed_by, review.claimed_at
        current.assigned_by = review.assigned_by

    def put_delegation(self, delegation: Delegation) -> None:
        self.delegations[delegation.officer] = delegation

    def get_delegation(self, officer: str) -> Delegation | None:
        return self.delegations.get(officer)

    def end_delegation(self, officer: str) -> None:
        self.delegations.pop(officer, None)

    def save_clock(self, application: Application, reviews: Sequence[Review]) -> None:
        stored = self.cases.get(application.application_id)
        if stored is None or any(
            stored.reviews.get(r.department, r).status != "PENDING" for r in reviews
        ):
            raise ConcurrentUpdate("changed", field="taskId")
        self.save_application(application)
        for review in reviews:
            current = stored.reviews[review.department]
            for name in ("due_at", "warn_at", "warned_at", "overdue_at", "paused_since"):
                setattr(current, name, getattr(review, name))

    def withdraw_review(self, review: Review) -> bool:
        stored = self.cases.get(review.application_id)
        current = stored.reviews.get(review.department) if stored else None
        if stored is None or current is None or current.status != "PENDING":
            return False
        current.status = "EXPIRED"
        return True

    def list_tasks_by_status(
        self, due_before: datetime | None, limit: int, cursor: str | None
    ) -> Page[Review]:
        def warn(r: Review) -> datetime:
            return r.warn_at or r.due_at

        pending = sorted(
            (
                r
                for r in self._pending()
                if not (r.overdue_at or r.warned_at or r.paused_since)
                and (due_before is None or warn(r) < due_before)
            ),
            key=lambda r: (warn(r), r.task_id),
        )
        return _page([_copy(r) for r in pending], limit, cursor)

    def list_warned_tasks(
        self, due_before: datetime | None, limit: int, cursor: str | None
    ) -> Page[Review]:
        warned = [
            r
            for r in self._pending()
            if r.warned_at
            and not (r.overdue_at or r.paused_since)
            and (due_before is None or r.due_at < due_before)
        ]
        return _page([_copy(r) for r in warned], limit, cursor)

    def list_overdue_tasks(self, limit: int, cursor: str | None) -> Page[Review]:
        late = [r for r in self._pending() if r.overdue_at and not r.paused_since]
        return _page([_copy(r) for r in late], limit, cursor)

    def list_department_tasks_due(
        self, department: str, due_before: datetime, limit: int, cursor: str | None
    ) -> Page[Review]:
        due = [r for r in self._pending() if r.department == department and r.due_at < due_before]
        return _page([_copy(r) for r in due], limit, cursor)

    # -- certificates and tickets ----------------------------------------------------
    def put_certificate(self, certificate: Certificate) -> None:
        if certificate.certificate_no in self.certificates:
            raise Conflict("certificate number taken", field="certificateNo")
        self.certificates[certificate.certificate_no] = certificate

    def get_certificate(self, certificate_no: str) -> Certificate | None:
        return self.certificates.get(certificate_no)

    def certificates_held(self, holder_key: str, owner_id: str, item_id: str) -> list[Certificate]:
        held = [
            c
            for c in self.certificates.values()
            if (c.holder_key, c.owner_id, c.item_id) == (holder_key, owner_id, item_id)
        ]
        return sorted(held, key=lambda c: c.issued_at, reverse=True)

    def revoke_certificate(
        self, certificate: Certificate, by: str, reason: str, at: datetime
    ) -> Certificate:
        if self.certificates[certificate.certificate_no].revoked:
            raise Conflict(f"certificate {certificate.certificate_no} is revoked", field="status")
        revoked = dataclasses.replace(
            certificate, revoked=True, revoked_at=at, revoked_by=by, revoked_reason=reason
        )
        self.certificates[certificate.certificate_no] = revoked
        return revoked

    def put_ticket(self, ticket: FollowUpTicket) -> None:
        if ticket.ticket_id in self.tickets:
            raise Conflict("ticket already exists", field="ticketId")
        self.tickets[ticket.ticket_id] = _copy(ticket)

    def list_tickets(self, status: str, limit: int, cursor: str | None) -> Page[FollowUpTicket]:
        matching = sorted(
            (t for t in self.tickets.values() if t.status == status),
            key=lambda t: f"{t.opened_at.isoformat()}#{t.ticket_id}",
        )
        return _page([_copy(t) for t in matching], limit, cursor)

    # -- catalog ---------------------------------------------------------------------
    def get_catalog_item(self, item_id: str, version: int | None = None) -> CatalogItem | None:
        if version is None:
            head = self.heads.get(item_id)
            if head is None or head.withdrawn:
                return None
            version = head.version
        item = self.item_versions.get((item_id, version))
        return _copy(item) if item else None

    def get_departments(self) -> list[Department]:
        return [_copy(d) for d in self.departments]

    def get_bundles(self) -> list[Bundle]:
        return [_copy(b) for b in self.bundles]

    def catalog_revision(self) -> CatalogRevision | None:
        return self.revision

    def load_search_entries(self, revision: CatalogRevision) -> list[dict[str, Any]]:
        return copy.deepcopy(self.search_entries)

    def item_head(self, item_id: str) -> ItemHead | None:
        return self.heads.get(item_id)

    def put_item_version(self, item: CatalogItem, digest: str) -> None:
        key = (item.item_id, item.version)
        if key in self.item_versions:
            raise Conflict(f"version {item.version} of {item.item_id} exists", field="version")
        self.item_versions[key] = _copy(item)
        self.heads[item.item_id] = ItemHead(item.item_id, item.version, digest)

    def withdraw_item(self, head: ItemHead) -> None:
        self.heads[head.item_id] = ItemHead(head.item_id, head.version, head.digest, True)

    def put_departments(self, departments: list[Department]) -> None:
        self.departments = [_copy(d) for d in departments]

    def put_bundles(self, bundles: list[Bundle]) -> None:
        self.bundles = [_copy(b) for b in bundles]

    def publish_search_index(
        self, entries: list[dict[str, Any]], revision: int, published_at: datetime
    ) -> CatalogRevision:
        self.search_entries = copy.deepcopy(entries)
        self.revision = CatalogRevision(revision, len(entries), 1, published_at)
        return self.revision

    # -- test conveniences ------------------------------------------------------------
    def timeline(self, application_id: str) -> list[TimelineEvent]:
        return [_copy(e) for e in self.cases[application_id].events]

    def actions(self, application_id: str) -> list[str]:
        return [e.action for e in self.cases[application_id].events]

    def put_items(self, items: Iterable[CatalogItem]) -> None:
        """Lists extra items beside the shipped catalog (as a zone's import would)."""
        catalog = Catalog.model_construct(
            departments=load_catalog().departments,
            items=[
                *(self.item_versions[(h.item_id, h.version)] for h in self.heads.values()),
                *items,
            ],
        )
        import_catalog(catalog, self)


# --- documents ---------------------------------------------------------------------------


@dataclass
class PresignedUpload:
    key: str
    content_type: str
    max_size: int
    ttl: int


class InMemoryDocumentStore:
    """The `DocumentStore` port in memory; `upload` plays the browser's presigned POST."""

    def __init__(self) -> None:
        self.objects: dict[str, StoredObject] = {}
        self.bodies: dict[str, bytes] = {}
        self.metadata: dict[str, dict[str, str]] = {}
        self.upload_requests: list[PresignedUpload] = []
        self.download_requests: list[tuple[str, int, str]] = []
        self.download_versions: list[str | None] = []
        self._writes = 0

    def upload(
        self, key: str, body: bytes | int = 2048, content_type: str = "application/pdf"
    ) -> None:
        data = body if isinstance(body, bytes) else b"x" * body
        self._writes += 1  # a versioned bucket: every write is a new version
        self.objects[key] = StoredObject(len(data), content_type, f"version-{self._writes}")
        self.bodies[key] = data

    def presigned_upload(
        self, key: str, content_type: str, max_size: int, ttl: int
    ) -> dict[str, Any]:
        self.upload_requests.append(PresignedUpload(key, content_type, max_size, ttl))
        return {
            "url": "https://documents.s3.example.com/",
            "fields": {"key": key, "Content-Type": content_type, "policy": "fake-policy"},
        }

    def head(self, key: str) -> StoredObject | None:
        return self.objects.get(key)

    def put_pdf(self, key: str, body: bytes, metadata: dict[str, str]) -> None:
        self.upload(key, body, "application/pdf")
        self.metadata[key] = dict(metadata)

    def presigned_download(
        self, key: str, ttl: int, file_name: str, version_id: str | None = None
    ) -> str:
        self.download_requests.append((key, ttl, file_name))
        self.download_versions.append(version_id)
        return f"https://documents.s3.example.com/{key}?expires={ttl}"

    def read(self, key: str) -> bytes:
        return self.bodies[key]


# --- workflow ----------------------------------------------------------------------------


@dataclass
class RecordingWorkflow:
    """The `Workflow` port: records what the use cases asked of Step Functions."""

    started: list[str] = field(default_factory=list)
    answers: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    expired_tokens: set[str] = field(default_factory=set)
    start_error: Exception | None = None
    succeed_error: Exception | None = None

    def start(self, application_id: str) -> str:
        if self.start_error is not None:
            raise self.start_error
        if application_id in self.started:
            raise Conflict("the application was already submitted", field="applicationId")
        self.started.append(application_id)
        return f"arn:aws:states:us-east-1:123456789012:execution:onewindow:{application_id}"

    def succeed(self, token: str, output: dict[str, Any]) -> None:
        if not token:  # boto3 validates the parameter before calling
            raise ParamValidationError(
                report="Invalid length for parameter taskToken, value: 0, valid min length: 1"
            )
        if self.succeed_error is not None:
            raise self.succeed_error
        if token in self.expired_tokens or token in self.answered_tokens:
            raise Conflict(
                "the wait for this step has ended (timed out or already answered)", field="taskId"
            )
        self.answers.append((token, copy.deepcopy(output)))

    @property
    def answered_tokens(self) -> set[str]:
        return {token for token, _ in self.answers}


# --- courier -----------------------------------------------------------------------------


@dataclass
class RecordingCourier:
    """The `Courier` port: records shipments; can be told to be unavailable."""

    shipments: list[Shipment] = field(default_factory=list)
    unavailable: bool = False
    name: str = "fake-express"

    def create_waybill(self, shipment: Shipment) -> Waybill:
        if self.unavailable:
            raise CourierUnavailable("the courier's API answered 503")
        self.shipments.append(shipment)
        return Waybill(
            courier=self.name,
            waybill_no=f"FX{len(self.shipments):010d}",
            created_at=datetime.now().astimezone(),
        )


if TYPE_CHECKING:  # mypy proves each fake fits its ports
    _repository = InMemoryRepository()
    _applications: ApplicationRepository = _repository
    _tasks: TaskRepository = _repository
    _certificates: CertificateRepository = _repository
    _tickets: TicketRepository = _repository
    _catalog: CatalogRepository = _repository
    _documents: DocumentStore = InMemoryDocumentStore()
    _workflow: Workflow = RecordingWorkflow()
    _courier: Courier = RecordingCourier()
