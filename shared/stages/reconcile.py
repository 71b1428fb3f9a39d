"""Executions that ended without settling their case: stopped, timed out, or failed where
no Catch could record it (the failure recorder itself failing). EventBridge reports every
such end; the case is marked FAILED with the reason and its pending tasks withdrawn, so
that nothing waits on a workflow that is gone."""

from dataclasses import dataclass
from typing import Any

from shared.domain.status import is_final
from shared.models.common import ApplicationStatus
from shared.ports.applications import ApplicationRepository
from shared.ports.tasks import TaskRepository
from shared.stages.failure import record_failure

# Step Functions' statuses of an execution that ended some other way than by succeeding.
UNSETTLED_ENDS = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})
_CAUSE_LIMIT = 300


@dataclass(frozen=True)
class ExecutionEnd:
    """What EventBridge's "Step Functions Execution Status Change" says of one end."""

    application_id: str
    status: str
    error: str | None = None
    cause: str | None = None


def reconcile_execution(
    end: ExecutionEnd, cases: ApplicationRepository, tasks: TaskRepository
) -> dict[str, Any]:
    """Settles the case of an execution that ended unsettled; a case already final (the
    recorder did its work, or the case concluded) or never submitted is left alone."""
    outcome = {"applicationId": end.application_id, "reconciled": False}
    if end.status not in UNSETTLED_ENDS:
        return outcome
    status = cases.get_status(end.application_id)
    if status is None or is_final(status) or status is ApplicationStatus.DRAFT:
        return outcome
    record_failure(end.application_id, None, cases, tasks, reason=_reason(end))
    return {**outcome, "reconciled": True, "was": status.value}


def _reason(end: ExecutionEnd) -> str:
    ending = {"ABORTED": "was stopped", "TIMED_OUT": "timed out", "FAILED": "failed"}
    text = f"the workflow {ending[end.status]} without settling the case"
    detail = ": ".join(p for p in (end.error, (end.cause or "")[:_CAUSE_LIMIT]) if p)
    return f"{text} ({detail})" if detail else text
