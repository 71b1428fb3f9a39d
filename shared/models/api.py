"""Request and response bodies of the HTTP API (camelCase JSON)."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, field_validator

from shared.models.application import (
    AcceptanceRecord,
    Applicant,
    Application,
    DeliveryRecord,
    DeliveryRequest,
    Rating,
    ReviewRecord,
    TimelineEvent,
)
from shared.models.common import ApiModel, ApplicationStatus, Channel, ReviewDecision, ReviewRole

FormValue = str | int | float | bool | None


class CreateApplicationRequest(ApiModel):
    item_id: Annotated[str, Field(pattern=r"^[A-Z0-9-]{3,40}$")]
    applicant: Applicant
    form: Annotated[dict[str, FormValue], Field(max_length=60)] = Field(default_factory=dict)
    channel: Channel
    delivery: DeliveryRequest

    @field_validator("form")
    @classmethod
    def _small_values(cls, value: dict[str, FormValue]) -> dict[str, FormValue]:
        for key, item in value.items():
            if len(key) > 40 or (isinstance(item, str) and len(item) > 4000):
                raise ValueError(f"form field {key[:40]} is too long")
        return value


class MaterialUploadRequest(ApiModel):
    material_code: Annotated[str, Field(pattern=r"^[A-Z0-9_]{2,32}$")]
    file_name: Annotated[str, Field(min_length=1, max_length=200)]
    content_type: Annotated[str, Field(min_length=3, max_length=100)]
    size: Annotated[int, Field(gt=0, le=50 * 1024 * 1024)]


class MaterialUploadResponse(ApiModel):
    url: str
    fields: dict[str, str]
    key: str
    expires_at: datetime
    max_size: int


class FeedbackRequest(ApiModel):
    rating: Annotated[
        int, Field(ge=1, le=5, description="5 very satisfied ... 1 very dissatisfied")
    ]
    comment: Annotated[str, Field(max_length=1000)] = ""


class DecisionRequest(ApiModel):
    decision: ReviewDecision
    comment: Annotated[str, Field(max_length=2000)] = ""


class ApplicationSummary(ApiModel):
    application_id: str
    item_id: str
    status: ApplicationStatus
    channel: Channel
    created_at: datetime
    updated_at: datetime


class ApplicationView(ApplicationSummary):
    """What the applicant sees: everything but internal tokens and the owner id."""

    applicant: Applicant
    form: dict[str, Any]
    delivery: DeliveryRequest
    materials: dict[str, dict[str, Any]]
    timeline: list[TimelineEvent]
    reviews: list[ReviewRecord]
    acceptance: AcceptanceRecord | None
    result: dict[str, Any] | None
    delivery_record: DeliveryRecord | None
    feedback: Rating | None
    failure_reason: str | None
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


class TaskView(ApiModel):
    task_id: str
    application_id: str
    item_id: str
    department: str
    role: ReviewRole
    due_at: datetime
    created_at: datetime
    status: str


class DecisionResponse(ApiModel):
    task_id: str
    application_id: str
    decision: ReviewDecision
    status: str


class VerificationView(ApiModel):
    certificate_no: str
    valid: bool
    item_id: str | None = None
    holder: str | None = None
    issued_at: datetime | None = None


class PageResponse(ApiModel):
    items: list[Any]
    next_cursor: str | None = None


def application_view(app: Application) -> ApplicationView:
    result = None
    if app.result is not None:
        result = app.result.model_dump(by_alias=True, mode="json", exclude={"document_key"})
    return ApplicationView(
        **dict(application_summary(app)),
        applicant=app.applicant,
        form=app.form,
        delivery=app.delivery,
        materials={
            c: m.model_dump(by_alias=True, mode="json", exclude={"s3_key"})
            for c, m in app.materials.items()
        },
        timeline=app.timeline,
        reviews=list(app.reviews.values()),
        acceptance=app.acceptance,
        result=result,
        delivery_record=app.delivery_record,
        feedback=app.feedback,
        failure_reason=app.failure_reason,
        version=app.version,
    )


def application_summary(app: Application) -> ApplicationSummary:
    return ApplicationSummary(
        application_id=app.application_id,
        item_id=app.item_id,
        status=app.status,
        channel=app.channel,
        created_at=app.created_at,
        updated_at=app.updated_at,
    )
