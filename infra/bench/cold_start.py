"""Cold start of every function, as a ratio to a floor measured in the same run.

For each function (and the floor, infra/bench/floor_handler.py, and the floor plus
pydantic, infra/bench/floor_pydantic_handler.py) a fresh interpreter
(infra/bench/cold_child.py) times importing the handler (Lambda's init) and serving a first
representative event on moto; the median of several runs is kept. The child imports
boto3 and moto before its timer (moto needs them), so boto3's own import, which Lambda pays
on every cold start and which the floor is defined to include, is timed in each child
before moto is loaded, and its median over all children is added to every figure.

Lambda runs init at a full core but an invocation at its memory's share of one vCPU
(memory / 1,769 MB: 256 MB gets 0.14 of a core), so the ratio is of cold starts as Lambda
would run them:

    lambda_ms = boto3 import + handler import + first call's own work / cpu_share(memory)

where the first call's time leaves out the time moto spent answering its AWS calls
(`service_ms`, see cold_child). `flat_ratio` counts every millisecond alike (this
machine's figure); `with_moto_ratio` keeps moto's time in. Budgets: the API against the
floor, each stage against the floor plus pydantic. Each child runs with the variables CDK
deploys plus those Lambda sets (LAMBDA_TASK_ROOT, the trace header the Logger puts on each
line). The representative events are seeded by running the real stages on one standard
case in this (parent) process: the child gets plain JSON and imports nothing of the
project's before the timer.
"""

import base64
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import boto3

from infra.bench.cold_child import MARK
from infra.bench.env import REGION
from infra.bench.harness import STANDARD_ITEM, Harness, local_system
from infra.bench.screening import OPENING
from infra.constants import FUNCTIONS
from infra.local.events import rest_event
from infra.local.inprocess import MOTO_CONFIG
from infra.local.provision import function_environment
from shared.adapters.courier import courier_for
from shared.adapters.documents import S3DocumentStore
from shared.identity import Caller
from shared.models.api import DecisionRequest
from shared.models.common import ReviewDecision
from shared.services import tasks
from shared.stages.acceptance import run_acceptance
from shared.stages.approval import open_review
from shared.stages.delivery import deliver_result
from shared.stages.issuance import issue_result

ROOT = Path(__file__).resolve().parents[2]
FLOOR = "floor"
# Not budgeted: the floor plus pydantic, to show what pydantic alone costs.
PYDANTIC_REFERENCE = "floor+pydantic"
# Budgets, restated (issue 9): a stage at most 1.15x the floor plus pydantic (pydantic is
# one of the project's chosen dependencies), the API at most 1.6x the floor.
STAGE_BUDGET = 1.15
API_BUDGET = 1.6
# Lambda gives an invocation CPU in proportion to memory, one vCPU at 1,769 MB.
FULL_CORE_MB = 1769
# A Step Functions task token is ~ 600-700 characters; its size matters to nothing here
# but is kept realistic.
TRACE_HEADER = "Root=1-6745a1b2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"
# Opening a business with a seal, invoices and a bank account: the licence first.
OPENING_ANSWERS = {
    "entityKind": "company",
    "hasEmployees": "no",
    "needsInvoices": "yes",
    "needsBankAccount": "yes",
}
TOKEN = "AQB4AAAAKgAAAAMAAAAAAAAAAb" + "x" * 600


class _NoWorkflow:
    def start(self, application_id: str) -> str:
        return application_id

    def succeed(self, token: str, output: dict[str, Any]) -> None:
        return None


def _records(h: Harness, pk: str) -> list[dict[str, Any]]:
    """Every record of one item collection (a case's header, form, children, timeline)."""
    return [
        dict(i)
        for i in boto3.client("dynamodb").query(
            TableName=h.outputs["TableName"],
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
        )["Items"]
    ]


