"""The shipped catalog's import at deployment (a CloudFormation custom resource,
shared/services/catalog_resource.py). Outside the state machine and the API: it runs when
the stack is created or updated, never on a request."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.cloudformation import send_response
from shared.adapters.repository import DynamoRepository
from shared.models.events import CustomResourceEvent
from shared.observability import logger
from shared.services.catalog_resource import answer_deployment


@logger.inject_lambda_context(correlation_id_path="RequestId")
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = CustomResourceEvent.model_validate(raw)
    body = answer_deployment(event, DynamoRepository(), send_response)
    logger.info(
        "deployment answered",
        extra={
            "requestType": event.RequestType,
            "status": body["Status"],
            "reason": body["Reason"],
        },
    )
    return body
