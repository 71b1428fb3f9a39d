"""The user pool's post-confirmation trigger: a citizen who confirmed their sign-up joins
the `citizen` group (shared/stages/signup.py). Cognito wants the event back unchanged."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import prime
from shared.adapters.cognito import CognitoGroups
from shared.observability import logger, metrics
from shared.stages.signup import Confirmation, on_confirmation

# At init, where Lambda gives a full core: the client and its one operation (shared/
# adapters/aws.py, prime). The citizen confirming their sign-up waits on this trigger, and
# on first use at 256 MB's share of a core the client cost ~60 ms of CPU, ~400 ms of wait.
prime("cognito-idp", "AdminAddUserToGroup")


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    confirmation = Confirmation.from_event(event)
    group = on_confirmation(confirmation, CognitoGroups())
    logger.info(
        "sign-up confirmed" if group else "confirmation ignored",
        extra={"triggerSource": confirmation.trigger_source, "group": group},
    )
    if group:
        metrics.add_metric(name="CitizensSignedUp", unit=MetricUnit.Count, value=1)
    return event
