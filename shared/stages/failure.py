"""A stage failed for good: mark the case FAILED with the reason, visibly."""

import json
from typing import Any

from shared.domain.status import is_final
from shared.models.application import Application
from shared.models.common import ApplicationStatus, Stage
from shared.ports.applications import ApplicationRepository
from shared.ports.tasks import TaskRepository
from shared.stages.common import SYSTEM, mutate
from shared.stages.supplement import SUPPLEMENT_TOKEN


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


REVIEW_BOUND_EXPIRED = "ReviewBoundExpired"  # the Fail state's error in the state machine


def record_failure(
    application_id: str,
    error: dict[str, Any] | None,
    cases: ApplicationRepository,
    tasks: TaskRepository,
    *,
    reason: str | None = None,
) -> dict[str, Any]:
    """Withdraws the case's pending reviews, then marks it FAILED with the reason (the
    supplement token goes too: a failed case cannot be resubmitted)."""
    current = cases.get_application(application_id)
    reason = reason or _reason(current, error)
    if current is not None:
        # First, while the case is still in approval: a review withdrawn cannot be decided,
        # so no decision lands on a case that has failed.
        for review in current.reviews.values():
            if review.status == "PENDING":
                tasks.withdraw_review(review)

    def fail(case: Application) -> None:
        if is_final(case.status):
            # Retried after it was recorded, or a stage failing once the case had ended:
            # the status stands and the failure is still on the timeline.
            if case.status is not ApplicationStatus.FAILED:
                case.record(Stage.WORKFLOW, "stage_failed_after_conclusion", SYSTEM, reason)
            return
        case.failure_reason = reason
        for review in case.reviews.values():
            if review.status == "PENDING":
                review.status = "EXPIRED"
        case.move_to(ApplicationStatus.FAILED, Stage.WORKFLOW, SYSTEM, reason)

    mutate(cases, application_id, fail, loaded=current, tokens={SUPPLEMENT_TOKEN: None})
    return {"applicationId": application_id, "status": ApplicationStatus.FAILED.value}


def _reason(application: Application | None, error: dict[str, Any] | None) -> str:
    if application is None or not error or error.get("Error") != REVIEW_BOUND_EXPIRED:
        return describe_error(error)
    undecided = [d for d, r in sorted(application.reviews.items()) if r.status == "PENDING"]
    acceptance = application.acceptance
    bound = acceptance.review_bound_at if acceptance else None
    when = f" by {bound.isoformat()}" if bound else ""
    who = ", ".join(undecided) or "a department"
    return f"no decision from {who}{when} (the statutory limit plus the margin)"
