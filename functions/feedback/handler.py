"""Stage 5: conclude the case and invite the applicant to rate it."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import prime
from shared.adapters.repository import DynamoRepository
from shared.models.application import (
    Application,
    ApplicationSummary,
    DeliveryRecord,
    MaterialRecord,
    ResultRecord,
    Review,
    TimelineEvent,
)
from shared.models.common import build_models
from shared.models.events import StageEvent
from shared.observability import logged_step, logger, metrics
from shared.stages.feedback import invite_rating

# At init, where Lambda gives a full core (shared/models/common.py, build_models): the
# client (each operation it makes readied) and the models every call of this function reads.
prime("dynamodb", "Query", "TransactWriteItems")
build_models(
    Application,
    ApplicationSummary,
    DeliveryRecord,
    MaterialRecord,
    ResultRecord,
    Review,
    TimelineEvent,
)


@logger.inject_lambda_context(correlation_id_path="applicationId", clear_state=True)
@metrics.log_metrics
@logged_step("feedback")
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = StageEvent.model_validate(raw)
    return invite_rating(event.application_id, DynamoRepository())
