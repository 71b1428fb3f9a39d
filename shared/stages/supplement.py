"""The wait for a supplement (补正): park the token, or close the case when it times out."""

from typing import Any

from shared.errors import StageError
from shared.models.application import Application
from shared.models.common import ApplicationStatus, Stage
from shared.ports.applications import ApplicationRepository
from shared.stages.common import SYSTEM, mutate

SUPPLEMENT_TOKEN = "supplementToken"


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
