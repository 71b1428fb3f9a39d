"""Cost per 1,000 applications of a standard case, counted from real runs on moto.

The standard case: SD-KFQ-0010 (lead POWER, co-departments WATER and URBAN), filed on the
web with every required material, delivered by mail, rated 5 afterwards. The citizen reads
the item's guide, files, uploads, submits, follows the case once, reads the result,
downloads the document and rates; each department's officer opens the inbox and approves.

Counted, per case: Lambda invocations and their billed durations at the configured memory
(stages from the local runtime, the API from the harness), with the INIT phase of each
cold start billed too (Lambda bills init since 2025-08-01; init measured in a fresh
interpreter, infra/bench/cold_start.py): every stage invocation is a cold start at a
zone's pace of a few cases an hour, and the API one per person's visit (ASSUMPTIONS),
state transitions (StateEntered
events of the execution's history), DynamoDB request units (infra/bench/meter.py), S3
requests (SDK calls plus the browser's presigned POSTs and GETs: each material ~1 MB,
uploaded once and read by each reviewing department), API Gateway requests. Storage and
data transfer out (the reviewers' and the applicant's downloads) are shown beside the
total, not in it.
Durations are this machine's CPU running in-process moto: no network round trips, and
not the arm64 Lambda CPU, so read them as an order of magnitude. The first case warms
the interpreter (imports) and is not counted. Assumptions that cannot be measured here
are named in ASSUMPTIONS and printed with the result.
"""

import json
import math
import re
import statistics
from pathlib import Path
from typing import Any

import boto3

from functions.api import dependencies, idempotency
from infra.bench.harness import STANDARD_ITEM, Harness, local_system
from infra.bench.meter import AwsMeter
from infra.bench.web_weight import WEB_DIST
from infra.constants import FUNCTIONS
from infra.local.inprocess import citizen
from infra.sampling import SAMPLED_RATE
from shared.adapters.aws import reset_clients

PRICES_FILE = Path(__file__).resolve().parent / "prices.json"
BUDGET_PER_1000 = 0.50
ASSUMPTIONS: dict[str, Any] = {
    # Cognito: a citizen signs in to file and again, days later, to read the result and
    # rate; an officer signs in once a working day and decides ~20 cases in that session.
    "citizen_sign_ins_per_case": 2,
    "cases_per_officer_sign_in": 20,
    # The web app calls the API on its own origin (CloudFront's /api/*, infra/constructs/
    # web.py), so browsers send no CORS preflights. A client on another origin would send
    # one before each request with an Authorization header it has no cached answer for:
    # the harness counts those (one per caller and URL in a sitting, Max-Age 2 h) and
    # they are shown, not billed.
    "preflights": "none: same origin (shown: what a cross-origin client would send)",
    # Each person's visit loads the app through CloudFront: index.html and config.json
    # (neither cached); the applicant's first visit also loads the first page's JS and
    # CSS (measured by the web section; else the files index.html names, plus one route
    # chunk). The hashed files are then cached by the browser, and the officers, in the
    # console every working day, have them already.
    "page_requests": "2 a visit + the first page's JS and CSS once a case",
    # Log lines CloudWatch ingests that the benchmark cannot see: Step Functions logs
    # every history event (level ALL, no execution data), API Gateway one JSON access-log
    # line per request. Lambda platform lines (START/REPORT) are not logged: the system
    # log level is WARN. Application log bytes are measured.
    "bytes_per_state_machine_log_event": 350,
    "bytes_per_access_log_line": 450,
    # X-Ray: one trace per API request and one per execution, of which the stack's
    # sampling rules (infra/constructs/tracing.py) record SAMPLED_RATE, with no reservoir.
    "xray_traces": f"(api requests + 1 per case) x {SAMPLED_RATE:g} sampled",
    # Lambda INIT: billed on every cold start. A stage runs once per case, hours or days
    # from its last run at a zone's pace: every stage invocation is counted cold. The API
    # serves a person's visit with requests seconds apart, which reuse one container: one
    # cold start per person and visit (an anonymous read counted as a visitor of its own,
    # although it is the applicant's browser), not one per request.
    "cold_starts": "every stage invocation; the API once per person's visit",
}


def load_prices() -> dict[str, Any]:
    prices: dict[str, Any] = json.loads(PRICES_FILE.read_text(encoding="utf-8"))
    return prices


