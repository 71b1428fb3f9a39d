"""Stage 1: front-end acceptance."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import prime
from shared.adapters.repository import DynamoRepository
from shared.domain.workdays import prepare_calendar
from shared.models.application import (
    AcceptanceRecord,
    Application,
    ApplicationSummary,
    MaterialRecord,
    ReviewAssignment,
    TimelineEvent,
)
from shared.models.catalog import CatalogItem
from shared.models.common import build_models, utc_now
from shared.models.events import AcceptanceEvent
from shared.observability import logged_step, logger, metrics
from shared.settings import get_settings
from shared.stages.acceptance import run_acceptance

# At init, where Lambda gives a full core (shared/models/common.py, build_models): the
# client (each operation it makes readied) and the models every call of this function reads.
prime("dynamodb", "Query", "GetItem", "TransactWriteItems")
get_settings()
prepare_calendar(utc_now().date())
build_models(
    AcceptanceRecord,
    Application,
    ApplicationSummary,
    MaterialRecord,
    ReviewAssignment,
    TimelineEvent,
    CatalogItem,
)


@logger.inject_lambda_context(correlation_id_path="applicationId", clear_state=True)
@metrics.log_metrics
@logged_step("acceptance")
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = AcceptanceEvent.model_validate(raw)
    settings = get_settings()
    repository = DynamoRepository()
    output = run_acceptance(
        event.application_id,
        repository,
        repository,
        settings.supplement_wait_days,
        settings.review_margin_days,
        event.execution_started_at,
        certificates=repository,
    )
    metrics.add_metric(
        name=f"Acceptance{output['outcome'].title().replace('_', '')}",
        unit=MetricUnit.Count,
        value=1,
    )
    return output
