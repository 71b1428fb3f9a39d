"""The deadlines sweep, on a schedule: yellow warnings before a promised deadline, red ones
past it (shared/stages/deadlines.py)."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import prime
from shared.adapters.repository import DynamoRepository
from shared.domain.workdays import prepare_calendar
from shared.models.application import (
    Application,
    ApplicationSummary,
    MaterialRecord,
    Review,
    TimelineEvent,
)
from shared.models.common import build_models, utc_now
from shared.observability import logger, metrics
from shared.stages.deadlines import sweep_deadlines

# At init, where Lambda gives a full core (shared/models/common.py, build_models): the
# client (each operation it makes readied) and the models a sweep reads when it finds a review late.
prime("dynamodb", "Query", "TransactWriteItems")
prepare_calendar(utc_now().date())
build_models(Application, ApplicationSummary, MaterialRecord, Review, TimelineEvent)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    repository = DynamoRepository()
    report = sweep_deadlines(utc_now(), repository, repository)
    # Until the notifications issue tells people: a log line and a metric per warning.
    for level, reviews in (("yellow", report.warned), ("red", report.marked)):
        for review in reviews:
            logger.warning(
                "review overdue" if level == "red" else "review due soon",
                extra={
                    "applicationId": review.application_id,
                    "department": review.department,
                    "role": review.role.value,
                    "dueAt": review.due_at.isoformat(),
                    "warning": level,
                },
            )
    metrics.add_metric(name="ReviewsWarned", unit=MetricUnit.Count, value=len(report.warned))
    metrics.add_metric(name="ReviewsOverdue", unit=MetricUnit.Count, value=len(report.marked))
    return {"warned": len(report.warned), "marked": len(report.marked), "skipped": report.skipped}
