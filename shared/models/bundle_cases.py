"""A bundle filed as one application (一件事一次办): the applicant answers the bundle's
situation questions once, gives a field several items share once (`sharedForm`) and each
item's own fields beside it (`forms`), uploads a shared material once, and the items that
apply become the bundle case's members: one case each, as the per-item workflow knows
them, marked with the bundle case they belong to and submitted only with it.

The bundle case keeps what the screening decided when it was filed (the members, their
waves and waits), so a later change to the bundle's catalog data does not move a filed
case's items around.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator

from shared.models.api import MaterialUploadResponse, TaskView, small_form_values
from shared.models.application import Applicant, DeliveryRequest, FormValue
from shared.models.bundles import BundleId, ItemRef
from shared.models.common import ApiModel, ApplicationStatus, Channel, ReviewDecision, utc_now
from shared.models.ids import ApplicationId, DepartmentCode, ItemId, MaterialCode

FormValues = Annotated[dict[str, FormValue], Field(max_length=60)]


class _FormParts(ApiModel):
    """The form as a bundle filing gives it: the shared fields once, each item's own."""

    forms: Annotated[dict[ItemId, FormValues], Field(max_length=30)] = Field(default_factory=dict)

    @field_validator("shared_form", check_fields=False)
    @classmethod
    def _small_shared(cls, value: dict[str, FormValue] | None) -> dict[str, FormValue] | None:
        return small_form_values(value) if value is not None else None

    @field_validator("forms")
    @classmethod
    def _small_forms(
        cls, value: dict[str, dict[str, FormValue]]
    ) -> dict[str, dict[str, FormValue]]:
        return {item: small_form_values(form) for item, form in value.items()}


class BundleApplicationRequest(_FormParts):
    """`answers` to the bundle's situation questions (as its screening takes them);
    `sharedForm` holds the bundle's shared fields, asked once for every item that has
    them; `forms` each applying item's own fields, by item id. Drafts may be partial."""

    applicant: Applicant
    answers: dict[str, Annotated[str, Field(max_length=30)]] = Field(
        default_factory=dict, max_length=20
    )
    shared_form: FormValues = Field(default_factory=dict)
    channel: Channel
    delivery: DeliveryRequest


class BundleDraftRequest(_FormParts):
    """What the applicant filled in so far, saved on every member at once: `sharedForm`,
    when given, replaces the shared fields' values of every member that has them; an entry
    of `forms` replaces that member's own fields; the applicant and the delivery, when
    given, every member's. A part left out is kept. `versions` (member case id → the
    version the edit started from, as the view shows them) refuses a save over a change
    made elsewhere since, with 409."""

    shared_form: FormValues | None = None
    applicant: Applicant | None = None
    delivery: DeliveryRequest | None = None
    versions: Annotated[dict[ApplicationId, Annotated[int, Field(ge=1)]], Field(max_length=30)] = (
        Field(default_factory=dict)
    )


class BundleMember(ApiModel):
    """An item of the bundle that applies, and its own case."""

    item_id: ItemId
    application_id: ApplicationId
    wave: Annotated[int, Field(ge=1)]  # 1 runs first; wave n waits for earlier waves
    waits_for: list[ItemId] = Field(default_factory=list)
    # Materials an earlier member's result stands for: not asked of the applicant.
    provided_by_results: list[MaterialCode] = Field(default_factory=list)
    # Materials this member's certificate stands for in the members waiting for it.
    issues: list[MaterialCode] = Field(default_factory=list)


class BundleStatus(StrEnum):
    DRAFT = "DRAFT"  # being filled in; the members are drafts
    RUNNING = "RUNNING"  # submitted: the members run wave by wave
    CONCLUDED = "CONCLUDED"  # every member decided (or not run): the result package is out
    FAILED = "FAILED"  # the bundle's own workflow failed; the members' records stand


class BundleResultEntry(ApiModel):
    """One line of the bundle's result package (一次出件): a member's outcome and, when it
    was issued, its certificate's number and verification code."""

    item_id: ItemId
    name_zh: str
    name_en: str
    application_id: ApplicationId
    status: ApplicationStatus
    certificate_no: str | None = None
    verification_code: str | None = None
    result_name_zh: str = ""
    # Why it did not run, or the rejection's reasons.
    reasons: list[str] = Field(default_factory=list)


