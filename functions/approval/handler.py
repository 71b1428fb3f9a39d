"""Stage 2, back-end approval: one department's review, parked in its inbox until staff decide."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import prime
from shared.adapters.repository import DynamoRepository
from shared.domain.workdays import prepare_calendar
from shared.models.application import Application, MaterialRecord, Review
from shared.models.common import build_models, utc_now
from shared.models.events import ReviewEvent
from shared.observability import logged_step, logger, metrics
from shared.stages.approval import open_review

# At init, where Lambda gives a full core (shared/models/common.py, build_models): the
# client (each operation it makes readied) and the models every call of this function reads.
prime("dynamodb", "Query", "PutItem")
prepare_calendar(utc_now().date())
build_models(Application, MaterialRecord, Review)


@logger.inject_lambda_context(correlation_id_path="applicationId", clear_state=True)
@metrics.log_metrics
@logged_step("approval")
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = ReviewEvent.model_validate(raw)
    repository = DynamoRepository()
    return open_review(
        event.application_id,
        event.department,
        event.role.value,
        event.task_token,
        repository,
        repository,
    )
