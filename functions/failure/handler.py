"""Marks a case FAILED when a stage failed after its retries (the workflow then fails)."""

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
from shared.models.common import build_models
from shared.models.events import FailureEvent
from shared.observability import logged_step, logger, metrics
from shared.stages.failure import record_failure

# At init, where Lambda gives a full core (shared/models/common.py, build_models): the
# client (each operation it makes readied) and the models every call of this function reads.
prime("dynamodb", "Query", "UpdateItem", "TransactWriteItems")
build_models(Application, ApplicationSummary, MaterialRecord, Review, TimelineEvent)


@logger.inject_lambda_context(correlation_id_path="applicationId", clear_state=True)
@metrics.log_metrics
@logged_step("failure")
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = FailureEvent.model_validate(raw)
    logger.error("stage failed", extra={"error": event.error})
    metrics.add_metric(name="CasesFailed", unit=MetricUnit.Count, value=1)
    repository = DynamoRepository()
    return record_failure(event.application_id, event.error, repository, repository)
