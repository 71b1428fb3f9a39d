"""The published figures' store, and what tallying a review needs of its case."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.domain.stats import StatsScope, Tally
from shared.models.clock import CaseClock
from shared.ports.page import Page


@dataclass(frozen=True)
class StatsRow:
    """One item's or department's counters for one period."""

    key: str
    period: str
    counters: dict[str, int]
    updated_at: datetime | None


class StatsLedger(Protocol):
    def apply(self, event_id: str, tally: Tally) -> bool:
        """Adds the tally once per stream event, all or nothing: False when that event was
        tallied already (a batch delivered again)."""
        ...

    def rows(
        self, scope: StatsScope, period: str, limit: int, cursor: str | None
    ) -> Page[StatsRow]:
        """One page of a period's rows, by item id or department code."""
        ...


class CaseClocks(Protocol):
    def case_clock(self, application_id: str) -> CaseClock | None:
        """The case's clock as its header holds it (None: not started, or no such case)."""
        ...