def build_seed(path: Path, warm: int) -> None:
    """Runs the stages on cases in this process and keeps the records each function's
    representative event needs, with the environment CDK gives the function."""
    with local_system(install_runtime=False) as h:
        table, bucket = h.outputs["TableName"], h.outputs["DocumentsBucketName"]
        repo, store = h.repo, S3DocumentStore(bucket)
        ddb = boto3.client("dynamodb")
        snapshots: dict[str, list[dict[str, Any]]] = {}

        # A standard case, filed over the API; its execution runs with moto's echoing
        # Lambda (the local runtime is not installed), so the stages below run by hand.
        case = h.draft()
        h.submit(case)
        snapshots["submitted"] = _records(h, f"APP#{case}")
        run_acceptance(case, repo, repo, 20)
        snapshots["accepted"] = _records(h, f"APP#{case}")
        for index, department in enumerate(("POWER", "WATER", "URBAN")):
            open_review(case, department, "lead" if index == 0 else "co", TOKEN, repo, repo)
        for department in ("POWER", "WATER", "URBAN"):
            officer = Caller(
                f"sub-{department}", f"staff-{department}", frozenset({f"dept-{department}"})
            )
            request = DecisionRequest(decision=ReviewDecision.APPROVE, comment="符合条件")
            tasks.decide(officer, f"{case}-{department}", request, repo, repo, _NoWorkflow())
        snapshots["reviewed"] = _records(h, f"APP#{case}")
        issue_result(case, repo, repo, repo, store)
        snapshots["issued"] = _records(h, f"APP#{case}")
        deliver_result(case, repo, courier_for("simulated"), 30)
        snapshots["delivered"] = _records(h, f"APP#{case}")

        # A case missing two materials: acceptance returns it for supplement.
        returned = h.draft(skip={"PROPERTY_PROOF", "ID_CARD"})
        h.submit(returned)
        run_acceptance(returned, repo, repo, 20)
        snapshots["returned"] = _records(h, f"APP#{returned}")

        # Opening a business filed as one and submitted: the bundle machine's first step
        # readies the licence's wave (the members wait in SUBMITTED, as moto's echoing
        # Lambda moves nothing).
        bundle = h.bundle_filed(OPENING, OPENING_ANSWERS)
        bundle_case_id, first_wave = bundle["bundleCaseId"], bundle["waves"][0]
        members = {m["itemId"]: m["applicationId"] for m in bundle["members"]}
        snapshots["bundle_submitted"] = _records(h, f"BUNDLECASE#{bundle_case_id}") + [
            record for m in members.values() for record in _records(h, f"APP#{m}")
        ]

        # The catalog as the importer left it: every item version, the current ones, the
        # departments, the search index and its revision (seeding only; no request scans).
        catalog = [
            dict(i)
            for i in ddb.scan(TableName=table)["Items"]
            if i["PK"]["S"].startswith(("ITEM#", "CATALOG"))
        ]
        tables = [
            _create_kwargs(cast(dict[str, Any], ddb.describe_table(TableName=name)["Table"]))
            for name in (
                table,
                h.outputs["IdempotencyTableName"],
                h.outputs["AuditTableName"],
                h.outputs["StatsTableName"],
            )
        ]
        resources = {
            "TABLE_NAME": table,
            "IDEMPOTENCY_TABLE_NAME": h.outputs["IdempotencyTableName"],
            "AUDIT_TABLE_NAME": h.outputs["AuditTableName"],
            "STATS_TABLE_NAME": h.outputs["StatsTableName"],
            "DOCUMENTS_BUCKET": bucket,
            "STATE_MACHINE_ARN": h.outputs["StateMachineArn"],
            "BUNDLE_STATE_MACHINE_ARN": h.outputs["BundleStateMachineArn"],
        }

    stage = {"applicationId": case}
    events: dict[str, tuple[dict[str, Any], str | None]] = {
        "acceptance": (stage, "submitted"),
        "supplement": (
            {"action": "await", "applicationId": returned, "taskToken": TOKEN},
            "returned",
        ),
        "approval": (
            {"applicationId": case, "department": "POWER", "role": "lead", "taskToken": TOKEN},
            "accepted",
        ),
        "issuance": (stage, "reviewed"),
        "delivery": (stage, "issued"),
        "feedback": (stage, "delivered"),
        "failure": (
            {
                "applicationId": case,
                "error": {"Error": "States.TaskFailed", "Cause": '{"errorMessage": "boom"}'},
            },
            "accepted",
        ),
        "bundle": (
            {
                "action": "plan_wave",
                "bundleCaseId": bundle_case_id,
                "wave": [members[i] for i in first_wave],
            },
            "bundle_submitted",
        ),
        "api": (rest_event("GET", "/catalog/items", query={"limit": "20"}), None),
        # The sweep on a case in approval (nothing due yet), the reconciler on an execution
        # of a case in approval that was stopped.
        "deadlines": ({"source": "aws.events", "detail-type": "Scheduled Event"}, "accepted"),
        "reconcile": (_stopped_execution_batch(case), "accepted"),
        # The stream's batch for acceptance's write: the header before and after, its event.
        "audit": (_stream_batch(snapshots["submitted"], snapshots["accepted"]), None),
        # The same change as the stats function gets it (filtered): the case accepted.
        "stats": (_tallied(_stream_batch(snapshots["submitted"], snapshots["accepted"])), None),
        # A citizen confirming their sign-up (the pool, its group and the user are made in
        # the child, whose moto hands out the pool id: see cold_child's _cognito).
        "signup": (_sign_up_confirmed(), None),
    }
    functions: dict[str, Any] = {}
    # Only the functions the app has (constants.FUNCTIONS); one without an event here is
    # reported as not measured (run()), not a crash.
    for key in [k for k in FUNCTIONS if k in events]:
        event, state = events[key]
        items = snapshots[state] if state else []
        functions[key] = {
            "module": f"functions.{key}.handler",
            "function_name": f"onewindow-local-{key}",
            "memory": FUNCTIONS[key]["memory"],
            "timeout": FUNCTIONS[key]["timeout"],
            "env": function_environment(key, resources),
            "event": event,
            "items": items,
            "warm": warm,
        }
        if key == "signup":
            functions[key]["cognito"] = {"group": "citizen", "username": SIGN_UP_USER}
    functions[FLOOR] = {
        **functions["feedback"],
        "module": "infra.bench.floor_handler",
        "function_name": "onewindow-local-floor",
        "event": {"itemId": STANDARD_ITEM},
        "items": [],
    }
    functions[PYDANTIC_REFERENCE] = {
        **functions[FLOOR],
        "module": "infra.bench.floor_pydantic_handler",
        "function_name": "onewindow-local-floor-pydantic",
    }
    seed = {
        "region": REGION,
        "moto_config": MOTO_CONFIG,
        "base_env": {
            # As in Lambda: the invocation's sampled trace header, logged on every line.
            "LAMBDA_TASK_ROOT": str(ROOT),
            "_X_AMZN_TRACE_ID": TRACE_HEADER,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
        },
        "table": table,
        "bucket": bucket,
        "tables": tables,
        "catalog": catalog,
        "functions": functions,
    }
    path.write_text(json.dumps(seed, ensure_ascii=False, default=_base64), encoding="utf-8")


