"""Request and response bodies of the HTTP API (camelCase JSON)."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from shared.models.application import (
    AcceptanceRecord,
    Applicant,
    Application,
    ApplicationSummary,
    ClerkDecision,
    Commitment,
    Delegation,
    DeliveryRecord,
    DeliveryRequest,
    FormValue,
    MissingItem,
    Rating,
    Review,
    TimelineEvent,
)
from shared.models.assistance import AssistSession, FilingConfirmation
from shared.models.catalog import CaseKind, HandlingMode, OnlineDepth, ResultKind
from shared.models.clock import CaseClock, ClockExtension, ClockPause
from shared.models.common import (
    ApiModel,
    Channel,
    DeliveryMode,
    ItemType,
    ReusableDocument,
    ReviewDecision,
    ReviewRole,
    SpecialProcedureKind,
    utc_now,
)
from shared.models.ids import ApplicationId, DepartmentCode, ItemId, MaterialCode, TaskId


class CreateApplicationRequest(ApiModel):
    item_id: ItemId
    applicant: Applicant
    form: Annotated[dict[str, FormValue], Field(max_length=60)] = Field(default_factory=dict)
    channel: Channel
    delivery: DeliveryRequest

    @field_validator("form")
    @classmethod
    def _small_values(cls, value: dict[str, FormValue]) -> dict[str, FormValue]:
        return small_form_values(value)


def small_form_values(value: dict[str, FormValue]) -> dict[str, FormValue]:
    for key, item in value.items():
        if len(key) > 40 or (isinstance(item, str) and len(item) > 4000):
            raise ValueError(f"form field {key[:40]} is too long")
    return value


class DraftUpdateRequest(ApiModel):
    """What the applicant has filled in so far, saved as they go: each part given replaces
    the draft's; a part left out is kept. `version` is the case's version the edit started
    from (GET /applications/{id} or the previous save): a save from a stale copy, another
    tab or device having saved since, is refused with 409 rather than lost."""

    version: Annotated[int, Field(ge=1)]
    applicant: Applicant | None = None
    form: Annotated[dict[str, FormValue], Field(max_length=60)] | None = None
    delivery: DeliveryRequest | None = None

    @field_validator("form")
    @classmethod
    def _small_values(cls, value: dict[str, FormValue] | None) -> dict[str, FormValue] | None:
        return None if value is None else small_form_values(value)


class DraftSaved(ApiModel):
    application_id: ApplicationId
    version: int
    updated_at: datetime
    # The required form fields still blank (filled in before submitting).
    missing_fields: list[str] = Field(default_factory=list)


class MaterialUploadRequest(ApiModel):
    material_code: MaterialCode
    file_name: Annotated[str, Field(min_length=1, max_length=200)]
    content_type: Annotated[str, Field(min_length=3, max_length=100)]
    size: Annotated[int, Field(gt=0, le=50 * 1024 * 1024)]


class MaterialUploadResponse(ApiModel):
    url: str
    fields: dict[str, str]
    key: str
    expires_at: datetime
    max_size: int


class MaterialReuseRequest(ApiModel):
    material_code: MaterialCode


class ReusableMaterial(ApiModel):
    """A document of the applicant's, checked against its original at a window in an
    earlier case of this account (trust level B), which this case may reuse for
    `materialCode` instead of an upload (可复用)."""

    material_code: str
    kind: ReusableDocument
    file_name: str
    content_type: str
    size: int
    checked_by: str
    checked_at: datetime
    from_application_id: str
    reusable_until: datetime


class ReusableMaterialList(ApiModel):
    items: list[ReusableMaterial]


class FeedbackRequest(ApiModel):
    rating: Annotated[
        int, Field(ge=1, le=5, description="5 very satisfied ... 1 very dissatisfied")
    ]
    comment: Annotated[str, Field(max_length=1000)] = ""


class DecisionRequest(ApiModel):
    decision: ReviewDecision
    # Required with a rejection: a denial states its reasons in writing (the licensing
    # law), and they go to the applicant in the one notice.
    comment: Annotated[str, Field(max_length=2000, validate_default=True)] = ""

    @field_validator("comment")
    @classmethod
    def _reasons_for_a_rejection(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("decision") is ReviewDecision.REJECT and not value.strip():
            raise ValueError("a rejection must state its reasons")
        return value


class BatchDecisionItem(ApiModel):
    """One decision of a batch; checked on its own (a rejection without reasons fails that
    one only)."""

    task_id: TaskId
    decision: ReviewDecision
    comment: Annotated[str, Field(max_length=2000)] = ""


class BatchDecisionRequest(ApiModel):
    """Several selected tasks of similar cases decided at once, each answered on its own."""

    decisions: Annotated[list[BatchDecisionItem], Field(min_length=1, max_length=50)]

    @field_validator("decisions")
    @classmethod
    def _each_task_once(cls, value: list[BatchDecisionItem]) -> list[BatchDecisionItem]:
        ids = [d.task_id for d in value]
        if len(set(ids)) != len(ids):
            raise ValueError("a task appears twice in the batch")
        return value


class FieldError(ApiModel):
    field: str
    message: str


class ErrorBody(ApiModel):
    """Every error the API function answers: a code, a message, and each field at fault
    (empty when no one field is)."""

    error: Annotated[str, Field(description="a stable code, e.g. validation_error")]
    message: str
    fields: list[FieldError]


class BatchDecisionOutcome(ApiModel):
    task_id: str
    status: Annotated[int, Field(description="what the single decision route would answer")]
    decision: ReviewDecision | None = None  # set when decided (status 200)
    task_status: str | None = None
    error: ErrorBody | None = None  # set when refused


class BatchDecisionResponse(ApiModel):
    results: list[BatchDecisionOutcome]  # in the request's order
    succeeded: int
    failed: int


class AssignmentRequest(ApiModel):
    assignee: Annotated[str, Field(min_length=1, max_length=128, description="a user name")]


class DelegationRequest(ApiModel):
    department: DepartmentCode
    delegate: Annotated[str, Field(min_length=1, max_length=128, description="a user name")]
    ends_at: datetime
    reason: Annotated[str, Field(max_length=500)] = ""


class DelegationEnded(ApiModel):
    ended: bool = True


class CurrentDelegation(ApiModel):
    delegation: Delegation | None  # none in force: null


class WindowDecisionRequest(ApiModel):
    """A window clerk's decision on a case in the queue: accept; return for supplement with
    the one-time notice, everything at once; or not accept with written reasons. The
    materials checked against the originals shown are named in `checkedOriginals`."""

    outcome: Literal["accept", "return", "not_accept"]
    missing: Annotated[list[MissingItem], Field(max_length=60)] = Field(default_factory=list)
    reasons: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=500)]], Field(max_length=20)
    ] = Field(default_factory=list)
    checked_originals: Annotated[list[MaterialCode], Field(max_length=60)] = Field(
        default_factory=list
    )

    @model_validator(mode="after")
    def _what_each_outcome_needs(self) -> "WindowDecisionRequest":
        if self.outcome == "return" and not self.missing:
            raise ValueError("a return for supplement lists what is missing (missing)")
        if self.outcome == "not_accept" and not [r for r in self.reasons if r.strip()]:
            raise ValueError("not accepting states its reasons in writing (reasons)")
        return self


class WindowTaskView(ApiModel):
    """A case in the window queue, as the clerks' list shows it."""

    task_id: Annotated[str, Field(description="the case's id: one window task per case")]
    application_id: ApplicationId
    item_id: ItemId
    channel: Channel
    waiting_since: datetime
    # The law's 5 working days: no decision by then and the case is accepted (§32).
    deemed_accepted_at: datetime


