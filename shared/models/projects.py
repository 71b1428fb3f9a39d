"""Key projects (重点项目): a company's project served from approval to exit by a steward
(审批管家, a service agent), with every case of it on one timeline and the steward's log.

The project record holds its basic data (the national project code, the enterprise, the
site, the investment, the park), its steward, the answers to the construction bundles'
situation questions and the operating licences it will need: the roadmap is generated
from these and the catalog (shared/domain/roadmap.py), and its lifecycle from its cases.
"""

import hashlib
import json
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from shared.models.application import CreditCode
from shared.models.common import ApiModel, ApplicationStatus
from shared.models.ids import ApplicationId, DepartmentCode, ItemId

# 项目代码 of the national online approval platform: year, area, industry, kind, number.
ProjectCode = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$",
        description="the national platform's project code, e.g. 2026-371700-44-03-012345",
    ),
]
ProjectId = Annotated[str, Field(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")]
Text200 = Annotated[str, Field(min_length=1, max_length=200)]
Username = Annotated[str, Field(min_length=1, max_length=128)]


class ProjectEnterprise(ApiModel):
    name: Text200
    credit_code: CreditCode


class ProjectRequest(ApiModel):
    """A key project as the centre or its steward registers it."""

    project_code: ProjectCode
    name_zh: Text200
    enterprise: ProjectEnterprise
    site: Text200  # the project's location
    investment_wan_yuan: Annotated[int, Field(gt=0, le=100_000_000)]  # 总投资（万元）
    park: Annotated[str, Field(max_length=60)] = ""
    # The steward (a service agent's username); a steward registering it is theirs.
    steward: Username | None = None
    # The construction bundles' situation answers (question key → option value).
    situations: dict[str, Annotated[str, Field(max_length=30)]] = Field(
        default_factory=dict, max_length=20
    )
    operating_items: list[ItemId] = Field(default_factory=list, max_length=30)


class KeyProject(ApiModel):
    project_id: ProjectId
    project_code: ProjectCode
    name_zh: str
    enterprise: ProjectEnterprise
    site: str
    investment_wan_yuan: int
    park: str = ""
    steward: str
    situations: dict[str, str] = Field(default_factory=dict)
    operating_items: list[ItemId] = Field(default_factory=list)
    created_at: datetime
    created_by: str
    # The accounts that filed its cases: the company's own view lists it for them.
    accounts: list[str] = Field(default_factory=list)


class ProjectCase(ApiModel):
    """A case of the project, as its timeline shows it."""

    application_id: ApplicationId
    item_id: ItemId
    item_name_zh: str
    item_name_en: str
    status: ApplicationStatus
    filed_at: datetime
    updated_at: datetime
    linked_at: datetime
    linked_by: str


class ProjectCaseRequest(ApiModel):
    application_id: ApplicationId


LogKind = Literal["visit", "call", "consultation", "remote", "other"]


class LogEntryRequest(ApiModel):
    """One entry of the steward's log (服务日志)."""

    kind: LogKind  # consultation: a joint pre-filing consultation (前置会诊)
    on: date  # the day it happened
    summary: Annotated[str, Field(min_length=2, max_length=2000)]
    departments: list[DepartmentCode] = Field(default_factory=list, max_length=20)
    participants: Annotated[str, Field(max_length=500)] = ""
    # A consultation's conclusion: what the departments agreed the company files, and how.
    conclusion: Annotated[str, Field(max_length=2000)] = ""


class LogEntry(LogEntryRequest):
    entry_id: str
    signed_by: str
    signed_at: datetime
    # SHA-256 of the entry as signed: a later change to it shows.
    digest: str


def entry_digest(entry: LogEntryRequest, project_id: str, signed_by: str, at: datetime) -> str:
    content = {
        "projectId": project_id,
        "signedBy": signed_by,
        "signedAt": at.isoformat(),
        **entry.model_dump(mode="json", by_alias=True),
    }
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# -- The API's views ------------------------------------------------------------------
class ProjectView(ApiModel):
    project_id: ProjectId
    project_code: ProjectCode
    name_zh: str
    enterprise: ProjectEnterprise
    site: str
    investment_wan_yuan: int
    park: str
    steward: str
    situations: dict[str, str]
    operating_items: list[ItemId]
    created_at: datetime
    created_by: str
    # From its cases and the roadmap (shared/domain/roadmap.py)
    lifecycle: Literal["planning", "construction", "operating", "dormant", "exiting", "exited"]
    next_stage: str | None = None


class ProjectSummary(ApiModel):
    project_id: ProjectId
    project_code: ProjectCode
    name_zh: str
    enterprise: ProjectEnterprise
    park: str
    steward: str
    created_at: datetime


class ProjectPage(ApiModel):
    items: list[ProjectSummary]
    next_cursor: str | None = None


class ProjectCasePage(ApiModel):
    items: list[ProjectCase]
    next_cursor: str | None = None


class LogPage(ApiModel):
    items: list[LogEntry]
    next_cursor: str | None = None


class RoadmapItemView(ApiModel):
    item_id: ItemId
    name_zh: str
    name_en: str
    state: Literal["done", "running", "refused", "not_filed"]
    promised_days: int
    departments: list[DepartmentCode]
    waits_for: list[ItemId]
    application_id: ApplicationId | None = None


class RoadmapStageView(ApiModel):
    key: str
    name_zh: str
    name_en: str
    state: Literal["done", "running", "next", "later", "as_needed", "not_applicable"]
    bundle_id: str | None = None
    items: list[RoadmapItemView]
    departments: list[DepartmentCode]
    days: int  # working days along the stage's critical path
    days_left: int
    prerequisite: str | None = None
    # When its last case concluded, for a done stage (its milestone)
    concluded_at: datetime | None = None


class RoadmapView(ApiModel):
    project_id: ProjectId
    lifecycle: Literal["planning", "construction", "operating", "dormant", "exiting", "exited"]
    stages: list[RoadmapStageView]
    # Working days still ahead along the sequential stages (construction, then licences)
    critical_path_days: int
