"""Stage 4: delivery by mail, pickup or electronic download."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import client
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
from shared.models.events import StageEvent
from shared.observability import logger, metrics
from shared.ports.courier import Shipment, Waybill
from shared.settings import get_settings
from shared.stages.delivery import deliver_result

# Init, not the first call: Lambda runs init at a full core, an invocation at the memory's
# share of one. Creating the client and building the models every call of this stage
# reads (deferred at import, shared/models/common.py) costs the first call ~6x here.
client("dynamodb")
get_settings()
for _model in (
    Application,
    ApplicationSummary,
    DeliveryRecord,
    MaterialRecord,
    ResultRecord,
    Review,
    TimelineEvent,
    Shipment,
    Waybill,
):
    _model.model_rebuild()


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