class WindowTaskPage(ApiModel):
    items: list[WindowTaskView]
    next_cursor: str | None = None


class WindowTaskDetail(ApiModel):
    task: WindowTaskView
    application: "CaseForReview"
    reason: Annotated[str, Field(description="why the item needs a person")]
    clerk_decision: ClerkDecision | None = None  # once decided, until acceptance acts on it


class CommitmentRequest(ApiModel):
    """容缺受理: the materials to supply after acceptance (each one the catalog allows), who
    signs, and that they agree to the commitment's text (returned in the answer)."""

    materials: Annotated[list[MaterialCode], Field(min_length=1, max_length=20)]
    signer: Annotated[str, Field(min_length=1, max_length=100)]
    agreed: Literal[True]


class CommitmentTerms(ApiModel):
    """容缺受理 as a case may have it, before anyone signs: the item's materials that may come
    later, the working days to supply them once accepted, how long a broken commitment bars
    the applicant, and whether it is offered now (a draft or returned case, not barred)."""

    materials: list[MaterialCode]
    due_days: Annotated[int, Field(description="working days after acceptance")]
    bar_days: Annotated[int, Field(description="calendar days without 容缺 once broken")]
    barred_until: datetime | None = None
    offered: bool
    commitment: Commitment | None = None  # signed already


