"""Flat cost as the load grows: the items DynamoDB reads to serve one page of the list
routes, with 1,000 and then 20,000 applications in the table.

The table is loaded directly (batch writes, not metered) with records built by the
adapter's own functions from copies of a real case that ran through every stage (header,
form, materials, reviews), so their shapes and sizes are the system's own:

- applications: one in 20 belongs to the measured citizen (50, then 1,000), the rest to
  ~1,000 other citizens;
- review tasks: three per application (POWER, WATER, URBAN); a quarter of the cases are
  still in approval, so their tasks are pending and in the departments' inboxes (250, then
  5,000 in POWER's).

Then one page (the routes' default size) of GET /tasks (POWER's inbox), GET /applications
(the measured citizen's own), the template case and its timeline, and GET /catalog/items?q=
(from the container's loaded index) goes through the API handler and the meter counts what
DynamoDB read: GetItem hits plus each Query's ScannedCount (items read before any filter),
and the read units.
"""

import time
from typing import Any

import boto3
from ulid import ULID

from functions.api import dependencies, idempotency
from infra.bench.cost import standard_case
from infra.bench.harness import Harness, local_system
from infra.bench.meter import AwsMeter
from infra.local.inprocess import Caller, officer
from shared.adapters.aws import reset_clients
from shared.adapters.dynamo.cases import child_item, form_item, header_item
from shared.adapters.dynamo.tasks import review_item
from shared.models.application import Application, Review
from shared.models.common import ApplicationStatus, ReviewRole
from shared.models.ids import task_id_for

SIZES = (1_000, 20_000)
BUDGET_RATIO = 1.2
MEASURED = Caller("sub-citizen-measured", "citizen-measured", ("citizen",))
DEPARTMENTS = ("POWER", "WATER", "URBAN")
CATALOG_QUERY = "电"
TOKEN = "AQB4AAAAKgAAAAMAAAAAAAAAAb" + "x" * 600


def _generate(template: Application, start: int, stop: int) -> list[dict[str, Any]]:
    """Cases shaped like the template: header, form, materials and three reviews each (the
    records the list routes index), built by the adapter's own record functions."""
    items: list[dict[str, Any]] = []
    for n in range(start, stop):
        application_id = str(ULID())
        owner = MEASURED.sub if n % 20 == 0 else f"sub-citizen-{n % 997}"
        pending = n % 4 == 0
        case = template.model_copy(
            deep=True,
            update={
                "application_id": application_id,
                "owner_id": owner,
                "status": ApplicationStatus.IN_APPROVAL if pending else template.status,
            },
        )
        items.append(header_item(case, case.version or 1))
        items.append(form_item(case))
        items.extend(child_item(application_id, m) for m in case.materials.values())
        for index, department in enumerate(DEPARTMENTS):
            review = template.reviews[department]
            task = Review(
                task_id=task_id_for(application_id, department),
                application_id=application_id,
                item_id=template.item_id,
                department=department,
                role=ReviewRole.LEAD if index == 0 else ReviewRole.CO,
                due_at=review.due_at,
                status="PENDING" if pending else "APPROVED",
                task_token=TOKEN,
            )
            items.append(review_item(task))
    return items


def _load(table: str, items: list[dict[str, Any]]) -> None:
    ddb = boto3.client("dynamodb")
    for start in range(0, len(items), 25):
        pending: dict[str, Any] = {
            table: [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]
        }
        while pending:
            pending = ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def _measure(h: Harness, meter: AwsMeter, template: Application) -> dict[str, dict[str, Any]]:
    case = f"/applications/{template.application_id}"
    owner = Caller(template.owner_id, "citizen-1", ("citizen",))
    pages = {
        "GET /tasks": ("GET", "/tasks", officer("POWER"), {"department": "POWER"}),
        "GET /applications": ("GET", "/applications", MEASURED, None),
        "GET /applications/{id}": ("GET", case, owner, None),
        "GET /applications/{id}/timeline": ("GET", f"{case}/timeline", owner, None),
        "GET /catalog/items?q": ("GET", "/catalog/items", None, {"q": CATALOG_QUERY}),
    }
    # The catalog index is loaded once per container (and catalog revision): load it here,
    # so the figure is what a search costs, not what the container's first one does.
    h.api("GET", "/catalog/items", query={"limit": "1"})
    figures: dict[str, dict[str, Any]] = {}
    for name, (method, path, caller, query) in pages.items():
        meter.reset()
        answer = h.api(method, path, caller=caller, query=query)
        assert answer.status == 200, answer.body
        figures[name] = {
            "items_read": meter.dynamo.items_read,
            "read_units": meter.dynamo.read_units,
            "calls": dict(meter.by_service("dynamodb")),
            "page_items": len(answer.body.get("items", answer.body.get("timeline", []))),
        }
    return figures


def run() -> dict[str, Any]:
    with local_system() as h:
        template = h.application(standard_case(h))
        meter = AwsMeter().install()
        reset_clients()
        dependencies.reset()
        idempotency.reset()
        results: dict[int, dict[str, Any]] = {}
        loaded = 0
        load_seconds = 0.0
        try:
            for size in SIZES:
                started = time.perf_counter()
                with h.runtime.exclusive({}):
                    _load(h.outputs["TableName"], _generate(template, loaded, size))
                load_seconds += time.perf_counter() - started
                loaded = size
                results[size] = _measure(h, meter, template)
        finally:
            meter.uninstall()
    small, large = results[SIZES[0]], results[SIZES[1]]
    routes = {}
    for name in small:
        ratio = large[name]["items_read"] / max(small[name]["items_read"], 1)
        routes[name] = {
            f"items_read_{SIZES[0]}": small[name]["items_read"],
            f"items_read_{SIZES[1]}": large[name]["items_read"],
            f"read_units_{SIZES[0]}": small[name]["read_units"],
            f"read_units_{SIZES[1]}": large[name]["read_units"],
            "page_items": large[name]["page_items"],
            "calls": large[name]["calls"],
            "ratio": round(ratio, 2),
            "met": ratio <= BUDGET_RATIO,
        }
    return {
        "sizes": list(SIZES),
        "budget_ratio": BUDGET_RATIO,
        "load_seconds": round(load_seconds, 1),
        "routes": routes,
        "met": all(r["met"] for r in routes.values()),
    }