SIGN_UP_USER = "citizen-liu@example.cn"


def _sign_up_confirmed() -> dict[str, Any]:
    """The post-confirmation event Cognito sends after ConfirmSignUp, as the trigger gets it."""
    return {
        "version": "1",
        "region": REGION,
        "userPoolId": "",  # filled in by the child once moto made the pool
        "userName": SIGN_UP_USER,
        "callerContext": {"awsSdkVersion": "aws-sdk-js-3", "clientId": "bench-web-client"},
        "triggerSource": "PostConfirmation_ConfirmSignUp",
        "request": {
            "userAttributes": {
                "sub": "3f2c9a1e-8b7d-4c6e-9a5f-1d2e3c4b5a69",
                "email": SIGN_UP_USER,
                "email_verified": "true",
                "cognito:user_status": "CONFIRMED",
            }
        },
        "response": {},
    }


def _stream_batch(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    """A DynamoDB Streams batch as Lambda gets it: each record of `after` that is new or
    changed since `before`, with its old and new images."""
    old = {i["SK"]["S"]: i for i in before}
    records = []
    for n, item in enumerate(after, start=1):
        previous = old.get(item["SK"]["S"])
        if previous == item:
            continue
        data: dict[str, Any] = {
            "Keys": {"PK": item["PK"], "SK": item["SK"]},
            "NewImage": item,
            "SequenceNumber": str(1000 + n),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        }
        if previous:
            data["OldImage"] = previous
        records.append(
            {
                "eventID": f"bench-{n}",
                "eventName": "MODIFY" if previous else "INSERT",
                "eventSource": "aws:dynamodb",
                "awsRegion": "us-east-1",
                "dynamodb": data,
            }
        )
    return {"Records": records}


def _stopped_execution_batch(application_id: str) -> dict[str, Any]:
    """An SQS batch of one EventBridge "Execution Status Change" event, as Lambda gets it."""
    detail = {"name": application_id, "status": "ABORTED", "error": None, "cause": None}
    body = {"source": "aws.states", "detail-type": "Step Functions Execution Status Change"}
    return {
        "Records": [
            {
                "messageId": "bench-1",
                "receiptHandle": "bench",
                "body": json.dumps({**body, "detail": detail}),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:bench",
                "awsRegion": "us-east-1",
            }
        ]
    }


def _base64(value: Any) -> Any:
    """A binary attribute value as {"B64": ...}; cold_child turns it back into bytes."""
    if isinstance(value, bytes):
        return {"B64": base64.b64encode(value).decode()}
    raise TypeError(f"{type(value).__name__} is not JSON")


def _tallied(batch: dict[str, Any]) -> dict[str, Any]:
    """The batch as the stats function's filter passes it (case headers and reviews)."""
    from shared.stages.stats import is_tallied

    return {"Records": [r for r in batch["Records"] if is_tallied(r)]}


def _create_kwargs(described: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "TableName": described["TableName"],
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": described["AttributeDefinitions"],
        "KeySchema": described["KeySchema"],
    }
    if described.get("GlobalSecondaryIndexes"):
        kwargs["GlobalSecondaryIndexes"] = [
            {
                "IndexName": g["IndexName"],
                "KeySchema": g["KeySchema"],
                "Projection": g["Projection"],
            }
            for g in described["GlobalSecondaryIndexes"]
        ]
    return kwargs


def run_child(seed: Path, key: str, importtime: bool = False) -> tuple[dict[str, Any], str]:
    """One cold start of `key` in a fresh interpreter: its figures, and its stderr."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    command = [sys.executable]
    if importtime:
        command += ["-X", "importtime"]
    command += ["-m", "infra.bench.cold_child", str(seed), key, str(out_path)]
    done = subprocess.run(
        command, cwd=ROOT, env=_clean_env(), capture_output=True, text=True, check=False
    )
    try:
        if done.returncode != 0:
            raise RuntimeError(f"cold start of {key} failed:\n{done.stderr[-3000:]}")
        return json.loads(out_path.read_text()), done.stderr
    finally:
        out_path.unlink(missing_ok=True)


def _clean_env() -> dict[str, str]:
    """Only what an interpreter needs: the child sets the function's own variables."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    return {k: v for k, v in os.environ.items() if k in keep}


@dataclass
class _Import:
    name: str
    self_ms: float
    cumulative_ms: float
    children: list["_Import"] = field(default_factory=list)


def _import_tree(lines: list[str]) -> list[_Import]:
    """-X importtime prints a module after the modules it imported, one indent deeper."""
    pattern = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
    pending: dict[int, list[_Import]] = defaultdict(list)
    for line in lines:
        found = pattern.match(line)
        if not found:
            continue
        depth = (len(found.group(3)) - 1) // 2
        node = _Import(found.group(4), int(found.group(1)) / 1000, int(found.group(2)) / 1000)
        node.children = pending.pop(depth + 1, [])
        pending[depth].append(node)
    return pending.get(0, [])


def import_culprits(stderr: str, top: int = 8) -> dict[str, list[dict[str, Any]]]:
    """From `-X importtime`, what the cold start imported once the timer began.

    `first_level`: the imports the handler's own modules (functions.*) make, plus those the
    first event makes lazily, each with everything under it (the first importer of a shared
    dependency such as pydantic carries its cost). `by_package`: self time summed per
    top-level package. Both include -X importtime's own overhead."""
    roots = _import_tree(stderr.partition(MARK)[2].splitlines())
    per_package: dict[str, float] = defaultdict(float)
    first_level: list[_Import] = []

    def walk(node: _Import) -> None:
        per_package[node.name.split(".")[0]] += node.self_ms
        for child in node.children:
            walk(child)

    def expand(node: _Import) -> None:
        if node.name.split(".")[0] == "functions":
            for child in node.children:
                expand(child)
        else:
            first_level.append(node)

    for root in roots:
        walk(root)
        expand(root)
    ranked = sorted(per_package.items(), key=lambda kv: kv[1], reverse=True)[:top]
    return {
        "first_level": [
            {"module": n.name, "cumulative_ms": round(n.cumulative_ms, 1)}
            for n in sorted(first_level, key=lambda n: n.cumulative_ms, reverse=True)[:top]
        ],
        "by_package": [{"package": name, "self_ms": round(ms, 1)} for name, ms in ranked],
    }


def _budget(key: str) -> tuple[float, str] | None:
    """(ratio, the row it is a ratio to): the API against the floor, each stage against
    the floor plus pydantic (pydantic is one of the project's chosen dependencies)."""
    if key in (FLOOR, PYDANTIC_REFERENCE):
        return None
    return (API_BUDGET, FLOOR) if key == "api" else (STAGE_BUDGET, PYDANTIC_REFERENCE)


def cpu_share(memory_mb: int) -> float:
    """The share of one vCPU Lambda gives an invocation: proportional to memory, one full
    vCPU at 1,769 MB. Init runs at a full core whatever the memory."""
    return min(1.0, memory_mb / FULL_CORE_MB)


def _code_ms(sample: dict[str, Any]) -> float:
    """The function's own time for its first event: moto's share of it left out."""
    return float(sample["first_ms"] - sample["service_ms"])


def _lambda_ms(sample: dict[str, Any], base: float, memory_mb: int) -> float:
    """A cold start as Lambda would run it: boto3's import and the handler's (init) at a
    full core, the first call's own work at the memory's share of one."""
    invoke = max(0.0, _code_ms(sample) - sample["import_ms"])
    return base + sample["import_ms"] + invoke / cpu_share(memory_mb)


def run(repeat: int = 5, warm: int = 5) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as workdir:
        seed = Path(workdir) / "seed.json"
        build_seed(seed, warm)
        measured = json.loads(seed.read_text(encoding="utf-8"))["functions"]
        keys = [FLOOR, PYDANTIC_REFERENCE, *(k for k in FUNCTIONS if k in measured)]
        samples: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
        # Interleaved rounds, so drift in the machine's load touches every function alike.
        for _ in range(repeat):
            for key in keys:
                samples[key].append(run_child(seed, key)[0])
        base = statistics.median(s["boto3_import_ms"] for k in keys for s in samples[k])
        results = {key: _figures(samples[key], base, measured[key]["memory"]) for key in keys}
        for key in keys:
            _judge(key, results)
            if results[key]["met"] is False:
                results[key]["import_culprits"] = import_culprits(run_child(seed, key, True)[1])
    return {
        "boto3_import_ms": round(base, 1),
        "repeat": repeat,
        "full_core_mb": FULL_CORE_MB,
        "functions": results,
        # Functions the app has that the bench has no representative event for.
        "not_measured": [k for k in FUNCTIONS if k not in measured],
    }


def _figures(samples: list[dict[str, Any]], base: float, memory_mb: int) -> dict[str, Any]:
    def median(values: Any) -> float:
        return float(statistics.median(values))

    return {
        "memory_mb": memory_mb,
        "first_ms": round(median(_code_ms(s) for s in samples), 1),
        "service_ms": round(median(s["service_ms"] for s in samples), 1),
        "import_ms": round(median(s["import_ms"] for s in samples), 1),
        "invoke_ms": round(median(max(0.0, _code_ms(s) - s["import_ms"]) for s in samples), 1),
        "lambda_ms": round(median(_lambda_ms(s, base, memory_mb) for s in samples), 1),
        "flat_ms": round(base + median(_code_ms(s) for s in samples), 1),
        "raw_ms": round(base + median(s["first_ms"] for s in samples), 1),
        "warm_ms": round(median(w for s in samples for w in s["warm_ms"]), 2),
        "modules_loaded": samples[0]["modules"],
    }


def _judge(key: str, results: dict[str, dict[str, Any]]) -> None:
    """Ratios to the floor (and, for a budget, to its reference row): `ratio` on Lambda's
    CPU model, `flat_ratio` with every millisecond counted alike (this machine's figure),
    `with_moto_ratio` flat with moto's time kept in."""
    figures, floor = results[key], results[FLOOR]
    figures["ratio"] = round(figures["lambda_ms"] / floor["lambda_ms"], 2)
    figures["flat_ratio"] = round(figures["flat_ms"] / floor["flat_ms"], 2)
    figures["with_moto_ratio"] = round(figures["raw_ms"] / floor["raw_ms"], 2)
    budget = _budget(key)
    figures["budget"], figures["budget_of"], figures["met"] = None, None, None
    if budget is not None:
        limit, reference = budget
        against = figures["lambda_ms"] / results[reference]["lambda_ms"]
        figures["budget_ratio"] = round(against, 2)
        figures["budget_flat_ratio"] = round(figures["flat_ms"] / results[reference]["flat_ms"], 2)
        figures["budget"], figures["budget_of"] = limit, reference
        figures["met"] = against <= limit


def measure_init_ms(repeat: int = 3) -> dict[str, float]:
    """Each function's INIT duration as Lambda bills it (boto3's import and the handler's,
    at a full core), for the cost section when the cold section did not run."""
    with tempfile.TemporaryDirectory() as workdir:
        seed = Path(workdir) / "seed.json"
        build_seed(seed, warm=0)
        keys = list(json.loads(seed.read_text(encoding="utf-8"))["functions"])
        samples = {k: [run_child(seed, k)[0] for _ in range(repeat)] for k in keys}
    return {
        k: statistics.median(s["boto3_import_ms"] + s["import_ms"] for s in runs)
        for k, runs in samples.items()
    }


def init_ms_of(result: dict[str, Any]) -> dict[str, float]:
    """The same, from a cold section's result."""
    base = float(result["boto3_import_ms"])
    return {k: base + float(f["import_ms"]) for k, f in result["functions"].items()}
