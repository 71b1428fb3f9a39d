"""The application (case) as the domain sees it, and the records it is stored as.

A case is an item collection under its key (shared/adapters/dynamo/cases.py): a small
header (status, acceptance, the pinned catalog version), the form (applicant, form values,
delivery choice), one record per material, per department review, the result, the delivery
and the rating, and one record per timeline event. Each writer writes only the records it
changes: a department's decision touches its own review and one event, never the header.

`Application` holds the header and the form with the child records loaded beside it;
`record()` queues timeline events, which the repository writes with the next change.
A member of a bundle filed as one carries `bundle_id` (the catalog's bundle) and
`bundle_case_id` (the filing, shared/models/bundle_cases.py).
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, PrivateAttr, field_validator, model_validator

from shared.domain.identifiers import credit_code_problem, resident_id_problem
from shared.domain.status import require_transition
from shared.models.assistance import AssistSession, FilingConfirmation
from shared.models.clock import CaseClock
from shared.models.common import (
    ApiModel,
    ApplicationStatus,
    Channel,
    DeliveryMode,
    MissingItem,
    ReusableDocument,
    ReviewDecision,
    ReviewRole,
    Stage,
    utc_now,
)
from shared.models.ids import (
    ApplicationId,
    CertificateNo,
    DepartmentCode,
    ItemId,
    MaterialCode,
    TaskId,
    TicketId,
)

Name = Annotated[str, Field(min_length=1, max_length=100)]
MobilePhone = Annotated[str, Field(pattern=r"^1[3-9]\d{9}$")]
FormValue = str | int | float | bool | None


class PersonApplicant(ApiModel):
    kind: Literal["person"]
    name: Name
    id_number: Annotated[str, Field(min_length=18, max_length=18)]
    phone: MobilePhone | None = None

    @field_validator("id_number")
    @classmethod
    def _check_id(cls, value: str) -> str:
        value = value.upper()
        problem = resident_id_problem(value)
        if problem:
            raise ValueError(problem)
        return value


def _checked_credit_code(value: str) -> str:
    value = value.upper()
    problem = credit_code_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# 统一社会信用代码, checked by its check character (upper-cased).
CreditCode = Annotated[
    str, Field(min_length=18, max_length=18), AfterValidator(_checked_credit_code)
]


class EnterpriseApplicant(ApiModel):
    kind: Literal["enterprise"]
    name: Name
    credit_code: CreditCode
    legal_representative: Name
    phone: MobilePhone | None = None


Applicant = Annotated[PersonApplicant | EnterpriseApplicant, Field(discriminator="kind")]


class PostalAddress(ApiModel):
    recipient: Name
    phone: MobilePhone
    province: Annotated[str, Field(min_length=2, max_length=20)]
    city: Annotated[str, Field(min_length=2, max_length=30)]
    district: Annotated[str, Field(min_length=2, max_length=30)]
    street: Annotated[str, Field(min_length=2, max_length=200)]
    postal_code: Annotated[str, Field(pattern=r"^\d{6}$")]


class DeliveryRequest(ApiModel):
    mode: DeliveryMode
    address: PostalAddress | None = None

    @model_validator(mode="after")
    def _address_for_mail(self) -> "DeliveryRequest":
        if self.mode is DeliveryMode.MAIL and self.address is None:
            raise ValueError("address is required when delivery mode is mail")
        return self


# -- child records ----------------------------------------------------------------------


class MaterialRecord(ApiModel):
    code: MaterialCode
    file_name: str
    content_type: str
    declared_size: int
    s3_key: str
    requested_at: datetime
    # What S3 held under s3_key when the case was last submitted (all None: nothing was
    # there); acceptance judges these facts against the item's rules.
    verified_size: int | None = None
    verified_content_type: str | None = None
    # The S3 version then under s3_key: reviewers download exactly that one, even if a
    # still-valid upload link wrote the key again after submission.
    verified_version_id: str | None = None
    verified_at: datetime | None = None
    # A window clerk checked the upload against the original the applicant showed (trust
    # level B): who and when.
    original_checked_by: str | None = None
    original_checked_at: datetime | None = None
    # Reused (可复用): the applicant's document checked in that earlier case; the upload is
    # that case's, and its facts above are the ones checked there.
    reused_from: ApplicationId | None = None
    # 免证办: a certificate this system issued to the applicant stands for the material
    # (the file is the certificate's own document); acceptance checks it is still valid.
    certificate_no: Annotated[str, Field(max_length=60)] | None = None


class CheckedDocument(ApiModel):
    """An applicant's document a window clerk checked against its original (trust level B),
    kept for the same account's later cases for the same applicant (可复用)."""

    kind: ReusableDocument
    owner_id: str
    application_id: ApplicationId  # the case it was checked in
    material_code: MaterialCode
    file_name: str
    content_type: str
    size: int
    s3_key: str
    version_id: str | None = None
    checked_by: str
    checked_at: datetime


