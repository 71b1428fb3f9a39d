"""API Gateway REST proxy → Powertools resolver."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.api import dependencies
from functions.api.app import app
from shared.acting import acting
from shared.observability import logger, metrics

dependencies.prepare()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    with acting(dependencies.request_actor(event)):
        return app.resolve(event, context)
