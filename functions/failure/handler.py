"""Marks a case FAILED when a stage failed after its retries (the workflow then fails)."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.repository import DynamoRepository
from shared.models.events import FailureEvent
from shared.observability import logger, metrics
from shared.stages.failure import record_failure


@logger.inject_lambda_context(correlation_id_path="applicationId")
@metrics.log_metrics
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = FailureEvent.model_validate(raw)
    logger.error("stage failed", extra={"error": event.error})
    metrics.add_metric(name="CasesFailed", unit=MetricUnit.Count, value=1)
    repository = DynamoRepository()
    return record_failure(event.application_id, event.error, repository, repository)