class BundleCase(ApiModel):
    bundle_case_id: ApplicationId
    bundle_id: BundleId
    name_zh: str
    name_en: str
    lead_department: str
    owner_id: str
    agent_sub: str | None = None
    channel: Channel
    answers: dict[str, str]
    shared_fields: list[str]
    shared_materials: list[MaterialCode]
    members: Annotated[list[BundleMember], Field(min_length=1, max_length=30)]
    critical_path_days: int
    created_at: datetime = Field(default_factory=utc_now)
    status: BundleStatus = BundleStatus.DRAFT
    submitted_at: datetime | None = None
    concluded_at: datetime | None = None
    results: list[BundleResultEntry] = Field(default_factory=list)
    failure: str | None = None  # the bundle workflow's error, when it FAILED
    # Bumped by each save; a save over another's is refused (optimistic locking).
    version: int = 1

    def member(self, item_id: str) -> BundleMember | None:
        return next((m for m in self.members if m.item_id == item_id), None)

    @property
    def application_ids(self) -> list[str]:
        return [m.application_id for m in self.members]

    def summary(self) -> "BundleCaseSummary":
        return BundleCaseSummary(
            bundle_case_id=self.bundle_case_id,
            bundle_id=self.bundle_id,
            name_zh=self.name_zh,
            name_en=self.name_en,
            item_ids=[m.item_id for m in self.members],
            created_at=self.created_at,
            status=self.status,
        )

    @property
    def waves(self) -> list[list[str]]:
        """The members' case ids, wave by wave (wave 1 first)."""
        numbers = sorted({m.wave for m in self.members})
        return [[m.application_id for m in self.members if m.wave == n] for n in numbers]


class BundleCaseSummary(ApiModel):
    """A bundle filing as the owner's list shows it."""

    bundle_case_id: ApplicationId
    bundle_id: BundleId
    name_zh: str
    name_en: str
    item_ids: list[ItemId]
    created_at: datetime
    status: BundleStatus = BundleStatus.DRAFT


class BundleCasePage(ApiModel):
    items: list[BundleCaseSummary]
    next_cursor: str | None = None


class SharedMaterialUpload(MaterialUploadResponse):
    # The members whose case now holds this upload for the material.
    application_ids: list[ApplicationId]


class BundleMemberView(ItemRef):
    application_id: ApplicationId
    wave: int
    waits_for: list[ItemId]
    status: ApplicationStatus
    version: int  # the member's, for BundleDraftRequest.versions
    missing_fields: list[str]
    due_at: datetime | None = None


class BundleMaterialView(ApiModel):
    """A material to provide for the bundle: a shared one once for all the members that
    ask for it (`shared`), another on its member's own case."""

    code: MaterialCode
    name_zh: str
    name_en: str
    required: bool
    shared: bool
    item_ids: list[ItemId]
    # The members that hold an upload for it (asked at submit whether S3 has the file).
    uploaded_on: list[ItemId]


class BundleCaseView(ApiModel):
    bundle_case_id: ApplicationId
    bundle_id: BundleId
    name_zh: str
    name_en: str
    lead_department: str
    channel: Channel
    answers: dict[str, str]
    shared_fields: list[str]
    members: list[BundleMemberView]
    waves: list[list[ItemId]]
    materials: list[BundleMaterialView]
    critical_path_days: int
    created_at: datetime
    status: BundleStatus
    submitted_at: datetime | None = None
    concluded_at: datetime | None = None
    # The result package: one line per member, once the bundle CONCLUDED.
    results: list[BundleResultEntry] = Field(default_factory=list)
    failure: str | None = None


class BundleTaskItem(ApiModel):
    """A member of the bundle this department reviews: its task, or None while the member
    has not reached the department yet (a later wave) or never did."""

    item_id: ItemId
    name_zh: str
    name_en: str
    application_id: ApplicationId
    wave: int
    member_status: ApplicationStatus
    task: TaskView | None = None


class BundleTaskView(ApiModel):
    """同类事项合并审批: one department's one task across a bundle filing, covering every
    member it reviews; each is decided in it (POST /bundle-tasks/{id}/decision)."""

    bundle_case_id: ApplicationId
    bundle_id: BundleId
    name_zh: str
    name_en: str
    department: DepartmentCode
    items: list[BundleTaskItem]
    pending: int  # how many of the items wait for this department's decision now


class BundleItemDecision(ApiModel):
    item_id: ItemId
    decision: ReviewDecision
    comment: Annotated[str, Field(max_length=2000)] = ""


class BundleDecisionRequest(ApiModel):
    """Each item of the bundle task decided on its own, in one request; `department` when
    the officer is staff of more than one of the bundle's departments."""

    department: DepartmentCode | None = None
    decisions: Annotated[list[BundleItemDecision], Field(min_length=1, max_length=30)]

    @field_validator("decisions")
    @classmethod
    def _each_item_once(cls, value: list[BundleItemDecision]) -> list[BundleItemDecision]:
        ids = [d.item_id for d in value]
        if len(set(ids)) != len(ids):
            raise ValueError("an item appears twice in the decisions")
        return value
