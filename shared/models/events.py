"""What the state machine passes to each stage function.

Handlers validate these with `model_validate` rather than Powertools' `event_parser`:
importing the parser utility builds all of its AWS event models, some 85 ms of every cold
start, for events that are our own.
"""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.models.common import ReviewRole
from shared.models.ids import ApplicationId, DepartmentCode


class StageEvent(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    application_id: ApplicationId = Field(alias="applicationId")


class AcceptanceEvent(StageEvent):
    # When the case's execution started: every wait must end within its one-year lifetime.
    execution_started_at: datetime | None = Field(default=None, alias="executionStartedAt")


class SupplementEvent(StageEvent):
    # The supplement's wait, or the window clerk's.
    action: Literal[
        "await", "expire", "await_clerk", "deem_accepted", "await_commitment", "break_commitment"
    ]
    task_token: str | None = Field(default=None, alias="taskToken", repr=False)


class ReviewEvent(StageEvent):
    department: DepartmentCode
    role: ReviewRole
    task_token: str = Field(alias="taskToken", repr=False)


class FailureEvent(StageEvent):
    error: dict[str, Any] | None = None


class BundleEvent(BaseModel):
    """A step of the bundle machine: ready a wave's members, conclude, or record its
    failure."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    action: Literal["plan_wave", "conclude", "fail"]
    bundle_case_id: ApplicationId = Field(alias="bundleCaseId")
    wave: list[ApplicationId] = Field(default_factory=list, max_length=30)
    error: dict[str, Any] | None = None


class CustomResourceEvent(BaseModel):
    """What CloudFormation sends a Lambda-backed custom resource (the shipped catalog's
    import at deployment); the answer goes to `ResponseURL`, a presigned S3 URL."""

    model_config = ConfigDict(extra="ignore")

    RequestType: Literal["Create", "Update", "Delete"]
    ResponseURL: str
    StackId: str
    RequestId: str
    LogicalResourceId: str
    PhysicalResourceId: str | None = None
    ResourceProperties: dict[str, Any] = Field(default_factory=dict)
