"""Stage 4: delivery by mail, pickup or electronic download."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import prime
from shared.adapters.courier import courier_for
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
from shared.ports.courier import Shipment, Waybill
from shared.settings import get_settings
from shared.stages.delivery import deliver_result

# At init, where Lambda gives a full core (shared/models/common.py, build_models): the
# client (each operation it makes readied) and the models every call of this function reads.
prime("dynamodb", "Query", "TransactWriteItems")
get_settings()
build_models(
    Application,
    ApplicationSummary,
    DeliveryRecord,
    MaterialRecord,
    ResultRecord,
    Review,
    TimelineEvent,
    Shipment,
    Waybill,
)


@logger.inject_lambda_context(correlation_id_path="applicationId", clear_state=True)
@metrics.log_metrics
@logged_step("delivery")
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = StageEvent.model_validate(raw)
    settings = get_settings()
    return deliver_result(
        event.application_id,
        DynamoRepository(),
        courier_for(settings.courier),
        settings.electronic_delivery_days,
    )