class TimelineEvent(ApiModel):
    at: datetime = Field(default_factory=utc_now)
    stage: Stage
    action: str
    actor: str
    detail: str = ""


ReviewStatus = Literal["PENDING", "APPROVED", "REJECTED", "EXPIRED"]


class Review(ApiModel):
    """One department's review of a case: a record under the case and, while pending, the
    entry in that department's inbox (the task). `task_token` is the Step Functions token;
    it is stored beside the record, never serialised with it, returned or logged."""

    task_id: TaskId
    application_id: ApplicationId
    item_id: ItemId
    department: DepartmentCode
    role: ReviewRole
    status: ReviewStatus = "PENDING"
    # The bundle filing (一件事) the case is a member of: its department's tasks across the
    # bundle are one task to the department (GET /bundle-tasks/{bundleCaseId}).
    bundle_case_id: ApplicationId | None = None
    due_at: datetime
    created_at: datetime = Field(default_factory=utc_now)
    comment: str = ""
    decided_at: datetime | None = None
    decided_by: str | None = None
    # Set when the statutory deadline passed undecided: the review stays open, marked late.
    overdue_at: datetime | None = None
    # While the case's clock is stopped (a special procedure): the task's remaining days
    # hold where they were, and the deadlines sweep passes it by.
    paused_since: datetime | None = None
    # 电子监察: when the yellow warning is due (some working days before `due_at`), and
    # when the sweep gave it; the red one is `overdue_at`.
    warn_at: datetime | None = None
    warned_at: datetime | None = None
    # Who holds the task (claimed it, or a lead assigned it to them): others see it, and
    # only they, their delegate or a lead decide it. Kept also as the record's `holder`
    # attribute, which claims are conditioned on.
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    assigned_by: str | None = None  # the lead who assigned it, when not claimed
    task_token: str = Field(default="", exclude=True, repr=False)

    @property
    def decision(self) -> ReviewDecision | None:
        if self.status == "APPROVED":
            return ReviewDecision.APPROVE
        if self.status == "REJECTED":
            return ReviewDecision.REJECT
        return None

    @property
    def warning(self) -> Literal["yellow", "red"] | None:
        """The warning a pending task shows: red once late, yellow once warned."""
        if self.status != "PENDING" or self.paused_since:
            return None
        if self.overdue_at:
            return "red"
        return "yellow" if self.warned_at else None

    @property
    def task_status(self) -> Literal["PENDING", "DECIDED", "EXPIRED"]:
        """The task as its inbox shows it."""
        if self.status in ("APPROVED", "REJECTED"):
            return "DECIDED"
        return self.status  # type: ignore[return-value]


