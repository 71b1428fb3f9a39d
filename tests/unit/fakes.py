"""In-memory fakes of the ports (repository, documents, workflow, courier) and test data.

The fakes keep the semantics of the real adapters that the use cases rely on, so a unit
test exercises the same rules a deployed function meets:

- `InMemoryRepository` mirrors `DynamoRepository`: optimistic versions, Conflict on a lost
  race, tokens stored beside (never inside) the record, the sparse inbox of pending tasks,
  newest-first owner listing and opaque cursors. Models are deep-copied on the way in and
  out, like a JSON round trip, so a test cannot change stored state by aliasing.
- `InMemoryDocumentStore` mirrors `S3DocumentStore`: `head` answers None for an absent key.
- `RecordingWorkflow` mirrors `StepFunctionsWorkflow`: a repeated start and an expired or
  already answered token are a Conflict; an empty token fails like boto3's validation.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import ParamValidationError

from shared.adapters.courier import Courier, CourierUnavailable, Shipment, Waybill
from shared.adapters.documents import DocumentStore, StoredObject
from shared.adapters.pagination import Page, decode_cursor, encode_cursor
from shared.adapters.repository import Certificate, Repository
from shared.adapters.workflow import Workflow
from shared.catalog import catalog_search_text, load_catalog
from shared.errors import Conflict, ValidationFailed
from shared.identity import Caller
from shared.models.application import (
    Application,
    FollowUpTicket,
    MaterialRecord,
    ReviewTask,
)
from shared.models.catalog import CatalogItem
from shared.models.common import ApplicationStatus, Channel, DeliveryMode, utc_now

T = TypeVar("T")

# --- test data -------------------------------------------------------------------------

RESIDENT_ID = "11010519491231002X"
CREDIT_CODE = "91350100M000100Y43"
PERSON: dict[str, Any] = {
    "kind": "person",
    "name": "张伟",
    "idNumber": RESIDENT_ID,
    "phone": "13800138000",
}
ENTERPRISE: dict[str, Any] = {
    "kind": "enterprise",
    "name": "山东海川新材料有限公司",
    "creditCode": CREDIT_CODE,
    "legalRepresentative": "李娜",
}
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
    """Every form field of the item filled with a value that fits its length."""
    return {f.name: f"{f.label_en} value"[: f.max_length] for f in item.form_fields}


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
    return Application.model_validate(
        {
            "applicationId": application_id,
            "ownerId": owner_id,
            "itemId": item_id,
            "applicant": applicant or (PERSON if "person" in item.applicant_kinds else ENTERPRISE),
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


class InMemoryRepository:
    """The `Repository` port in memory, with DynamoRepository's semantics."""

    def __init__(self, catalog: Iterable[CatalogItem] | None = None) -> None:
        self.applications: dict[str, Application] = {}
        self.app_tokens: dict[str, dict[str, str]] = {}
        self.tasks: dict[str, ReviewTask] = {}
        self.task_tokens: dict[str, str] = {}
        self.certificates: dict[str, Certificate] = {}
        self.tickets: dict[str, FollowUpTicket] = {}
        self.catalog: dict[str, CatalogItem] = {}
        self.saves = 0
        # Called (and removed) just before the next save_application checks the version:
        # the place to simulate another writer that saved first.
        self.before_next_save: list[Callable[[InMemoryRepository], None]] = []
        # Likewise just before the next decide_task checks its conditions (a rival decision).
        self.before_next_decide: list[Callable[[InMemoryRepository], None]] = []
        if catalog is not None:
            self.put_catalog(catalog)

    @classmethod
    def with_shipped_catalog(cls) -> InMemoryRepository:
        return cls(load_catalog().items)

    # -- applications ----------------------------------------------------------------
    def get_application(self, application_id: str) -> Application | None:
        stored = self.applications.get(application_id)
        return _copy(stored) if stored else None

    def create_application(self, application: Application) -> None:
        if application.application_id in self.applications:
            raise Conflict("application already exists", field="applicationId")
        self.applications[application.application_id] = application.model_copy(
            update={"version": 1}, deep=True
        )
        application.version = 1

    def save_application(self, application: Application, **tokens: str | None) -> None:
        if self.before_next_save:
            self.before_next_save.pop(0)(self)
        stored = self.applications.get(application.application_id)
        if stored is None or stored.version != application.version:
            raise Conflict("the application was changed concurrently; retry", field="applicationId")
        expected = application.version
        self.applications[application.application_id] = application.model_copy(
            update={"version": expected + 1}, deep=True
        )
        attributes = self.app_tokens.setdefault(application.application_id, {})
        for name, value in tokens.items():
            if value is None:
                attributes.pop(name, None)
            else:
                attributes[name] = value
        self.saves += 1
        application.version = expected + 1

    def get_token(self, application_id: str, name: str) -> str | None:
        return self.app_tokens.get(application_id, {}).get(name)

    def list_owner_applications(
        self, owner_id: str, limit: int, cursor: str | None
    ) -> Page[Application]:
        owned = sorted(
            (a for a in self.applications.values() if a.owner_id == owner_id),
            key=lambda a: a.application_id,
            reverse=True,
        )
        return _page([_copy(a) for a in owned], limit, cursor)

    # -- review tasks ----------------------------------------------------------------
    def save_task(self, task: ReviewTask) -> None:
        self.tasks[task.task_id] = task.model_copy(update={"task_token": ""}, deep=True)
        self.task_tokens[task.task_id] = task.task_token

    def get_task(self, task_id: str) -> ReviewTask | None:
        stored = self.tasks.get(task_id)
        if stored is None:
            return None
        return stored.model_copy(
            update={"task_token": self.task_tokens.get(task_id, "")}, deep=True
        )

    def list_pending_tasks(
        self, department: str, limit: int, cursor: str | None
    ) -> Page[ReviewTask]:
        pending = sorted(
            (
                t
                for t in self.tasks.values()
                if t.status == "PENDING" and t.department == department
            ),
            key=lambda t: f"{t.due_at.isoformat()}#{t.task_id}",
        )
        return _page([_copy(t) for t in pending], limit, cursor)

    def decide_task(self, task: ReviewTask, application: Application) -> None:
        if self.before_next_decide:
            self.before_next_decide.pop(0)(self)
        stored_task = self.tasks.get(task.task_id)
        stored_app = self.applications.get(application.application_id)
        if (
            stored_task is None
            or stored_task.status != "PENDING"
            or stored_app is None
            or stored_app.version != application.version
        ):
            raise Conflict(
                "the task was already decided or the case changed; reload", field="taskId"
            )
        self.tasks[task.task_id] = task.model_copy(update={"task_token": ""}, deep=True)
        self.applications[application.application_id] = application.model_copy(
            update={"version": application.version + 1}, deep=True
        )
        application.version += 1

    # -- certificates and tickets ----------------------------------------------------
    def put_certificate(self, certificate: Certificate) -> None:
        self.certificates[certificate.certificate_no] = certificate

    def get_certificate(self, certificate_no: str) -> Certificate | None:
        return self.certificates.get(certificate_no)

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
    def get_catalog_item(self, item_id: str) -> CatalogItem | None:
        item = self.catalog.get(item_id)
        return _copy(item) if item else None

    def list_catalog(
        self, item_type: str | None, query: str | None, limit: int, cursor: str | None
    ) -> Page[CatalogItem]:
        items = sorted(self.catalog.values(), key=lambda i: f"{i.item_type.value}#{i.item_id}")
        if item_type:
            items = [i for i in items if i.item_type.value == item_type]
        if query:
            items = [i for i in items if query.lower() in catalog_search_text(i)]
        return _page([_copy(i) for i in items], limit, cursor)

    def put_catalog(self, items: Iterable[CatalogItem]) -> int:
        count = 0
        for item in items:
            self.catalog[item.item_id] = _copy(item)
            count += 1
        return count


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


if TYPE_CHECKING:  # mypy proves each fake fits its port
    _repository: Repository = InMemoryRepository()
    _documents: DocumentStore = InMemoryDocumentStore()
    _workflow: Workflow = RecordingWorkflow()
    _courier: Courier = RecordingCourier()
