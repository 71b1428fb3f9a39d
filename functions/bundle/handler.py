"""The bundle machine's steps (一件事): ready a wave's members, write the one result
package, or record the bundle's failure."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.aws import prime
from shared.adapters.repository import DynamoRepository
from shared.models.application import Application, MaterialRecord, TimelineEvent
from shared.models.bundle_cases import BundleCase
from shared.models.catalog import CatalogItem
from shared.models.common import build_models
from shared.models.events import BundleEvent
from shared.observability import logged_step, logger, metrics
from shared.stages.bundle import conclude, fail, plan_wave

# At init, where Lambda gives a full core (shared/models/common.py, build_models).
prime("dynamodb", "Query", "GetItem", "TransactWriteItems")
build_models(Application, BundleCase, CatalogItem, MaterialRecord, TimelineEvent)


@logger.inject_lambda_context(correlation_id_path="bundleCaseId", clear_state=True)
@metrics.log_metrics
@logged_step("bundle")
def handler(raw: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = BundleEvent.model_validate(raw)
    repository = DynamoRepository()
    if event.action == "plan_wave":
        output = plan_wave(event.bundle_case_id, list(event.wave), repository, repository)
        if output["notRun"]:
            metrics.add_metric(
                name="BundleMembersNotRun", unit=MetricUnit.Count, value=len(output["notRun"])
            )
        return output
    if event.action == "conclude":
        metrics.add_metric(name="BundlesConcluded", unit=MetricUnit.Count, value=1)
        return conclude(event.bundle_case_id, repository, repository)
    metrics.add_metric(name="BundlesFailed", unit=MetricUnit.Count, value=1)
    return fail(event.bundle_case_id, event.error or {}, repository)
