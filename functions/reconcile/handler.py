"""Reconciles executions that ended without settling their case (EventBridge, via SQS).

Each SQS record holds one "Step Functions Execution Status Change" event. A record that
fails is reported back alone (Powertools' partial batch response) and retried, then
dead-lettered.
"""

import json
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import prime
from shared.adapters.repository import DynamoRepository
from shared.models.application import (
    Application,
    ApplicationSummary,
    MaterialRecord,
    Review,
    TimelineEvent,
)
from shared.models.common import build_models
from shared.models.ids import is_application_id
from shared.observability import logger, metrics
from shared.stages.reconcile import ExecutionEnd, reconcile_execution

processor = BatchProcessor(event_type=EventType.SQS)


# At init, where Lambda gives a full core (shared/models/common.py, build_models): the
# client (each operation it makes readied) and the models every call of this function reads.
prime("dynamodb", "GetItem", "Query", "UpdateItem", "TransactWriteItems")
build_models(Application, ApplicationSummary, MaterialRecord, Review, TimelineEvent)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(raw: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=raw, record_handler=reconcile_record, processor=processor, context=context
    )


def reconcile_record(record: SQSRecord) -> None:
    end = execution_end(json.loads(record.body))
    if end is None:
        return
    repository = DynamoRepository()
    outcome = reconcile_execution(end, repository, repository)
    if outcome["reconciled"]:
        logger.warning("execution reconciled", extra={**outcome, "status": end.status})
        metrics.add_metric(name="ExecutionsReconciled", unit=MetricUnit.Count, value=1)


def execution_end(event: dict[str, Any]) -> ExecutionEnd | None:
    """The end an EventBridge event reports; None for what is not a case's execution."""
    detail = event.get("detail") or {}
    name = str(detail.get("name", ""))  # executions are named by their case
    if not is_application_id(name):
        logger.warning("not a case's execution", extra={"executionName": name[:100]})
        return None
    return ExecutionEnd(
        application_id=name,
        status=str(detail.get("status", "")),
        error=detail.get("error"),
        cause=detail.get("cause"),
    )
