"""Stage 3: unified issuance."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import prime
from shared.adapters.documents import S3DocumentStore
from shared.adapters.repository import DynamoRepository
from shared.domain.issuance import prepare_renderer
from shared.models.application import (
    Application,
    ApplicationSummary,
    MaterialRecord,
    ResultRecord,
    Review,
    TimelineEvent,
)
from shared.models.catalog import CatalogItem, Department
from shared.models.common import build_models
from shared.models.events import StageEvent
from shared.names import AWAITING_COMMITMENT_METRIC
from shared.observability import logged_step, logger, metrics
from shared.stages.issuance import AwaitingCommitment, issue_result

# At init, where Lambda gives a full core (shared/models/common.py, build_models): the
# clients (each operation they make readied), the models every call of this function
# reads, and the PDF renderer.
prime("dynamodb", "Query", "GetItem", "PutItem", "TransactWriteItems")
prime("s3", "HeadObject", "PutObject")
build_models(
    Application,
    ApplicationSummary,
    MaterialRecord,
    ResultRecord,
    Review,
    TimelineEvent,
    CatalogItem,
    Department,
)
prepare_renderer()


@logger.inject_lambda_context(correlation_id_path="applicationId", clear_state=True)
@metrics.log_metrics
@logged_step("issuance")
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = StageEvent.model_validate(raw)
    repository = DynamoRepository()
    try:
        output = issue_result(
            event.application_id, repository, repository, repository, S3DocumentStore()
        )
    except AwaitingCommitment:
        # Not a fault: the state machine catches it and waits for the promised material
        # (README, 容缺受理). Counted, so the function's errors alarm leaves it out.
        metrics.add_metric(name=AWAITING_COMMITMENT_METRIC, unit=MetricUnit.Count, value=1)
        raise
    metrics.add_metric(name=f"Issued{output['outcome'].title()}", unit=MetricUnit.Count, value=1)
    return output
