"""The waits of acceptance: for the applicant's supplement (补正: park the token, or close
the case when it times out) and for a window clerk (前台受理: park the token, or accept the
case by law when nobody decided in time)."""

from datetime import timedelta
from typing import Any

from shared.errors import StageError
from shared.models.application import Application, ClerkDecision
from shared.models.common import ApplicationStatus, Stage, utc_now
from shared.ports.applications import ApplicationRepository
from shared.stages.common import SYSTEM, mutate

SUPPLEMENT_TOKEN = "supplementToken"
WINDOW_TOKEN = "windowToken"
COMMITMENT_TOKEN = "commitmentToken"


def await_supplement(
    application_id: str, task_token: str, cases: ApplicationRepository
) -> dict[str, Any]:
    """Stores the token that the applicant's resubmission will answer."""

    def check(case: Application) -> None:
        if case.status is not ApplicationStatus.RETURNED:
            raise StageError(f"application {application_id} is {case.status}, not RETURNED")
        case.record(Stage.ACCEPTANCE, "awaiting_supplement", SYSTEM)

    mutate(cases, application_id, check, tokens={SUPPLEMENT_TOKEN: task_token})
    return {"applicationId": application_id}


def expire_supplement(application_id: str, cases: ApplicationRepository) -> dict[str, Any]:
    """No supplement in time: the application is deemed withdrawn and not accepted."""

    def close(case: Application) -> None:
        if case.status is ApplicationStatus.NOT_ACCEPTED:
            return
        reason = "no supplement received within the time allowed; deemed withdrawn"
        if case.acceptance is not None:
            case.acceptance.outcome = "NOT_ACCEPTED"
            case.acceptance.reasons = [reason]
        case.move_to(ApplicationStatus.NOT_ACCEPTED, Stage.ACCEPTANCE, SYSTEM, reason)

    mutate(cases, application_id, close, tokens={SUPPLEMENT_TOKEN: None})
    return {"applicationId": application_id, "outcome": "NOT_ACCEPTED"}


def await_clerk(
    application_id: str, task_token: str, cases: ApplicationRepository
) -> dict[str, Any]:
    """Parks a complete case in the window queue with the token the clerk's decision
    answers (POST /window/tasks/{taskId}/decision)."""

    def queue(case: Application) -> None:
        if case.status is not ApplicationStatus.SUBMITTED:
            raise StageError(f"application {application_id} is {case.status}, not SUBMITTED")
        if case.at_window_since is None:  # a retried invocation records it once
            case.at_window_since = utc_now()
            case.record(Stage.ACCEPTANCE, "at_window", SYSTEM, "waiting for a window clerk")

    mutate(cases, application_id, queue, tokens={WINDOW_TOKEN: task_token})
    return {"applicationId": application_id}


def deem_accepted(application_id: str, cases: ApplicationRepository) -> dict[str, Any]:
    """No clerk decided in time: the application is accepted by law (§32); acceptance then
    carries that out as it would a clerk's."""

    def deem(case: Application) -> None:
        if case.clerk_decision is not None or case.status is not ApplicationStatus.SUBMITTED:
            return  # a clerk's decision crossed the timeout: it stands
        case.clerk_decision = ClerkDecision(
            outcome="accept", decided_by=SYSTEM, decided_at=utc_now(), deemed=True
        )
        case.record(
            Stage.ACCEPTANCE,
            "deemed_accepted",
            SYSTEM,
            "no acceptance decision within 5 working days: accepted by law (§32)",
        )

    mutate(cases, application_id, deem, tokens={WINDOW_TOKEN: None})
    return {"applicationId": application_id}


def await_commitment(
    application_id: str, task_token: str, cases: ApplicationRepository
) -> dict[str, Any]:
    """Keeps the token the applicant's submission of the committed materials answers."""

    def check(case: Application) -> bool:
        if case.status is not ApplicationStatus.IN_APPROVAL or case.commitment is None:
            raise StageError(f"application {application_id} awaits no commitment")
        if not case.commitment.is_open:
            return True  # the materials came in before this wait began
        case.record(
            Stage.ISSUANCE,
            "awaiting_commitment",
            SYSTEM,
            "approved; the result is issued once the committed materials are in",
        )
        return False

    _, fulfilled = mutate(cases, application_id, check, tokens={COMMITMENT_TOKEN: task_token})
    return {"applicationId": application_id, "fulfilled": fulfilled}


def break_commitment(
    application_id: str, bar_days: int, cases: ApplicationRepository
) -> dict[str, Any]:
    """The committed materials did not come in time: the case ends as a broken commitment,
    the applicant is told on its timeline, and 容缺 is not offered to them for `bar_days`."""
    now = utc_now()

    def end(case: Application) -> Application:
        commitment = case.commitment
        if case.status is ApplicationStatus.COMMITMENT_BROKEN or commitment is None:
            return case
        commitment.broken_at = now
        case.move_to(
            ApplicationStatus.COMMITMENT_BROKEN,
            Stage.ISSUANCE,
            SYSTEM,
            f"the committed materials ({', '.join(commitment.materials)}) were not supplied "
            f"by {commitment.due_at}; the case ends and 容缺 is not offered to the applicant "
            f"for {bar_days} days",
        )
        return case

    saved, _ = mutate(cases, application_id, end, tokens={COMMITMENT_TOKEN: None})
    cases.bar_commitments(saved.applicant_key, now + timedelta(days=bar_days), application_id)
    return {"applicationId": application_id, "outcome": "COMMITMENT_BROKEN"}
