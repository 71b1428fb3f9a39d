"""The published performance figures as the API answers them (GET /stats/items and
GET /stats/departments); how they are counted is in shared/domain/stats.py."""

from datetime import datetime
from typing import Annotated

from pydantic import Field

from shared.models.common import ApiModel

# "all", or one month as YYYY-MM (Asia/Shanghai).
PERIOD_PATTERN = r"^(all|[0-9]{4}-(0[1-9]|1[0-2]))$"
Period = Annotated[str, Field(pattern=PERIOD_PATTERN)]


class _Timing(ApiModel):
    on_time: int = Field(description="Decisions made within their time limit")
    on_time_rate: float | None = Field(
        default=None, description="on time / decisions whose time is known, 0 to 1"
    )
    average_working_days: float | None = Field(
        default=None, description="Working days a decision took on average, pauses excluded"
    )
    overdue_now: int | None = Field(
        default=None, description="Late right now (period `all` only: a current figure)"
    )
    updated_at: datetime | None = None


class ItemFigures(_Timing):
    item_id: str
    name_zh: str = ""
    name_en: str = ""
    lead_department: str = ""
    accepted: int = Field(description="Cases accepted (受理)")
    not_accepted: int = Field(description="Cases refused at acceptance (不予受理)")
    concluded: int = Field(description="Cases decided after approval (办结)")
    approved: int
    rejected: int


class DepartmentFigures(_Timing):
    department: str
    name_zh: str = ""
    name_en: str = ""
    decided: int = Field(description="Reviews the department decided")
    approved: int
    rejected: int


class ItemFiguresPage(ApiModel):
    period: Period
    items: list[ItemFigures]
    next_cursor: str | None = None


class DepartmentFiguresPage(ApiModel):
    period: Period
    items: list[DepartmentFigures]
    next_cursor: str | None = None