class Delegation(ApiModel):
    """An officer away (on leave, on a site visit) lets a colleague of the department act on
    the tasks they hold, for a period."""

    officer: Annotated[str, Field(min_length=1, max_length=128)]
    delegate: Annotated[str, Field(min_length=1, max_length=128)]
    department: DepartmentCode
    starts_at: datetime
    ends_at: datetime
    reason: Annotated[str, Field(max_length=500)] = ""

    def covers(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


class Commitment(ApiModel):
    """容缺受理: the applicant's signed commitment to supply materials the catalog allows to
    be missing at acceptance, by a deadline counted from acceptance. The text they agreed to,
    the signer, when and a SHA-256 digest of all of it are kept."""

    materials: Annotated[list[MaterialCode], Field(min_length=1, max_length=20)]
    text: Annotated[str, Field(max_length=4000)]
    signer: Name
    signed_by: str  # the account that signed it (the applicant, or a clerk with them)
    # At the window: the clerk before whom the applicant signed in person (their account
    # files the case); the text says so, and the digest covers it.
    witnessed_by: str | None = None
    signed_at: datetime
    due_days: Annotated[int, Field(ge=1, le=90)]  # working days after acceptance
    digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    due_at: datetime | None = None  # set at acceptance
    fulfilled_at: datetime | None = None
    broken_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.fulfilled_at is None and self.broken_at is None


class ClerkDecision(ApiModel):
    """A window clerk's acceptance decision (前台受理) on a case whose item needs a person,
    or the law's deemed acceptance when none came in time (§32)."""

    outcome: Literal["accept", "return", "not_accept"]
    missing: list[MissingItem] = Field(default_factory=list, max_length=60)
    reasons: list[str] = Field(default_factory=list, max_length=20)
    checked_originals: list[MaterialCode] = Field(default_factory=list, max_length=60)
    decided_by: str
    decided_at: datetime
    deemed: bool = False


class ReviewAssignment(ApiModel):
    department: DepartmentCode
    role: ReviewRole


class AcceptanceRecord(ApiModel):
    outcome: Literal["ACCEPTED", "RETURNED", "NOT_ACCEPTED"]
    decided_at: datetime
    missing: list[MissingItem] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    deadline_at: datetime | None = None  # promised time limit (承诺时限)
    statutory_deadline_at: datetime | None = None  # statutory time limit (法定时限)
    # When the wait for the departments ends: the statutory limit plus a margin, within
    # the execution's lifetime. A review still undecided then fails the case, visibly.
    review_bound_at: datetime | None = None
    supplement_due_at: datetime | None = None
    # Who reviews, fixed at acceptance from the item version the case pinned.
    review_plan: list[ReviewAssignment] = Field(default_factory=list)
    # The window clerk's decision this outcome carries out (None: the rules alone decided).
    clerk: ClerkDecision | None = None


class ResultRecord(ApiModel):
    outcome: Literal["APPROVED", "REJECTED"]
    issued_at: datetime
    document_key: str
    certificate_no: CertificateNo | None = None
    verification_code: str | None = None
    reasons: list[str] = Field(default_factory=list)


class DeliveryRecord(ApiModel):
    mode: DeliveryMode
    delivered_at: datetime
    courier: str | None = None
    waybill_no: str | None = None
    pickup_code: str | None = None
    download_expires_at: datetime | None = None


class Rating(ApiModel):
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: str = ""
    rated_at: datetime
    ticket_id: TicketId | None = None


# -- the case ---------------------------------------------------------------------------

# What the header record holds; the form record holds FORM_FIELDS; the rest are children.
HEADER_FIELDS = frozenset(
    {
        "application_id",
        "owner_id",
        "item_id",
        "item_version",
        "bundle_id",
        "bundle_case_id",
        "channel",
        "assisted_by",
        "agent_sub",
        "confirmation",
        "assist_sessions",
        "status",
        "acceptance",
        "clock",
        "at_window_since",
        "clerk_decision",
        "commitment",
        "failure_reason",
        "overdue_since",
        "submission_count",
        "missing_fields",
        "created_at",
        "updated_at",
        "version",
    }
)
FORM_FIELDS = frozenset({"applicant", "form", "delivery"})


class Application(ApiModel):
    application_id: ApplicationId
    owner_id: str  # Cognito `sub` of the account that filed it
    item_id: ItemId
    item_version: Annotated[int, Field(ge=1)] = 1  # the catalog version the case pinned
    bundle_id: str | None = None
    # A member of a bundle filed as one (shared/models/bundle_cases.py): submitted with it.
    bundle_case_id: ApplicationId | None = None
    applicant: Applicant
    form: dict[str, FormValue] = Field(default_factory=dict)
    channel: Channel
    assisted_by: str | None = None  # the username of the staff member who filed it
    # 帮办代办: the service agent's account, which keeps acting on the case once it has
    # moved to the applicant's own account, and the applicant's confirmation of the filing.
    agent_sub: str | None = None
    confirmation: FilingConfirmation | None = None
    assist_sessions: list[AssistSession] = Field(default_factory=list)  # 云帮办
    delivery: DeliveryRequest
    status: ApplicationStatus = ApplicationStatus.DRAFT
    acceptance: AcceptanceRecord | None = None
    # The promised and statutory clocks, started at acceptance (shared/models/clock.py).
    clock: CaseClock | None = None
    # Waiting in the window queue for a clerk (the item needs a person), and the clerk's
    # decision until acceptance carries it out.
    at_window_since: datetime | None = None
    clerk_decision: ClerkDecision | None = None
    commitment: Commitment | None = None  # 容缺受理
    failure_reason: str | None = None
    # When a planned review first passed its due time undecided: the case stays in
    # approval, late, not failed (a department being late is not a technical failure).
    overdue_since: datetime | None = None
    submission_count: int = 0
    # A draft's required form fields still blank (drafts may be partial; submit would
    # return them), as of its last save.
    missing_fields: list[str] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    version: int = 0  # of the header: its optimistic lock
    # Child records, each stored on its own.
    materials: dict[str, MaterialRecord] = Field(default_factory=dict)
    reviews: dict[str, Review] = Field(default_factory=dict)
    result: ResultRecord | None = None
    # What issuance decided before it wrote anything else: a retried issuance carries it
    # out again (same number, code and document) instead of issuing twice.
    planned_result: ResultRecord | None = None
    delivery_record: DeliveryRecord | None = None
    feedback: Rating | None = None
    _new_events: list[TimelineEvent] = PrivateAttr(default_factory=list)

    def record(self, stage: Stage, action: str, actor: str, detail: str = "") -> TimelineEvent:
        """Queues a timeline event; the repository writes it with the next change."""
        now = utc_now()
        event = TimelineEvent(at=now, stage=stage, action=action, actor=actor, detail=detail)
        self._new_events.append(event)
        self.updated_at = now
        return event

    def move_to(
        self, status: ApplicationStatus, stage: Stage, actor: str, detail: str = ""
    ) -> None:
        require_transition(self.status, status)
        self.status = status
        self.record(stage, status.value.lower(), actor, detail)

    @property
    def applicant_key(self) -> str:
        """Who the applicant is across cases: the credit code or the ID number."""
        applicant = self.applicant
        if isinstance(applicant, EnterpriseApplicant):
            return applicant.credit_code
        return applicant.id_number

    @property
    def new_events(self) -> list[TimelineEvent]:
        return list(self._new_events)

    def events_written(self) -> None:
        self._new_events.clear()

    @property
    def due_at(self) -> datetime | None:
        """What the case waits for next: the promised deadline in approval, the supplement
        deadline when returned."""
        if self.acceptance is None:
            return None
        if self.status is ApplicationStatus.IN_APPROVAL:
            return self.acceptance.deadline_at
        if self.status is ApplicationStatus.RETURNED:
            return self.acceptance.supplement_due_at
        return None

    def summary(self) -> "ApplicationSummary":
        return ApplicationSummary(
            application_id=self.application_id,
            item_id=self.item_id,
            item_version=self.item_version,
            bundle_case_id=self.bundle_case_id,
            status=self.status,
            channel=self.channel,
            created_at=self.created_at,
            updated_at=self.updated_at,
            due_at=self.due_at,
            overdue_since=self.overdue_since,
            at_window_since=self.at_window_since,
            missing_fields=self.missing_fields if self.status is ApplicationStatus.DRAFT else [],
        )


class ApplicationSummary(ApiModel):
    """A case as its lists show it (what the indexes project)."""

    application_id: ApplicationId
    item_id: ItemId
    item_version: int = 1
    bundle_case_id: ApplicationId | None = None  # a member of a bundle filed as one
    status: ApplicationStatus
    channel: Channel
    created_at: datetime
    updated_at: datetime
    # The promised deadline while in approval, the supplement deadline while returned.
    due_at: datetime | None = None
    overdue_since: datetime | None = None
    at_window_since: datetime | None = None  # waiting for a window clerk
    # A draft's required form fields still blank: what to fill in before submitting.
    missing_fields: list[str] = Field(default_factory=list)


class FollowUpTicket(ApiModel):
    """A follow-up ticket (差评整改) opened by a dissatisfied rating."""

    ticket_id: TicketId
    application_id: ApplicationId
    item_id: ItemId
    lead_department: str
    rating: int
    comment: str
    status: Literal["OPEN", "IN_PROGRESS", "RESOLVED", "CONFIRMED"] = "OPEN"
    opened_at: datetime = Field(default_factory=utc_now)
    due_at: datetime
