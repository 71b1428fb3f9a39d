"""The published figures: the main table's stream (case headers and reviews only, by the
event source mapping's filter), tallied into the stats table once per change
(shared/stages/stats.py). A tally that meets contention is reported back and retried from
there; a batch that keeps failing goes to the dead-letter queue."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import prime
from shared.adapters.dynamo.stats import HeaderClocks, StatsStore
from shared.domain.stats import CaseFacts
from shared.models.application import Review
from shared.models.common import build_models
from shared.observability import logger, metrics
from shared.stages.stats import tally_stream

# At init, where Lambda gives a full core: the client and the models each call reads.
prime("dynamodb", "TransactWriteItems", "GetItem")
build_models(CaseFacts, Review)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    outcome = tally_stream(raw.get("Records", []), StatsStore(), HeaderClocks())
    metrics.add_metric(name="StatsTalliesAdded", unit=MetricUnit.Count, value=outcome["added"])
    if outcome["repeated"]:
        logger.info("events tallied before, skipped", extra={"repeated": outcome["repeated"]})
    if outcome["batchItemFailures"]:
        logger.warning("tally contended; retrying from the failed record", extra=outcome)
    return {"batchItemFailures": outcome["batchItemFailures"]}
