"""The application (case) as the domain sees it, with everything that happens to it.

Shaped for what comes later: `bundle_id` groups several applications of one "one thing, one
go" bundle; `acceptance.missing_allowed` carries acceptance with missing materials; the
clock fields (`deadline_at`, `paused_days`) let a supplement pause the working-day clock.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from shared.domain.identifiers import is_valid_credit_code, is_valid_resident_id
from shared.models.common import (
    ApiModel,
    ApplicationStatus,
    Channel,
    DeliveryMode,
    ReviewDecision,
    ReviewRole,
    Stage,
    utc_now,
)

Name = Annotated[str, Field(min_length=1, max_length=100)]
MobilePhone = Annotated[str, Field(pattern=r"^1[3-9]\d{9}$")]


class PersonApplicant(ApiModel):
    kind: Literal["person"]
    name: Name
    id_number: Annotated[str, Field(min_length=18, max_length=18)]
    phone: MobilePhone | None = None

    @field_validator("id_number")
    @classmethod
    def _check_id(cls, value: str) -> str:
        value = value.upper()
        if not is_valid_resident_id(value):
            raise ValueError("not a valid resident ID number (check character mismatch)")
        return value


class EnterpriseApplicant(ApiModel):
    kind: Literal["enterprise"]
    name: Name
    credit_code: Annotated[str, Field(min_length=18, max_length=18)]
    legal_representative: Name
    phone: MobilePhone | None = None

    @field_validator("credit_code")
    @classmethod
    def _check_code(cls, value: str) -> str:
        value = value.upper()
        if not is_valid_credit_code(value):
            raise ValueError("not a valid unified social credit code (check character mismatch)")
        return value


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


class MaterialRecord(ApiModel):
    code: str
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


class TimelineEvent(ApiModel):
    at: datetime = Field(default_factory=utc_now)
    stage: Stage
    action: str
    actor: str
    detail: str = ""


class ReviewRecord(ApiModel):
    task_id: str
    department: str
    role: ReviewRole
    status: Literal["PENDING", "APPROVED", "REJECTED", "EXPIRED"] = "PENDING"
    due_at: datetime
    comment: str = ""
    decided_at: datetime | None = None
    decided_by: str | None = None


class MissingItem(ApiModel):
    """One entry of the one-time notice (一次性告知) of a return for supplement."""

    field: str
    reason: str


class ReviewAssignment(ApiModel):
    department: str
    role: ReviewRole


class AcceptanceRecord(ApiModel):
    outcome: Literal["ACCEPTED", "RETURNED", "NOT_ACCEPTED"]
    decided_at: datetime
    missing: list[MissingItem] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    deadline_at: datetime | None = None  # promised time limit (承诺时限)
    statutory_deadline_at: datetime | None = None  # statutory time limit (法定时限)
    supplement_due_at: datetime | None = None
    # Who reviews, fixed at acceptance from the item as it then stood.
    review_plan: list[ReviewAssignment] = Field(default_factory=list)


class ResultRecord(ApiModel):
    outcome: Literal["APPROVED", "REJECTED"]
    issued_at: datetime
    document_key: str
    certificate_no: str | None = None
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
    ticket_id: str | None = None


class Application(ApiModel):
    application_id: str
    owner_id: str  # Cognito `sub` of the account that filed it
    item_id: str
    bundle_id: str | None = None
    applicant: Applicant
    form: dict[str, Any] = Field(default_factory=dict)
    channel: Channel
    assisted_by: str | None = None
    delivery: DeliveryRequest
    status: ApplicationStatus = ApplicationStatus.DRAFT
    materials: dict[str, MaterialRecord] = Field(default_factory=dict)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    reviews: dict[str, ReviewRecord] = Field(default_factory=dict)
    acceptance: AcceptanceRecord | None = None
    result: ResultRecord | None = None
    delivery_record: DeliveryRecord | None = None
    feedback: Rating | None = None
    failure_reason: str | None = None
    submission_count: int = 0
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    version: int = 0

    def record(self, stage: Stage, action: str, actor: str, detail: str = "") -> None:
        now = utc_now()
        self.timeline.append(
            TimelineEvent(at=now, stage=stage, action=action, actor=actor, detail=detail)
        )
        self.updated_at = now

    def move_to(
        self, status: ApplicationStatus, stage: Stage, actor: str, detail: str = ""
    ) -> None:
        self.status = status
        self.record(stage, status.value.lower(), actor, detail)


class ReviewTask(ApiModel):
    """A pending department review: the inbox entry behind `GET /tasks`.

    `task_token` is the Step Functions token; it stays in DynamoDB and is never returned
    by the API or logged.
    """

    task_id: str
    application_id: str
    item_id: str
    department: str
    role: ReviewRole
    due_at: datetime
    created_at: datetime = Field(default_factory=utc_now)
    status: Literal["PENDING", "DECIDED", "EXPIRED"] = "PENDING"
    decision: ReviewDecision | None = None
    comment: str = ""
    decided_by: str | None = None
    decided_at: datetime | None = None
    task_token: str = Field(default="", repr=False)


class FollowUpTicket(ApiModel):
    """A follow-up ticket (差评整改) opened by a dissatisfied rating."""

    ticket_id: str
    application_id: str
    item_id: str
    lead_department: str
    rating: int
    comment: str
    status: Literal["OPEN", "IN_PROGRESS", "RESOLVED", "CONFIRMED"] = "OPEN"
    opened_at: datetime = Field(default_factory=utc_now)
    due_at: datetime