# -- the clock --------------------------------------------------------------------------


class SpecialProcedureRequest(ApiModel):
    """Starts one of the item's special procedures (§45: hearing, testing, expert review,
    public notice...). The applicant is told which, why and for how long."""

    kind: SpecialProcedureKind
    reason: Annotated[str, Field(min_length=1, max_length=1000)]

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        return not_blank(value)


class SpecialProcedureEndRequest(ApiModel):
    outcome: Annotated[str, Field(min_length=1, max_length=1000)]

    @field_validator("outcome")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        return not_blank(value)


class SupplementRequest(ApiModel):
    """退回补正 mid-approval: everything the department needs, at once (the one-time notice);
    a `field` names a material code or a form field."""

    missing: Annotated[list[MissingItem], Field(min_length=1, max_length=60)]


class ExtensionRequest(ApiModel):
    """延期: the lead department extends both clocks, once, within the law's limit (10
    working days, 15 for a case several departments handle), giving the applicant its
    reason."""

    days: Annotated[int, Field(ge=1, le=15)]
    reason: Annotated[str, Field(min_length=1, max_length=1000)]

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        return not_blank(value)


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


class ClockReadingView(ApiModel):
    deadline_at: datetime
    remaining_working_days: Annotated[
        int, Field(description="working days left after today; 0 due today, negative late")
    ]
    provisional: Annotated[
        bool, Field(description="the deadline's year has no published holiday arrangement")
    ]


class ClockView(ApiModel):
    """Both clocks of a case as of now, and every pause and extension so far."""

    started_at: datetime
    promised_days: int
    statutory_days: int
    promised: ClockReadingView
    statutory: ClockReadingView
    paused: bool
    paused_working_days: int
    extension_days: int
    max_extension_days: int
    pauses: list[ClockPause]
    extensions: list[ClockExtension]


def clock_view(clock: CaseClock, now: datetime) -> ClockView:
    from shared.domain import clock as counting

    def reading(value: counting.ClockReading) -> ClockReadingView:
        return ClockReadingView(
            deadline_at=value.deadline_at,
            remaining_working_days=value.remaining_working_days,
            provisional=value.provisional,
        )

    return ClockView(
        started_at=clock.started_at,
        promised_days=clock.promised_days,
        statutory_days=clock.statutory_days,
        promised=reading(counting.promised(clock, now)),
        statutory=reading(counting.statutory(clock, now)),
        paused=clock.is_paused,
        paused_working_days=len(counting.paused_days(clock, now)),
        extension_days=clock.extension_days,
        max_extension_days=clock.max_extension_days,
        pauses=clock.pauses,
        extensions=clock.extensions,
    )


class ReviewRecord(ApiModel):
    """A department's review as the applicant sees it."""

    task_id: TaskId
    department: DepartmentCode
    role: ReviewRole
    status: str
    due_at: datetime
    comment: str = ""
    decided_at: datetime | None = None
    decided_by: str | None = None
    overdue_at: datetime | None = None  # when it passed its due time undecided
    paused_since: datetime | None = None  # the case's clock is stopped


class ApplicationView(ApplicationSummary):
    """What the applicant sees: everything but internal tokens and the owner id.

    `timeline` holds the latest events (oldest first); when older ones exist,
    `timelineCursor` continues backwards through GET /applications/{id}/timeline.
    """

    applicant: Applicant
    form: dict[str, Any]
    delivery: DeliveryRequest
    materials: dict[str, dict[str, Any]]
    timeline: list[TimelineEvent]
    timeline_cursor: str | None = None
    reviews: list[ReviewRecord]
    acceptance: AcceptanceRecord | None
    clock: ClockView | None = None
    # 容缺受理: the signed commitment (text, signer, witness, digest, due date once accepted).
    commitment: Commitment | None = None
    result: dict[str, Any] | None
    delivery_record: DeliveryRecord | None
    feedback: Rating | None
    failure_reason: str | None
    # 帮办代办: who filed for the applicant, the applicant's confirmation (the code never
    # appears) and the remote-assisted sessions (云帮办).
    assisted_by: str | None = None
    confirmation: FilingConfirmation | None = None
    assist_sessions: list[AssistSession] = Field(default_factory=list)
    version: int