def standard_case(h: Harness) -> str:
    who = citizen()
    h.new_sitting()
    guide = h.api("GET", f"/catalog/items/{STANDARD_ITEM}")
    assert guide.status == 200, guide.body
    application_id = h.draft(STANDARD_ITEM, who)
    h.submit(application_id, who)
    h.wait_for(application_id, lambda a: a.status.value == "IN_APPROVAL")
    h.decide_all(application_id)
    h.wait_for(application_id, lambda a: a.status.value == "COMPLETED")
    h.new_sitting()  # the applicant comes back days later for the result
    h.conclude(application_id, who, rating=5)
    return application_id


def files_named_by_index() -> int:
    """The JS and CSS files web/dist/index.html names (entry, preloads, styles), plus the
    first route's chunk: the first page's files when the web section did not run."""
    index = WEB_DIST / "index.html"
    if not index.exists():
        raise RuntimeError(f"{index} not found: build the app with `make web`")
    named = set(re.findall(r'(?:src|href)="(/assets/[^"]+\.(?:js|css))"', index.read_text()))
    return len(named) + 1


def _billed_gb_seconds(duration_ms: float, memory_mb: int) -> float:
    return math.ceil(duration_ms) / 1000 * memory_mb / 1024


def _storage_bytes(h: Harness, meter: AwsMeter, application_id: str) -> tuple[int, int]:
    table = h.outputs["TableName"]
    case = h.application(application_id)
    dynamo = 0
    with h.runtime.exclusive({}):
        # Every record of the case's collection (header, form, children, timeline), and its
        # certificate.
        collection = boto3.client("dynamodb").query(
            TableName=table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"APP#{application_id}"}},
            ProjectionExpression="PK, SK",
        )["Items"]
        keys = [(i["PK"]["S"], i["SK"]["S"]) for i in collection]
        if case.result and case.result.certificate_no:
            keys.append((f"CERT#{case.result.certificate_no}", "CERT"))
        for pk, sk in keys:
            state = meter._stored(table, {"PK": {"S": pk}, "SK": {"S": sk}})
            dynamo += state.size if state else 0
        s3 = boto3.client("s3")
        objects = 0
        for prefix in (f"uploads/{application_id}/", f"documents/{application_id}/"):
            listed = s3.list_objects_v2(Bucket=h.outputs["DocumentsBucketName"], Prefix=prefix)
            objects += sum(o["Size"] for o in listed.get("Contents", []))
    return dynamo, objects


def run(
    cases: int = 20,
    init_ms: dict[str, float] | None = None,
    first_page_files: int | None = None,
) -> dict[str, Any]:
    """init_ms: each function's INIT duration (boto3 and handler import), from the cold
    section when it ran; measured here otherwise. first_page_files: the JS and CSS files
    of the first page, from the web section when it ran; counted from index.html else."""
    if first_page_files is None:
        first_page_files = files_named_by_index()
    prices = load_prices()
    if init_ms is None:
        from infra.bench.cold_start import measure_init_ms

        init_ms = measure_init_ms()
    with local_system() as h:
        meter = AwsMeter().install()
        # Clients made from here on carry the meter's hooks.
        reset_clients()
        dependencies.reset()
        idempotency.reset()
        try:
            standard_case(h)  # warm-up: imports and first clients, not counted
            meter.reset()
            h.reset_counts()
            ids = [standard_case(h) for _ in range(cases)]
            log_bytes = h.output.bytes
            histories = [h.history(i) for i in ids]
            executions = [h.wait_execution(i)["status"] for i in ids]
            storage = [_storage_bytes(h, meter, i) for i in ids]
        finally:
            meter.uninstall()
    assert set(executions) == {"SUCCEEDED"}, executions
    return _report(
        h, meter, histories, storage, log_bytes, cases, prices, init_ms, first_page_files
    )


