"""Published performance figures (政务服务效能), tallied one change at a time.

A change is a case's header or a department's review before and after one write (the main
table's stream), so the figures never need the cases read back.

Per item, from the case headers:
- accepted: entered approval (受理); not accepted: refused at acceptance (不予受理);
- concluded (办结): decided, approved or rejected, after approval;
- on time: concluded within the promised limit (承诺时限, pauses and extensions counted);
- working days: the promised clock's count from acceptance to the decision, less pauses;
- overdue now: in approval past a review's due time (a current figure, not a count).

Per department, from its reviews: decided (approved or rejected), on time (by the task's
own due time), working days from the task's arrival to its decision less the case's
pauses, and overdue now (pending past the due time).

Counts are kept for all time and per month (Asia/Shanghai) of when they happened; the
current figures for all time only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from shared.domain.clock import promised, working_days_used
from shared.domain.workdays import local_date
from shared.models.application import Review
from shared.models.clock import CaseClock
from shared.models.common import ApiModel, ApplicationStatus

StatsScope = Literal["item", "department"]
ALL_TIME = "all"
# Besides the figures' own counters, a row keeps `timed`, the decisions whose time is known
# (the rates' denominator), and `workingDays`, their days added up.

# Leaving approval decided: issuance may write the approval and the issue as one change.
_DECIDED = {
    ApplicationStatus.APPROVED: "approved",
    ApplicationStatus.ISSUED: "approved",
    ApplicationStatus.REJECTED: "rejected",
}


class CaseFacts(ApiModel):
    """What the figures read of a case's header (the stored document, camelCase)."""

    item_id: str
    status: ApplicationStatus = ApplicationStatus.DRAFT
    clock: CaseClock | None = None
    overdue_since: datetime | None = None
    updated_at: datetime

    @property
    def is_overdue(self) -> bool:
        return self.status is ApplicationStatus.IN_APPROVAL and self.overdue_since is not None


@dataclass(frozen=True)
class Tally:
    """What one change adds to the figures of one item or department."""

    scope: StatsScope
    key: str  # the item id or the department code
    month: str  # YYYY-MM in Asia/Shanghai, of when it happened
    counts: Mapping[str, int] = field(default_factory=dict)  # all time and the month
    gauges: Mapping[str, int] = field(default_factory=dict)  # all time only

    @property
    def is_empty(self) -> bool:
        return not any(self.counts.values()) and not any(self.gauges.values())


def month_of(moment: datetime) -> str:
    return local_date(moment).strftime("%Y-%m")


def _gauge(was: bool, now: bool) -> dict[str, int]:
    delta = int(now) - int(was)
    return {"overdueNow": delta} if delta else {}


def case_tally(before: CaseFacts | None, after: CaseFacts | None) -> Tally | None:
    """What a write of a case's header adds to its item's figures (None: nothing)."""
    current = after or before
    if current is None:
        return None
    old = before.status if before else None
    new = after.status if after else None
    counts: dict[str, int] = {}
    if new is ApplicationStatus.IN_APPROVAL and old is not ApplicationStatus.IN_APPROVAL:
        counts["accepted"] = 1
    if new is ApplicationStatus.NOT_ACCEPTED and old is not ApplicationStatus.NOT_ACCEPTED:
        counts["notAccepted"] = 1
    if after and old is ApplicationStatus.IN_APPROVAL and new in _DECIDED:
        counts |= {"concluded": 1, _DECIDED[new]: 1} | _case_time(after)
    gauges = _gauge(bool(before and before.is_overdue), bool(after and after.is_overdue))
    tally = Tally("item", current.item_id, month_of(current.updated_at), counts, gauges)
    return None if tally.is_empty else tally


def _case_time(decided: CaseFacts) -> dict[str, int]:
    clock, at = decided.clock, decided.updated_at
    if clock is None:  # a case decided without a clock has no time to count
        return {}
    on_time = at <= promised(clock, at).deadline_at
    days = working_days_used(clock, clock.started_at, at)
    return {"onTime": int(on_time), "timed": 1, "workingDays": days}


def review_decided(before: Review | None, after: Review | None) -> bool:
    """True when this write is the department's decision (its time needs the case clock)."""
    return (
        after is not None
        and after.decision is not None
        and (before is None or before.decision is None)
    )


def review_tally(
    before: Review | None, after: Review | None, clock: CaseClock | None
) -> Tally | None:
    """What a write of a department's review adds to the department's figures."""
    current = after or before
    if current is None:
        return None
    counts: dict[str, int] = {}
    at = current.created_at
    if after is not None and after.decided_at is not None and review_decided(before, after):
        at = after.decided_at
        counts = {
            "decided": 1,
            after.status.lower(): 1,
            "onTime": int(after.decided_at <= after.due_at),
            "timed": 1,
            "workingDays": working_days_used(clock, after.created_at, after.decided_at),
        }
    gauges = _gauge(_late(before), _late(after))
    tally = Tally("department", current.department, month_of(at), counts, gauges)
    return None if tally.is_empty else tally


def _late(review: Review | None) -> bool:
    return review is not None and review.status == "PENDING" and review.overdue_at is not None


def rates(counters: Mapping[str, int]) -> tuple[float | None, float | None]:
    """The on-time rate (0 to 1) and the average working days of the timed decisions;
    None while there are none."""
    timed = counters.get("timed", 0)
    if timed <= 0:
        return None, None
    on_time = counters.get("onTime", 0) / timed
    return round(on_time, 4), round(counters.get("workingDays", 0) / timed, 1)
