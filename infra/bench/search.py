"""Catalog search at the zone's scales: 21 items (the first shipped list), 654 (the
original zone's list) and 2,000, each imported into the table (infra/bench/synthetic_catalog.py)
and then searched through the API handler.

Per size: the first search of a container after the import (it loads the index: the
revision pointer and the index's chunks), then a mix of searches a visitor makes (a Chinese
term, a term found in materials, English, filters, an empty query, the next page), each
metered for the items DynamoDB read and the read units, and timed (the API handler's own
time, in this process, on moto). Budget: a search reads the same at 2,000 items as at 21
(nothing, within the index's refresh window).
"""

import statistics
import time
from typing import Any

from functions.api import dependencies, idempotency
from infra.bench.harness import Harness, local_system
from infra.bench.meter import AwsMeter
from infra.bench.synthetic_catalog import scaled_catalog
from shared.adapters.aws import reset_clients
from shared.services.catalog_import import import_catalog

SIZES = (21, 654, 2000)
BUDGET_RATIO = 1.0  # items read per search at 2,000 / at 21
QUERIES: list[dict[str, str]] = [
    {"q": "许可"},
    {"q": "营业执照"},  # a material most items ask for
    {"q": "construction permit"},
    {"type": "filing"},
    {"department": "HRSS", "zeroVisit": "true"},
    {"caseKind": "immediate", "applicantKind": "person"},
    {"q": "登记 注销"},
    {},
]


def _search(h: Harness, meter: AwsMeter, query: dict[str, str]) -> tuple[int, float, float, int]:
    """(items read, read units, the API handler's own ms, hits on the page)."""
    meter.reset()
    answer = h.api("GET", "/catalog/items", query=query)
    assert answer.status == 200, answer.body
    handler_ms = h.api_invocations[-1].duration_ms
    return meter.dynamo.items_read, meter.dynamo.read_units, handler_ms, len(answer.body["items"])


def _measure(h: Harness, meter: AwsMeter, rounds: int) -> dict[str, Any]:
    dependencies.catalog_index.cache_clear()  # a fresh container
    first_items, first_units, first_ms, _ = _search(h, meter, {"q": "许可"})
    items, units, times = [], [], []
    for _ in range(rounds):
        for query in QUERIES:
            read, rcu, ms, found = _search(h, meter, query)
            items.append(read)
            units.append(rcu)
            times.append(ms)
            if found == 20:  # the next page too
                page = h.api("GET", "/catalog/items", query={**query, "limit": "20"})
                cursor = page.body["nextCursor"]
                if cursor:
                    read, rcu, ms, _ = _search(h, meter, {**query, "cursor": cursor})
                    items.append(read)
                    units.append(rcu)
                    times.append(ms)
    ordered = sorted(times)
    return {
        "searches": len(times),
        "items_read_per_search": round(statistics.mean(items), 2),
        "read_units_per_search": round(statistics.mean(units), 2),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 2),
        "first_search": {
            "items_read": first_items,
            "read_units": first_units,
            "ms": round(first_ms, 1),
        },
    }


def run(sizes: tuple[int, ...] = SIZES, rounds: int = 5) -> dict[str, Any]:
    results: dict[int, dict[str, Any]] = {}
    import_seconds: dict[int, float] = {}
    with local_system() as h:
        meter = AwsMeter().install()
        reset_clients()
        dependencies.reset()
        idempotency.reset()
        try:
            for size in sizes:
                started = time.perf_counter()
                with h.runtime.exclusive({}):
                    import_catalog(scaled_catalog(size), h.repo)
                import_seconds[size] = round(time.perf_counter() - started, 1)
                results[size] = _measure(h, meter, rounds)
        finally:
            meter.uninstall()
    small, large = results[sizes[0]], results[sizes[-1]]
    ratio = large["items_read_per_search"] / max(small["items_read_per_search"], 1)
    return {
        "sizes": list(sizes),
        "budget_ratio": BUDGET_RATIO,
        "by_size": {str(size): figures for size, figures in results.items()},
        "import_seconds": {str(k): v for k, v in import_seconds.items()},
        "latency_ratio": round(large["median_ms"] / small["median_ms"], 2),
        "items_read_ratio": round(ratio, 2),
        "met": large["items_read_per_search"] <= small["items_read_per_search"],
    }
