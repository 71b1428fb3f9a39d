"""`make bench`: measures on this machine, prints one table and writes the figures to
.local/bench.json. Benchmarks, not tests: a missed budget is reported, never raised.

    python -m infra.bench [--only cold web cost flat search screening throughput] [--cases 20]
                          [--throughput-cases 30] [--rounds 3] [--repeat 9]
"""

import argparse
import json
import logging
import os
import platform
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from infra.bench.env import fake_aws_environment

SECTIONS = ("cold", "web", "cost", "flat", "search", "screening", "throughput")
STATE_DIR = Path(os.environ.get("ONEWINDOW_STATE_DIR", ".local"))
Row = tuple[str, str, str, str, str]


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("met" if met else "MISSED")


def _cold_rows(result: dict[str, Any]) -> list[Row]:
    functions = result["functions"]
    floor = functions["floor"]
    rows: list[Row] = [
        (
            "cold start",
            "floor (boto3 + Logger + 1 client at init + GetItem)",
            f"{floor['lambda_ms']:.0f} ms on Lambda's CPU model (init {floor['import_ms']:.0f} "
            f"+ boto3 import {result['boto3_import_ms']:.0f} at a full core, first call "
            f"{floor['invoke_ms']:.0f} at {floor['memory_mb']} MB's share); "
            f"{floor['flat_ms']:.0f} ms flat",
            "",
            "",
        )
    ]
    for key, figures in functions.items():
        if key != "floor":
            rows.append(_cold_row(key, figures))
    for key in result.get("not_measured", []):
        rows.append(("cold start", key, "no representative event in the bench", "", "NOT RUN"))
    return rows


def _cold_row(key: str, figures: dict[str, Any]) -> Row:
    shape = (
        f"{figures['lambda_ms']:.0f} ms (init {figures['import_ms']:.0f}, first call "
        f"{figures['invoke_ms']:.0f} at {figures['memory_mb']} MB, + {figures['service_ms']:.0f} "
        f"in moto), warm {figures['warm_ms']:.1f} ms"
    )
    if figures["budget"] is None:
        return (
            "cold start",
            key,
            f"{shape} = {figures['ratio']:.2f}x floor (flat {figures['flat_ratio']:.2f}x)",
            "",
            "reference: the stages' budget is stated against it",
        )
    of = figures["budget_of"]
    return (
        "cold start",
        key,
        f"{shape} = {figures['budget_ratio']:.2f}x {of} (flat {figures['budget_flat_ratio']:.2f}x)",
        f"<= {figures['budget']:.2f}x {of}",
        _verdict(figures["met"]),
    )


