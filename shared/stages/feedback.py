"""Stage 5, feedback: the case is concluded and the applicant is invited to rate it (好差评)."""

from typing import Any

from shared.models.application import Application
from shared.models.common import ApplicationStatus, Stage
from shared.ports.applications import ApplicationRepository
from shared.stages.common import SYSTEM, mutate


def invite_rating(application_id: str, cases: ApplicationRepository) -> dict[str, Any]:
    def conclude(case: Application) -> None:
        if case.status is ApplicationStatus.COMPLETED:
            return
        case.record(
            Stage.FEEDBACK,
            "rating_invited",
            SYSTEM,
            f"POST /applications/{application_id}/feedback with a rating of 1-5",
        )
        case.move_to(ApplicationStatus.COMPLETED, Stage.FEEDBACK, SYSTEM)

    mutate(cases, application_id, conclude)
    return {"applicationId": application_id, "status": ApplicationStatus.COMPLETED.value}
