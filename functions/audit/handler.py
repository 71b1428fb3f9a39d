"""The audit trail: the main table's stream (DynamoDB Streams, old and new images), as
records chained per subject in the audit table (shared/stages/audit.py). A subject whose
append met a concurrent writer is reported back (partial batch response) and retried
from there; a batch that keeps failing goes to the dead-letter queue."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import prime
from shared.adapters.dynamo.audit import AuditStore
from shared.models.audit import AuditRecord
from shared.models.common import build_models, utc_now
from shared.observability import logger, metrics
from shared.stages.audit import record_stream

# At init, where Lambda gives a full core: the client and the one model each call writes.
prime("dynamodb", "Query", "PutItem")
build_models(AuditRecord)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    outcome = record_stream(raw.get("Records", []), AuditStore(), utc_now())
    metrics.add_metric(name="AuditRecordsWritten", unit=MetricUnit.Count, value=outcome["written"])
    if outcome["batchItemFailures"]:
        logger.warning("audit trail appended concurrently; retrying", extra=outcome)
    return {"batchItemFailures": outcome["batchItemFailures"]}
