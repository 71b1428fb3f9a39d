"""The waits of acceptance: the supplement's (stores the resubmission's token, or closes a
case nobody supplemented) and the window clerk's (queues the case with its token, or
accepts it by law when nobody decided in time)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import prime
from shared.adapters.repository import DynamoRepository
from shared.models.application import (
    Application,
    ApplicationSummary,
    MaterialRecord,
    TimelineEvent,
)
from shared.models.common import build_models
from shared.models.events import SupplementEvent
from shared.observability import logged_step, logger, metrics
from shared.settings import get_settings
from shared.stages.supplement import (
    await_clerk,
    await_commitment,
    await_supplement,
    break_commitment,
    deem_accepted,
    expire_supplement,
)

# At init, where Lambda gives a full core (shared/models/common.py, build_models): the
# client (each operation it makes readied) and the models every call of this function reads.
prime("dynamodb", "Query", "TransactWriteItems")
build_models(
    Application,
    ApplicationSummary,
    MaterialRecord,
    TimelineEvent,
)


@logger.inject_lambda_context(correlation_id_path="applicationId", clear_state=True)
@metrics.log_metrics
@logged_step("supplement")
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = SupplementEvent.model_validate(raw)
    repository = DynamoRepository()
    if event.action == "await_clerk" and event.task_token:
        return await_clerk(event.application_id, event.task_token, repository)
    if event.action == "deem_accepted":
        return deem_accepted(event.application_id, repository)
    if event.action == "await_commitment" and event.task_token:
        output = await_commitment(event.application_id, event.task_token, repository)
        if output["fulfilled"]:  # nobody else will answer this wait: answer it now
            from shared.adapters.workflow import answer_token

            answer_token(event.task_token, {"applicationId": event.application_id})
        return output
    if event.action == "break_commitment":
        bar_days = get_settings().commitment_bar_days
        return break_commitment(event.application_id, bar_days, repository)
    if event.action == "await" and event.task_token:
        return await_supplement(event.application_id, event.task_token, repository)
    return expire_supplement(event.application_id, repository)
