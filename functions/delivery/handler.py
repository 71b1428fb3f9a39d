"""Stage 4: delivery by mail, pickup or electronic download."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.courier import courier_for
from shared.adapters.repository import DynamoRepository
from shared.models.events import StageEvent
from shared.observability import logger, metrics
from shared.settings import get_settings
from shared.stages.delivery import deliver_result


@logger.inject_lambda_context(correlation_id_path="applicationId")
@metrics.log_metrics
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = StageEvent.model_validate(raw)
    settings = get_settings()
    return deliver_result(
        event.application_id,
        DynamoRepository(),
        courier_for(settings.courier),
        settings.electronic_delivery_days,
    )