def _cost_rows(result: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for line in result["rows"]:
        rows.append(
            (
                "cost / 1,000",
                f"{line['service']}: {line['what']}",
                f"{line['per_case']:g} {line['unit']}/case -> ${line['usd_per_1000']:.4f}",
                "",
                line["note"],
            )
        )
    rows.append(
        (
            "cost / 1,000",
            f"TOTAL ({result['cases']} standard cases, prices {result['prices']['region']} "
            f"{result['prices']['as_of']})",
            f"${result['total_usd_per_1000']:.4f}",
            f"<= ${result['budget_usd_per_1000']:.2f}",
            _verdict(result["met"]),
        )
    )
    excluded = result["excluded"]
    rows.append(
        (
            "cost / 1,000",
            "not in total: storage, per month",
            f"${excluded['storage_usd_per_1000_per_month']:.4f} "
            f"({excluded['dynamodb_bytes_per_case']} B DynamoDB + "
            f"{excluded['s3_bytes_per_case']} B S3 per case)",
            "",
            "storage aside",
        )
    )
    rows.append(
        (
            "cost / 1,000",
            "not in total: data transfer out",
            f"${excluded['data_transfer_out_usd_per_1000']:.4f} "
            f"({excluded['data_transfer_out_bytes_per_case']:,} B per case: reviewers' "
            "materials, the result)",
            "",
            "data transfer aside",
        )
    )
    rows.append(
        (
            "cost / 1,000",
            "not in total: Cognito MAU",
            f"${excluded['cognito_mau_usd_per_1000_if_each_is_a_new_billed_mau']:.2f} "
            "if every application were a new billed MAU",
            "",
            "per user, not per case",
        )
    )
    return rows


def _web_rows(result: dict[str, Any]) -> list[Row]:
    biggest = ", ".join(
        f"{f['path'].rsplit('/', 1)[-1]} {f['gzip_bytes'] / 1024:.0f}" for f in result["files"][:3]
    )
    return [
        (
            "web app",
            "JS + CSS of the citizen's first page (the catalog), gzip -9",
            f"{result['gzip_kb']:.0f} KB in {result['file_count']} files "
            f"({result['raw_kb']:.0f} KB raw; largest {biggest} KB)",
            f"<= {result['budget_kb']} KB",
            _verdict(result["met"]),
        )
    ]


def _first_page_files(results: dict[str, Any]) -> int | None:
    """How many JS and CSS files the first page loads, for the cost, when the web section ran."""
    web = results.get("web")
    return int(web["file_count"]) if web and "error" not in web else None


def _flat_rows(result: dict[str, Any]) -> list[Row]:
    small, large = result["sizes"]
    rows: list[Row] = []
    for route, figures in result["routes"].items():
        rows.append(
            (
                "flat cost",
                f"{route} (one page)",
                f"items read {figures[f'items_read_{small}']} @ {small:,} -> "
                f"{figures[f'items_read_{large}']} @ {large:,} apps = {figures['ratio']:.2f}x",
                f"<= {result['budget_ratio']:.1f}x",
                _verdict(figures["met"]),
            )
        )
    return rows


def _search_rows(result: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for size, figures in result["by_size"].items():
        first = figures["first_search"]
        rows.append(
            (
                "search",
                f"GET /catalog/items at {int(size):,} items ({figures['searches']} searches)",
                f"items read {figures['items_read_per_search']:g} "
                f"({figures['read_units_per_search']:g} RRU), "
                f"median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms",
                "",
                f"container's first: {first['items_read']} items, {first['read_units']:g} RRU, "
                f"{first['ms']:.0f} ms",
            )
        )
    rows.append(
        (
            "search",
            f"{result['sizes'][-1]:,} vs {result['sizes'][0]:,} items",
            f"items read {result['items_read_ratio']:.2f}x, latency {result['latency_ratio']:.2f}x",
            "items read no more",
            _verdict(result["met"]),
        )
    )
    return rows


def _screening_row(measure: str, figures: dict[str, Any], budget: str, met: bool | None) -> Row:
    first = figures["first_call"]
    return (
        "screening",
        f"{measure} ({figures['calls']} calls)",
        f"items read {figures['items_read_per_call']:g}, median {figures['median_ms']:.1f} ms, "
        f"p95 {figures['p95_ms']:.1f} ms",
        budget,
        f"{_verdict(met)} (container's first: {first['items_read']} items, {first['ms']:.0f} ms)"
        if met is not None
        else f"container's first: {first['items_read']} items, {first['ms']:.0f} ms",
    )


def _screening_rows(result: dict[str, Any]) -> list[Row]:
    met = result["screening_met"]
    rows = [
        _screening_row(
            "POST /bundles/{id}/screening (opening a business)",
            result["bundle_screening"],
            "reads nothing",
            met,
        ),
        _screening_row(
            "POST /catalog/items/{id}/screening",
            result["item_screening"],
            "reads the one item",
            met,
        ),
    ]
    for cases, figures in result["roadmap_by_cases"].items():
        rows.append(
            _screening_row(
                f"GET /projects/{{id}}/roadmap, {cases} case(s)",
                figures,
                "1 + 2 per case of its own",
                result["roadmap_met"],
            )
        )
    return rows


def _throughput_rows(result: dict[str, Any]) -> list[Row]:
    system, bare = result["system"], result["bare_engine"]
    rounds = len(system["rounds_apps_per_second"])
    return [
        (
            "throughput",
            f"system, {system['cases']} cases at once (median of {rounds})",
            f"{system['apps_per_second']:.2f} apps/s (rounds "
            f"{', '.join(f'{r:.2f}' for r in system['rounds_apps_per_second'])})",
            "",
            f"handlers {system['handler_ms_per_case']:.0f} ms/case",
        ),
        (
            "throughput",
            f"bare engine, {bare['cases']} executions at once (median of {rounds})",
            f"{bare['apps_per_second']:.2f} apps/s (rounds "
            f"{', '.join(f'{r:.2f}' for r in bare['rounds_apps_per_second'])})",
            "",
            "",
        ),
        (
            "throughput",
            "system / bare engine, median of the rounds' ratios",
            f"{result['ratio']:.2f} (per round "
            f"{', '.join(f'{r:.2f}' for r in result['round_ratios'])}; "
            f"ratio of the medians {result['ratio_of_medians']:.2f})",
            f">= {result['budget_ratio']:.1f}",
            _verdict(result["met"]),
        ),
    ]


def _cold_init(results: dict[str, Any]) -> dict[str, float] | None:
    """The cold section's INIT figures for the cost, when it ran (else cost measures)."""
    from infra.bench.cold_start import init_ms_of

    cold = results.get("cold")
    return init_ms_of(cold) if cold and "error" not in cold else None


def _print_table(rows: list[Row]) -> None:
    headers: Row = ("section", "measure", "figure", "budget", "result / note")
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(5)]
    line = "  ".join("-" * w for w in widths)
    print(line)
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    section = ""
    for row in rows:
        if row[0] != section and section:
            print()
        shown = (row[0] if row[0] != section else "", *row[1:])
        section = row[0]
        print("  ".join(c.ljust(w) for c, w in zip(shown, widths, strict=True)).rstrip())
    print(line)


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--cases", type=int, default=20, help="standard cases for the cost")
    parser.add_argument("--throughput-cases", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds of each")
    parser.add_argument("--repeat", type=int, default=9, help="cold starts per function")
    parser.add_argument("--out", type=Path, default=STATE_DIR / "bench.json")
    args = parser.parse_args()

    # Before any project import: Powertools reads its variables when the shared Logger
    # and Metrics are created.
    fake_aws_environment()
    warnings.filterwarnings("ignore")
    # moto's interpreter logs an error for every failure it evaluates (the seed's echoing
    # Lambdas fail the Choice on purpose); the functions' own logs are counted, not shown.
    logging.getLogger("moto").setLevel(logging.CRITICAL + 1)

    from infra.bench import (
        cold_start,
        cost,
        flat_cost,
        screening,
        search,
        throughput,
        web_weight,
    )

    runners: dict[str, tuple[Callable[[], dict[str, Any]], Callable[[Any], list[Row]]]] = {
        "cold": (lambda: cold_start.run(repeat=args.repeat), _cold_rows),
        "web": (web_weight.run, _web_rows),
        "cost": (
            lambda: cost.run(
                cases=args.cases,
                init_ms=_cold_init(results),
                first_page_files=_first_page_files(results),
            ),
            _cost_rows,
        ),
        "flat": (flat_cost.run, _flat_rows),
        "search": (search.run, _search_rows),
        "screening": (screening.run, _screening_rows),
        "throughput": (
            lambda: throughput.run(cases=args.throughput_cases, rounds=args.rounds),
            _throughput_rows,
        ),
    }
    results: dict[str, Any] = {}  # filled section by section; cost reads the cold one
    rows: list[Row] = []
    failed = False
    for name in SECTIONS:
        if name not in args.only:
            continue
        run, render = runners[name]
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            results[name] = run()
        except Exception as exc:
            failed = True
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            traceback.print_exc()
            rows.append((name, "failed", f"{type(exc).__name__}: {exc}"[:100], "", "ERROR"))
            continue
        results[name]["seconds_taken"] = round(time.perf_counter() - started, 1)
        rows.extend(render(results[name]))

    _print_table(rows)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
        },
        **results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"figures written to {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
