"""A stage failed for good: mark the case FAILED with the reason, visibly."""

import json
from typing import Any

from shared.adapters.repository import Repository
from shared.models.application import Application
from shared.models.common import ApplicationStatus, Stage
from shared.stages.common import SYSTEM, mutate


def describe_error(error: dict[str, Any] | None) -> str:
    """Step Functions' Catch gives {Error, Cause}; a Lambda's Cause is its JSON error. Only
    the type and message are kept: no stack traces on a citizen's timeline."""
    if not error:
        return "unknown error"
    name = str(error.get("Error", "Error"))
    cause = error.get("Cause") or ""
    try:
        parsed = json.loads(cause)
        message = parsed.get("errorMessage", "") if isinstance(parsed, dict) else str(parsed)
    except (TypeError, ValueError):
        message = str(cause)
    return f"{name}: {message}"[:500] if message else name


def record_failure(
    application_id: str, error: dict[str, Any] | None, repo: Repository
) -> dict[str, Any]:
    reason = describe_error(error)

    def fail(case: Application) -> None:
        case.failure_reason = reason
        for review in case.reviews.values():
            if review.status == "PENDING":
                review.status = "EXPIRED"
        case.move_to(ApplicationStatus.FAILED, Stage.WORKFLOW, SYSTEM, reason)

    failed, _ = mutate(repo, application_id, fail)
    _withdraw_pending_tasks(failed, repo)
    return {"applicationId": application_id, "status": ApplicationStatus.FAILED.value}


def _withdraw_pending_tasks(case: Application, repo: Repository) -> None:
    """A failed case's reviews leave the departments' inboxes: nobody can answer them now."""
    for review in case.reviews.values():
        task = repo.get_task(review.task_id)
        if task is not None and task.status == "PENDING":
            task.status = "EXPIRED"
            repo.save_task(task)
