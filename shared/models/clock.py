"""A case's two clocks (promised 承诺时限 and statutory 法定时限) as the header stores them.

Both start at acceptance and count working days (shared/domain/workdays.py). What stops
them and what extends them is kept as history, never overwritten: each pause (a special
procedure that §45 of the licensing law leaves out of the limit; later, a supplement asked
for mid-approval) with who started and ended it, and each extension (延期) with its reason.
The deadlines and the remaining days are computed from this history
(shared/domain/clock.py), so the history is the only truth.
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from shared.models.common import ApiModel, MissingItem, SpecialProcedureKind
from shared.models.ids import DepartmentCode

MAX_PAUSES = 12
Reason = Annotated[str, Field(min_length=1, max_length=1000)]
PauseId = Annotated[str, Field(pattern=r"^P[1-9][0-9]?$")]


class ClockPause(ApiModel):
    """A span the clocks do not count (a special procedure that counts toward the limit is
    recorded the same way, with `stops_clock` false)."""

    pause_id: PauseId
    # A special procedure (§45), or a supplement a department asked of the applicant
    # mid-approval (退回补正), which waits on the applicant.
    kind: Literal["special_procedure", "supplement"]
    procedure: SpecialProcedureKind | None = None  # a special procedure's
    missing: list[MissingItem] = Field(default_factory=list, max_length=60)  # a supplement's
    department: DepartmentCode
    reason: Reason
    stops_clock: bool = True
    limit_days: Annotated[int, Field(ge=1, le=365)]  # working days the procedure may take
    started_at: datetime
    started_by: str
    due_at: datetime  # the end of its own limit
    ended_at: datetime | None = None
    ended_by: str | None = None
    outcome: Annotated[str, Field(max_length=1000)] = ""

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class ClockExtension(ApiModel):
    """延期: granted once by the lead department, within the law's limit, with a reason
    given to the applicant."""

    days: Annotated[int, Field(ge=1, le=30)]
    reason: Reason
    department: DepartmentCode
    granted_at: datetime
    granted_by: str


class CaseClock(ApiModel):
    started_at: datetime  # acceptance
    promised_days: Annotated[int, Field(ge=0, le=365)]
    statutory_days: Annotated[int, Field(ge=0, le=365)]
    # The most an extension may add: 10 working days, 15 for a case several departments
    # handle jointly (§42).
    max_extension_days: Annotated[int, Field(ge=0, le=30)]
    # 电子监察: the yellow warning, working days before the promised deadline (the item's).
    warning_days: Annotated[int, Field(ge=0, le=10)] = 2
    # Bounded: the header is read with every case, and the law allows one extension.
    pauses: list[ClockPause] = Field(default_factory=list, max_length=MAX_PAUSES)
    extensions: list[ClockExtension] = Field(default_factory=list, max_length=1)

    @property
    def extension_days(self) -> int:
        return sum(e.days for e in self.extensions)

    @property
    def open_pauses(self) -> list[ClockPause]:
        return [p for p in self.pauses if p.is_open and p.stops_clock]

    @property
    def open_supplement(self) -> ClockPause | None:
        return next((p for p in self.open_pauses if p.kind == "supplement"), None)

    @property
    def is_paused(self) -> bool:
        return bool(self.open_pauses)

    def pause(self, pause_id: str) -> ClockPause | None:
        return next((p for p in self.pauses if p.pause_id == pause_id), None)

    def next_pause_id(self) -> str:
        return f"P{len(self.pauses) + 1}"