def _report(
    h: Harness,
    meter: AwsMeter,
    histories: list[list[dict[str, Any]]],
    storage: list[tuple[int, int]],
    log_bytes: int,
    cases: int,
    prices: dict[str, Any],
    init_ms: dict[str, float],
    first_page_files: int,
) -> dict[str, Any]:
    per = 1000 / cases  # from the N cases counted to 1,000 applications
    stage_runs = list(h.runtime.handler_runs)
    api_runs = list(h.api_invocations)
    assert not any(r.error for r in stage_runs), [r for r in stage_runs if r.error]
    invocations: dict[str, int] = {}
    durations: dict[str, list[float]] = {}
    gb_seconds = init_gb_seconds = 0.0
    api_cold_starts = len(h.api_visits)
    for run in [*stage_runs, *api_runs]:
        key = run.function_name.removeprefix("onewindow-local-")
        invocations[key] = invocations.get(key, 0) + 1
        durations.setdefault(key, []).append(run.duration_ms)
        memory = FUNCTIONS[key]["memory"]
        gb_seconds += _billed_gb_seconds(run.duration_ms, memory)
        if key != "api":
            init_gb_seconds += _billed_gb_seconds(init_ms.get(key, 0.0), memory)
    memory = FUNCTIONS["api"]["memory"]
    init_gb_seconds += api_cold_starts * _billed_gb_seconds(init_ms.get("api", 0.0), memory)
    transitions = sum(
        1 for events in histories for e in events if e["type"].endswith("StateEntered")
    )
    history_events = sum(len(events) for events in histories)
    s3_calls = meter.by_service("s3")
    s3_put = s3_calls.get("PutObject", 0) + h.presigned_requests.get("POST", 0)
    s3_get = (
        s3_calls.get("GetObject", 0)
        + s3_calls.get("HeadObject", 0)
        + h.presigned_requests.get("GET", 0)
    )
    api_requests = len(api_runs)
    preflights = h.preflights
    officers = len({"POWER", "WATER", "URBAN"})
    cognito_calls = cases * (
        ASSUMPTIONS["citizen_sign_ins_per_case"]
        + officers / ASSUMPTIONS["cases_per_officer_sign_in"]
    )
    logs_bytes = (
        log_bytes
        + history_events * ASSUMPTIONS["bytes_per_state_machine_log_event"]
        + api_requests * ASSUMPTIONS["bytes_per_access_log_line"]
    )
    traces = (api_requests + cases) * SAMPLED_RATE
    dynamo = meter.dynamo

    p = prices
    rows: list[dict[str, Any]] = []

    def row(
        service: str, what: str, quantity: float, unit_price: float, unit: str, note: str = ""
    ) -> None:
        rows.append(
            {
                "service": service,
                "what": what,
                "per_case": round(quantity / cases, 3),
                "unit": unit,
                "usd_per_1000": quantity * per * unit_price,
                "note": note,
            }
        )

    lam = p["lambda"]
    row(
        "Lambda",
        "requests",
        sum(invocations.values()),
        lam["requests_per_million"] / 1e6,
        "invocations",
        ", ".join(f"{k} {v / cases:g}" for k, v in sorted(invocations.items())),
    )
    row(
        "Lambda",
        f"duration ({lam['architecture']})",
        gb_seconds,
        lam["gb_second_arm64"],
        "GB-s",
        "local CPU, in-process moto",
    )
    row(
        "Lambda",
        f"INIT duration ({lam['architecture']})",
        init_gb_seconds,
        lam["gb_second_arm64"],
        "GB-s",
        f"billed since 2025-08; every stage invocation, the API {api_cold_starts / cases:g} "
        "per case (one per person's visit)",
    )
    row(
        "Step Functions",
        "state transitions",
        transitions,
        p["stepfunctions"]["standard_per_1000_state_transitions"] / 1000,
        "transitions",
    )
    ddb = p["dynamodb"]
    row(
        "DynamoDB",
        "writes, table",
        dynamo.write_units,
        ddb["on_demand_per_million_write_request_units"] / 1e6,
        "WRU",
    )
    row(
        "DynamoDB",
        "writes, indexes (GSI1, GSI2)",
        dynamo.gsi_write_units,
        ddb["on_demand_per_million_write_request_units"] / 1e6,
        "WRU",
        "each projects a summary only; transactions counted twice",
    )
    row(
        "DynamoDB",
        "reads",
        dynamo.read_units,
        ddb["on_demand_per_million_read_request_units"] / 1e6,
        "RRU",
    )
    row(
        "S3",
        "PUT/POST",
        s3_put,
        p["s3"]["put_copy_post_list_per_1000"] / 1000,
        "requests",
        "presigned uploads + the issued PDF",
    )
    row(
        "S3",
        "GET/HEAD",
        s3_get,
        p["s3"]["get_select_head_other_per_1000"] / 1000,
        "requests",
        "submit's look at each upload + the download",
    )
    row(
        "API Gateway",
        "REST requests",
        api_requests,
        p["apigateway"]["rest_per_million_requests"] / 1e6,
        "requests",
    )
    row(
        "API Gateway",
        "CORS preflights",
        0,
        p["apigateway"]["rest_per_million_requests"] / 1e6,
        "requests",
        f"none: same origin via CloudFront (cross-origin: {preflights / cases:g} a case)",
    )
    cdn = p["cloudfront"]
    page_requests = len(h.api_visits) * 2 + cases * first_page_files
    cdn_requests = api_requests + page_requests
    row(
        "CloudFront",
        "HTTPS requests",
        cdn_requests,
        cdn["https_requests_per_10000"] / 1e4,
        "requests",
        f"every API request + {page_requests / cases:g} of the app's files "
        f"(index.html and config.json a visit, the first page's {first_page_files} once)",
    )
    row(
        "CloudFront",
        "Functions",
        cdn_requests,
        cdn["functions_per_million_invocations"] / 1e6,
        "invocations",
        "the /api prefix stripped, the app's routes rewritten",
    )
    row(
        "Cognito",
        "sign-in calls",
        cognito_calls,
        p["cognito"]["per_api_call"],
        "calls",
        "billed per MAU, not per call: see below",
    )
    row(
        "CloudWatch Logs",
        "ingestion (est.)",
        logs_bytes / 1e3,
        p["cloudwatch_logs"]["ingestion_per_gb"] / 1e6,
        "KB",
        f"logs + EMF measured: {log_bytes // max(cases, 1)} B/case",
    )
    row(
        "X-Ray",
        "traces recorded",
        traces,
        p["xray"]["traces_recorded_per_million"] / 1e6,
        "traces",
        f"{SAMPLED_RATE:.0%} of requests and executions (sampling rules)",
    )
    total = sum(r["usd_per_1000"] for r in rows)
    for r in rows:
        r["usd_per_1000"] = round(r["usd_per_1000"], 5)

    transfer_gb = h.downloaded_bytes / cases / 1e9
    dynamo_bytes = statistics.mean(s[0] for s in storage)
    s3_bytes = statistics.mean(s[1] for s in storage)
    mau = p["cognito"]["essentials_per_mau"]
    return {
        "cases": cases,
        "prices": {"region": p["region"], "as_of": p["as_of"]},
        "rows": rows,
        "total_usd_per_1000": round(total, 4),
        "budget_usd_per_1000": BUDGET_PER_1000,
        "met": total <= BUDGET_PER_1000,
        "excluded": {
            "storage_usd_per_1000_per_month": round(
                1000
                * (
                    dynamo_bytes / 1e9 * p["dynamodb"]["storage_per_gb_month"]
                    + s3_bytes / 1e9 * p["s3"]["storage_standard_per_gb_month"]
                ),
                5,
            ),
            "data_transfer_out_usd_per_1000": round(
                1000 * transfer_gb * p["data_transfer"]["out_to_internet_per_gb"], 4
            ),
            "data_transfer_out_bytes_per_case": round(transfer_gb * 1e9),
            "dynamodb_bytes_per_case": round(dynamo_bytes),
            "s3_bytes_per_case": round(s3_bytes),
            "cognito_mau_usd_per_1000_if_each_is_a_new_billed_mau": round(1000 * mau, 2),
            "cognito_note": (
                f"Essentials: ${mau}/MAU beyond {p['cognito']['free_mau']:,} free "
                "MAUs a month; a per-user, not per-application, cost"
            ),
        },
        "measured": {
            "lambda_invocations_per_case": {k: v / cases for k, v in sorted(invocations.items())},
            "lambda_init_ms": {k: round(v, 1) for k, v in sorted(init_ms.items())},
            "lambda_median_ms": {
                k: round(statistics.median(v), 1) for k, v in sorted(durations.items())
            },
            "state_transitions_per_case": transitions / cases,
            "history_events_per_case": history_events / cases,
            "dynamodb_calls_per_case": {
                k: v / cases for k, v in meter.by_service("dynamodb").items()
            },
            "dynamodb_items_read_per_case": dynamo.items_read / cases,
            "s3_calls_per_case": {k: v / cases for k, v in s3_calls.items()},
            "presigned_per_case": {k: v / cases for k, v in h.presigned_requests.items()},
            "stepfunctions_calls_per_case": {
                k: v / cases for k, v in meter.by_service("stepfunctions").items()
            },
            "api_requests_per_case": api_requests / cases,
            "app_log_bytes_per_case": log_bytes / cases,
        },
        "assumptions": ASSUMPTIONS,
    }
