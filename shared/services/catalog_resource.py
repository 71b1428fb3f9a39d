"""The shipped catalog loaded as part of a deployment (a CloudFormation custom resource),
so a new stack serves its list at once.

With `Source: shipped` (the default), every create and every update whose list changed
imports the shipped list; the import is idempotent, so an unchanged list writes nothing.
With `Source: own`, the zone keeps its own list (imported with `shared.catalog_loader`):
the shipped one is loaded only while the table has no catalog at all. Deleting the stack
removes nothing here: the table is retained with its records. Whatever happens, the answer
reaches CloudFormation, which otherwise waits an hour for it.
"""

from collections.abc import Callable
from typing import Any

from shared.models.events import CustomResourceEvent
from shared.ports.catalog import CatalogRepository

PHYSICAL_ID = "onewindow-catalog"
SOURCES = ("shipped", "own")
_REASON_LIMIT = 1000  # CloudFormation shows the reason; the whole response must stay < 4 KB

Responder = Callable[[str, dict[str, Any]], None]


def answer_deployment(
    event: CustomResourceEvent, repo: CatalogRepository, send: Responder
) -> dict[str, Any]:
    """Applies the request and sends CloudFormation its outcome; answers what was sent."""
    try:
        data = _apply(event, repo)
        status, reason = "SUCCESS", data["Summary"]
    except Exception as error:  # any fault must end the deployment, visibly
        status, reason, data = "FAILED", f"{type(error).__name__}: {error}", {}
    body = {
        "Status": status,
        "Reason": reason[:_REASON_LIMIT],
        "PhysicalResourceId": event.PhysicalResourceId or PHYSICAL_ID,
        "StackId": event.StackId,
        "RequestId": event.RequestId,
        "LogicalResourceId": event.LogicalResourceId,
        "Data": data,
    }
    send(event.ResponseURL, body)
    return body


def _apply(event: CustomResourceEvent, repo: CatalogRepository) -> dict[str, str]:
    if event.RequestType == "Delete":
        return {"Imported": "no", "Summary": "nothing removed: the table keeps its catalog"}
    source = event.ResourceProperties.get("Source", "shipped")
    if source not in SOURCES:
        raise ValueError(f"Source must be one of {', '.join(SOURCES)}, not {source!r}")
    if source == "own" and repo.catalog_revision() is not None:
        return {"Imported": "no", "Summary": "the zone's own catalog is kept"}

    # Only on a deployment: the importer and the shipped list are not needed elsewhere.
    from shared.catalog import load_bundles, load_catalog
    from shared.services.catalog_import import import_catalog

    catalog = load_catalog()
    report = import_catalog(catalog, repo, bundles=load_bundles(catalog))
    return {
        "Imported": "yes",
        "Summary": f"shipped catalog, {len(catalog.items)} items: {report.summary()}",
        "Revision": str(report.revision or ""),
    }