class ResultView(ApiModel):
    application_id: str
    outcome: str
    issued_at: datetime
    certificate_no: str | None = None
    verification_code: str | None = None
    reasons: list[str] = Field(default_factory=list)
    download_url: str | None = None
    download_expires_at: datetime | None = None
    delivery: DeliveryRecord | None = None


class MaterialView(ApiModel):
    """An uploaded material as the reviewing department sees it."""

    code: str
    file_name: str
    content_type: str
    size: int | None = None
    verified_at: datetime | None = None
    # Only once acceptance found the object in S3; a few minutes' validity.
    download_url: str | None = None
    # Checked against the original by a window clerk (trust level B): who and when; and,
    # for a document reused from an earlier case (可复用), which.
    original_checked_by: str | None = None
    original_checked_at: datetime | None = None
    reused_from: str | None = None
    # 免证办: the certificate this system issued that stands for the material.
    certificate_no: str | None = None


class TaskView(ApiModel):
    task_id: TaskId
    application_id: ApplicationId
    item_id: ItemId
    department: DepartmentCode
    role: ReviewRole
    due_at: datetime
    created_at: datetime
    status: str  # PENDING, DECIDED or EXPIRED
    overdue_at: datetime | None = None  # marked by the deadlines sweep: late, still open
    paused_since: datetime | None = None  # the case's clock is stopped: days held
    claimed_by: str | None = None  # who holds it (claimed, or assigned by a lead)
    claimed_at: datetime | None = None
    assigned_by: str | None = None
    warn_at: datetime | None = None  # when the yellow warning is due
    warning: Annotated[
        Literal["yellow", "red"] | None,
        Field(description="电子监察: yellow once the deadline is near, red once it passed"),
    ] = None
    remaining_working_days: Annotated[
        int | None,
        Field(description="while pending: working days left after today, negative late"),
    ] = None
    # A member of a bundle filing: this department's tasks across it are one bundle task.
    bundle_case_id: ApplicationId | None = None


def task_view(review: Review, now: datetime | None = None) -> TaskView:
    remaining = None
    if review.status == "PENDING":
        from shared.domain.clock import remaining_until

        remaining = remaining_until(review.due_at, review.paused_since or now or utc_now())
    return TaskView(
        task_id=review.task_id,
        application_id=review.application_id,
        item_id=review.item_id,
        department=review.department,
        role=review.role,
        due_at=review.due_at,
        created_at=review.created_at,
        status=review.task_status,
        overdue_at=review.overdue_at,
        paused_since=review.paused_since,
        claimed_by=review.claimed_by,
        claimed_at=review.claimed_at,
        assigned_by=review.assigned_by,
        warn_at=review.warn_at,
        warning=review.warning,
        remaining_working_days=remaining,
        bundle_case_id=review.bundle_case_id,
    )


class DecisionResponse(ApiModel):
    task_id: TaskId
    application_id: ApplicationId
    decision: ReviewDecision
    status: str


class VerificationView(ApiModel):
    certificate_no: str
    valid: bool
    item_id: str | None = None
    holder: str | None = None
    issued_at: datetime | None = None
    result_name_zh: str = ""  # empty for certificates issued before names were kept
    result_name_en: str = ""
    # Why it is not valid, when it is not: revoked (撤销) by its department, or expired.
    status: Literal["valid", "revoked", "expired"] = "valid"
    expires_at: datetime | None = None
    revoked_at: datetime | None = None


class CatalogItemSummary(ApiModel):
    """An item as a search result shows it; GET /catalog/items/{itemId} has the guide."""

    item_id: ItemId
    version: int
    basic_code: str
    implementation_code: str
    name_zh: str
    name_en: str
    item_type: ItemType
    implementing_department: DepartmentCode
    lead_department: DepartmentCode
    co_departments: list[DepartmentCode]
    case_kind: CaseKind
    handling_mode: HandlingMode
    on_site_visits: int
    online_depth: OnlineDepth
    promised_days: int
    statutory_days: int
    applicant_kinds: list[str]
    delivery_modes: list[DeliveryMode]
    charged: bool
    result_kind: ResultKind
    result_name_zh: str
    # Set when the query matched the item's materials rather than its name.
    matched_materials: list[str] = Field(default_factory=list)


class CatalogPage(ApiModel):
    items: list[CatalogItemSummary]
    next_cursor: str | None = None


