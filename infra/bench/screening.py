"""Pre-screening (情景导航) and a key project's roadmap, on the shipped catalog and bundles,
through the API handler.

Per request kind: the API container's first call (it reads the catalog revision, the
bundles, the items they name and the departments: `CachedBundles`) and then a run of
calls, each metered for the items DynamoDB read and timed (the handler's own time, in
this process, on moto). Budgets: a bundle's screening reads nothing once the container
holds the revision, an item's reads that item; a roadmap reads the project and, per case
of its own, its link and its header (one query, one batch read): 1 + 2 per case, with
1 case as with 20, whatever the zone holds.
"""

import statistics
from collections.abc import Callable
from typing import Any

from functions.api import dependencies, idempotency
from infra.bench.harness import Harness, local_system
from infra.bench.meter import AwsMeter
from infra.local.client import SAMPLE_ENTERPRISE, sample_form
from infra.local.inprocess import Caller
from shared.adapters.aws import reset_clients

OPENING = "BND-BUSINESS-OPENING"
ITEM = "SD-KFQ-0001"
CITIZEN = Caller("sub-bench-citizen", "bench-citizen", ("citizen",))
STEWARD = Caller("sub-bench-steward", "bench-steward", ("agent",))
PROJECT_CASES = (1, 20)


def _metered(h: Harness, meter: AwsMeter, call: Callable[[], Any]) -> tuple[int, float]:
    meter.reset()
    answer = call()
    assert answer.status == 200, answer.body
    return meter.dynamo.items_read, h.api_invocations[-1].duration_ms


def _series(h: Harness, meter: AwsMeter, call: Callable[[], Any], rounds: int) -> dict[str, Any]:
    first_items, first_ms = _metered(h, meter, call)
    items, times = [], []
    for _ in range(rounds):
        read, ms = _metered(h, meter, call)
        items.append(read)
        times.append(ms)
    ordered = sorted(times)
    return {
        "calls": rounds,
        "items_read_per_call": round(statistics.mean(items), 2),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2),
        "first_call": {"items_read": first_items, "ms": round(first_ms, 1)},
    }


def _answers(h: Harness) -> dict[str, str]:
    """Every question of the bundle answered with its first option."""
    bundle = h.api("GET", f"/bundles/{OPENING}").body
    return {q["key"]: q["options"][0]["value"] for q in bundle["questions"]}


def _project_with_cases(h: Harness, cases: int) -> str:
    body = {
        "projectCode": f"2026-370600-26-03-{cases:06d}",
        "nameZh": "年产5万吨高性能复合材料项目",
        "enterprise": {
            "name": SAMPLE_ENTERPRISE["name"],
            "creditCode": SAMPLE_ENTERPRISE["creditCode"],
        },
        "site": "烟台经济技术开发区长江路以北",
        "investmentWanYuan": 120000,
        "operatingItems": ["SD-KFQ-0226"],
    }
    created = h.api("POST", "/projects", caller=STEWARD, body=body)
    assert created.status == 201, created.body
    project_id: str = created.body["projectId"]
    item = h.api("GET", "/catalog/items/SD-KFQ-0003").body
    for _ in range(cases):
        filed = h.api(
            "POST",
            "/applications",
            caller=CITIZEN,
            body={
                "itemId": "SD-KFQ-0003",
                "applicant": SAMPLE_ENTERPRISE,
                "form": sample_form(item),
                "channel": "web",
                "delivery": {"mode": "electronic"},
            },
        )
        assert filed.status == 201, filed.body
        link = {"applicationId": filed.body["applicationId"]}
        linked = h.api("POST", f"/projects/{project_id}/cases", caller=STEWARD, body=link)
        assert linked.status == 201, linked.body
    return project_id


def _roadmap_of(h: Harness, project_id: str) -> Callable[[], Any]:
    return lambda: h.api("GET", f"/projects/{project_id}/roadmap", caller=STEWARD)


def run(rounds: int = 30) -> dict[str, Any]:
    with local_system() as h:
        meter = AwsMeter().install()
        reset_clients()
        dependencies.reset()
        idempotency.reset()
        try:
            answers = {"answers": _answers(h)}
            dependencies.reset()  # a fresh container for the first screening
            bundle = _series(
                h,
                meter,
                lambda: h.api("POST", f"/bundles/{OPENING}/screening", body=answers),
                rounds,
            )
            single = _series(
                h,
                meter,
                lambda: h.api(
                    "POST",
                    f"/catalog/items/{ITEM}/screening",
                    body={"applicantKind": "enterprise"},
                ),
                rounds,
            )
            roadmaps = {
                str(cases): _series(h, meter, _roadmap_of(h, _project_with_cases(h, cases)), rounds)
                for cases in PROJECT_CASES
            }
        finally:
            meter.uninstall()
    return {
        "bundle_screening": bundle,
        "item_screening": single,
        "roadmap_by_cases": roadmaps,
        # A bundle's screening reads nothing once the container holds the revision; an
        # item's reads that one item.
        "screening_met": bundle["items_read_per_call"] == 0 and single["items_read_per_call"] <= 1,
        # A roadmap reads the project, then per case of its own its link and its header:
        # more with more of the project's cases, never with the zone's.
        "roadmap_met": all(
            roadmaps[str(n)]["items_read_per_call"] <= 1 + 2 * n for n in PROJECT_CASES
        ),
    }
