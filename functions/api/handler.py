"""API Gateway REST proxy → Powertools resolver."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.api import access_log, dependencies
from functions.api.app import app
from shared.acting import acting
from shared.observability import logger, metrics

dependencies.prepare()


# clear_state: the keys one request appends must not name a case on the next one's lines.
@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    access_log.start(event)
    with acting(dependencies.request_actor(event)):
        response = app.resolve(event, context)
    access_log.finish(event, response)
    return response