class ApplicationPage(ApiModel):
    items: list[ApplicationSummary]
    next_cursor: str | None = None


class TimelinePage(ApiModel):
    items: list[TimelineEvent]
    next_cursor: str | None = None


class CaseForReview(ApplicationSummary):
    """The case as a reviewing department sees it: who applied, what they filed, and how
    acceptance found it (no owner id, tokens, timeline or result)."""

    applicant: Applicant
    form: dict[str, Any]
    delivery: DeliveryRequest
    acceptance: AcceptanceRecord | None
    clock: ClockView | None = None


class TaskDetail(ApiModel):
    """One task with its case and every department's review so far (this one included),
    for the officer deciding it. The materials' download links are a separate request
    (GET /tasks/{taskId}/materials): they expire within minutes."""

    task: TaskView
    application: CaseForReview
    reviews: list[ReviewRecord]


def task_detail_view(review: Review, app: Application) -> TaskDetail:
    return TaskDetail(
        task=task_view(review),
        application=case_for_review(app),
        reviews=[review_record(r) for r in app.reviews.values()],
    )


def case_for_review(app: Application) -> CaseForReview:
    return CaseForReview(
        **dict(app.summary()),
        applicant=app.applicant,
        form=app.form,
        delivery=app.delivery,
        acceptance=app.acceptance,
        clock=clock_view(app.clock, utc_now()) if app.clock else None,
    )


def review_record(review: Review) -> ReviewRecord:
    return ReviewRecord.model_validate(review.model_dump(include=set(ReviewRecord.model_fields)))


class TaskPage(ApiModel):
    items: list[TaskView]
    next_cursor: str | None = None


class MaterialList(ApiModel):
    items: list[MaterialView]
    next_cursor: str | None = None


def application_view(
    app: Application, timeline: list[TimelineEvent], timeline_cursor: str | None
) -> ApplicationView:
    result = None
    if app.result is not None:
        result = app.result.model_dump(by_alias=True, mode="json", exclude={"document_key"})
    return ApplicationView(
        **dict(app.summary()),
        applicant=app.applicant,
        form=app.form,
        delivery=app.delivery,
        materials={
            c: m.model_dump(by_alias=True, mode="json", exclude={"s3_key"})
            for c, m in app.materials.items()
        },
        timeline=timeline,
        timeline_cursor=timeline_cursor,
        reviews=[review_record(r) for r in app.reviews.values()],
        acceptance=app.acceptance,
        clock=clock_view(app.clock, utc_now()) if app.clock else None,
        commitment=app.commitment,
        result=result,
        delivery_record=app.delivery_record,
        feedback=app.feedback,
        failure_reason=app.failure_reason,
        assisted_by=app.assisted_by,
        confirmation=app.confirmation,
        assist_sessions=app.assist_sessions,
        version=app.version,
    )


class GatewayError(BaseModel):
    """What API Gateway itself answers (the authorizer's 401, throttling's 429)."""

    model_config = ConfigDict(extra="allow")

    message: str


# -- 免证办: certificates this system issued ------------------------------------------
class CertificateView(ApiModel):
    """An issued certificate as its holder or the issuing department sees it."""

    certificate_no: str
    item_id: str
    result_name_zh: str
    result_name_en: str
    holder: str  # masked, as printed for verification
    issued_at: datetime
    expires_at: datetime | None = None
    status: Literal["valid", "revoked", "expired"]
    revoked_at: datetime | None = None
    revoked_reason: str = ""
    application_id: str  # the case it was issued in


class CertificateOffer(ApiModel):
    """A material an issued certificate stands for, and the applicant's certificates that
    may (valid ones) or may no longer (revoked, expired) be used for it."""

    material_code: MaterialCode
    name_zh: str
    name_en: str
    required: bool
    source_item: str  # the item that issues the certificate
    certificates: list[CertificateView]
    chosen: str | None = None  # the certificate the case uses for it now


class CertificateOfferList(ApiModel):
    items: list[CertificateOffer]


class CertificateUseRequest(ApiModel):
    material_code: MaterialCode
    certificate_no: Annotated[str, Field(min_length=8, max_length=60)]


class CertificateUndoRequest(ApiModel):
    material_code: MaterialCode


class RevocationRequest(ApiModel):
    # Goes to the holder and the public verification page: say why (撤销理由).
    reason: Annotated[str, Field(min_length=4, max_length=500)]
