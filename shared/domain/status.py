"""The one table of allowed status transitions of a case, enforced by `Application.move_to`.

```
DRAFT ─submit─▶ SUBMITTED ─accept─▶ IN_APPROVAL ─all approve─▶ APPROVED ─▶ ISSUED ─┐
  ▲                │ │ ▲                 └─any rejects─▶ REJECTED ──────────────────┤
  └─start failed───┘ │ └─resubmit── RETURNED ◀─return for supplement─┐             ▼
                     ├───────────────────────────────────────────────┘         DELIVERED
                     └─not accepted─▶ NOT_ACCEPTED ◀─supplement expired            │
any status that is not final ─a stage failed for good─▶ FAILED       COMPLETED ◀──┘
```
"""

from shared.errors import Conflict
from shared.models.common import ApplicationStatus as S

_FINAL = frozenset({S.NOT_ACCEPTED, S.COMPLETED, S.COMMITMENT_BROKEN, S.FAILED})

TRANSITIONS: dict[S, frozenset[S]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    # Back to DRAFT when the workflow could not be started: the applicant submits again.
    S.SUBMITTED: frozenset({S.IN_APPROVAL, S.RETURNED, S.NOT_ACCEPTED, S.DRAFT}),
    # Back to RETURNED when a resubmission could not reach the waiting workflow.
    S.RETURNED: frozenset({S.SUBMITTED, S.NOT_ACCEPTED}),
    # COMMITMENT_BROKEN: accepted on a commitment (容缺) whose materials never came.
    S.IN_APPROVAL: frozenset({S.APPROVED, S.REJECTED, S.COMMITMENT_BROKEN}),
    S.APPROVED: frozenset({S.ISSUED}),
    S.REJECTED: frozenset({S.DELIVERED}),
    S.ISSUED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.COMPLETED}),
    S.NOT_ACCEPTED: frozenset(),
    S.COMPLETED: frozenset(),
    S.COMMITMENT_BROKEN: frozenset(),
    S.FAILED: frozenset(),
}
# A stage may fail for good wherever the case is still open.
for _status in TRANSITIONS:
    if _status not in _FINAL:
        TRANSITIONS[_status] = TRANSITIONS[_status] | {S.FAILED}


# The statuses someone watches by due time: the clocks of approval and of a supplement,
# a submission acceptance has not picked up, and failures for ops. Only these are in the
# status index (GSI2); the others are reached through their owner or their item.
WATCHED = frozenset({S.SUBMITTED, S.RETURNED, S.IN_APPROVAL, S.FAILED})


class InvalidTransition(Conflict):
    """The case cannot move from its status to the one asked for."""


def is_final(status: S) -> bool:
    return status in _FINAL


def can_move(current: S, target: S) -> bool:
    return target in TRANSITIONS[current]


def require_transition(current: S, target: S) -> None:
    if not can_move(current, target):
        raise InvalidTransition(
            f"a case that is {current.value} cannot become {target.value}", field="status"
        )
