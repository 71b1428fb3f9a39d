"""The deadlines sweep, on a schedule: reviews past their due time are marked overdue."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import prime
from shared.adapters.repository import DynamoRepository
from shared.models.application import (
    Application,
    ApplicationSummary,
    MaterialRecord,
    Review,
    TimelineEvent,
)
from shared.models.common import build_models, utc_now
from shared.observability import logger, metrics
from shared.stages.deadlines import mark_overdue_reviews

# At init, where Lambda gives a full core (shared/models/common.py, build_models): the
# client (each operation it makes readied) and the models a sweep reads when it finds a review late.
prime("dynamodb", "Query", "TransactWriteItems")
build_models(Application, ApplicationSummary, MaterialRecord, Review, TimelineEvent)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    repository = DynamoRepository()
    report = mark_overdue_reviews(utc_now(), repository, repository)
    for review in report.marked:
        # The alert, until the clock issue's warnings: a log line and a metric per late task.
        logger.warning(
            "review overdue",
            extra={
                "applicationId": review.application_id,
                "department": review.department,
                "role": review.role.value,
                "dueAt": review.due_at.isoformat(),
            },
        )
    metrics.add_metric(name="ReviewsOverdue", unit=MetricUnit.Count, value=len(report.marked))
    return {"marked": len(report.marked), "skipped": report.skipped}
