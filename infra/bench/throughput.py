"""End-to-end throughput on the local system, against the bare engine in the same run.

System: K standard cases are filed with their materials (not timed), then submitted at
once by several citizens while one officer per department (a thread each) opens the inbox
whenever a review lands in it and approves what is there, until every execution has
SUCCEEDED (every case COMPLETED): applications per second through every stage.

Bare engine: moto's interpreter running the same ASL (infra/local/provision's definition)
with every Lambda task pointing at a no-op function (infra/bench/bare_handlers.py) run by
the same local runtime, and every review token answered as soon as it is handed out; K
executions at once, until all have SUCCEEDED.

Both run in this one process (moto's state is in-process), so both share its interpreter
lock and the local runtime's lock; `handler_ms_per_case` shows how much of the system's
time per case is the functions' own work.
"""

import io
import json
import statistics
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3

from infra.bench import bare_handlers
from infra.bench.cost import standard_case
from infra.bench.harness import Harness, local_system
from infra.constants import ASL_FUNCTIONS
from infra.local.inprocess import citizen, officer
from infra.local.provision import state_machine_definition

BUDGET_RATIO = 0.5
DEPARTMENTS = ("POWER", "WATER", "URBAN")
# How often the benchmark checks whether executions have finished (the same for both).
POLL_SECONDS = 0.05
OFFICER_IDLE_SECONDS = 0.5


def _system_rate(h: Harness, cases: int) -> dict[str, Any]:
    standard_case(h)  # warm-up: imports, first clients
    citizens = [citizen(n) for n in range(cases)]
    ids = [h.draft(who=who) for who in citizens]
    h.reset_counts()
    stop = threading.Event()
    decisions = {"decided": 0, "conflicts": 0}
    # An officer opens the inbox when a review lands in it (as a notification would tell
    # them), not by polling: the bare engine's tokens are answered the same way, at once.
    landed = {d: threading.Event() for d in DEPARTMENTS}

    def notify(name: str, event: dict[str, Any]) -> None:
        if name.endswith("-approval") and event.get("department") in landed:
            landed[event["department"]].set()

    h.runtime.on_finished = notify

    def officer_loop(department: str) -> None:
        staff = officer(department)
        while not stop.is_set():
            if not landed[department].wait(OFFICER_IDLE_SECONDS):
                continue
            landed[department].clear()
            inbox = h.api(
                "GET", "/tasks", caller=staff, query={"department": department, "limit": "100"}
            )
            for task in inbox.body["items"] if inbox.status == 200 else []:
                answer = h.api(
                    "POST",
                    f"/tasks/{task['taskId']}/decision",
                    caller=staff,
                    body={"decision": "approve", "comment": "同意"},
                )
                key = "decided" if answer.status == 200 else "conflicts"
                decisions[key] += 1
                if answer.status != 200:  # the case moved on meanwhile: look again
                    landed[department].set()

    officers = [threading.Thread(target=officer_loop, args=(d,), daemon=True) for d in DEPARTMENTS]
    started = time.perf_counter()
    for thread in officers:
        thread.start()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(h.submit, ids, citizens))
    try:
        elapsed = _wait_all(h, [h.execution_arn(i) for i in ids], started)
    finally:
        stop.set()
        for thread in officers:
            thread.join(timeout=10)
        h.runtime.on_finished = None
    statuses = {h.application(i).status.value for i in ids}
    assert statuses == {"COMPLETED"}, statuses
    handler_ms = sum(r.duration_ms for r in h.runtime.handler_runs)
    handler_ms += sum(r.duration_ms for r in h.api_invocations)
    # The runtime's own record starts before its lock is taken: the difference is waiting.
    lock_wait_ms = sum(r.duration_ms for r in h.runtime.invocations) - sum(
        r.duration_ms for r in h.runtime.handler_runs
    )
    return {
        "cases": cases,
        "seconds": round(elapsed, 2),
        "apps_per_second": round(cases / elapsed, 2),
        "handler_ms_per_case": round(handler_ms / cases, 1),
        "stage_lock_wait_ms_per_case": round(lock_wait_ms / cases, 1),
        "stage_invocations": len(h.runtime.handler_runs),
        "api_requests": len(h.api_invocations),
        "decision_conflicts": decisions["conflicts"],
    }


def _wait_all(h: Harness, execution_arns: list[str], started: float) -> float:
    """Seconds from `started` until every execution SUCCEEDED, checked the same way for
    the system and the bare engine."""
    sfn = boto3.client("stepfunctions")
    pending = set(execution_arns)
    deadline = time.monotonic() + 60 + 5 * len(pending)
    while pending:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(pending)} executions still running")
        for arn in list(pending):
            with h.runtime.exclusive({}):
                execution = sfn.describe_execution(executionArn=arn)
            if execution["status"] == "SUCCEEDED":
                pending.discard(arn)
            elif execution["status"] != "RUNNING":
                raise RuntimeError(
                    f"execution {arn.rsplit(':', 1)[-1]} ended {execution['status']}: "
                    f"{execution.get('error', '')} {execution.get('cause', '')}"[:600]
                )
        time.sleep(POLL_SECONDS)
    return time.perf_counter() - started


def _bare_machine(h: Harness) -> str:
    lam = boto3.client("lambda")
    role = boto3.client("iam").get_role(RoleName="onewindow-local-lambda")["Role"]["Arn"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "no-op stage for the bare-engine benchmark")
    arns = {
        key: lam.create_function(
            FunctionName=f"onewindow-bare-{key}",
            Runtime="python3.13",
            Role=role,
            Handler=f"infra.bench.bare_handlers.{key}",
            Code={"ZipFile": buffer.getvalue()},
            MemorySize=128,
            Timeout=15,
        )["FunctionArn"]
        for key in ASL_FUNCTIONS
    }
    account = boto3.client("sts").get_caller_identity()["Account"]
    return str(
        boto3.client("stepfunctions").create_state_machine(
            name="onewindow-bench-bare",
            definition=state_machine_definition(arns),
            roleArn=f"arn:aws:iam::{account}:role/onewindow-local-states",
            type="STANDARD",
        )["stateMachineArn"]
    )


def _bare_rate(h: Harness, cases: int) -> dict[str, Any]:
    with h.runtime.exclusive({}):
        machine = _bare_machine(h)
    sfn = boto3.client("stepfunctions")
    stop = threading.Event()

    def responder() -> None:
        while not stop.is_set():
            try:
                token = bare_handlers.tokens.get(timeout=POLL_SECONDS)
            except Exception:  # queue.Empty
                continue
            with h.runtime.exclusive({}):
                sfn.send_task_success(taskToken=token, output=json.dumps({"decision": "approve"}))

    def run_batch(count: int, tag: str) -> float:
        started = time.perf_counter()
        arns = []
        for n in range(count):
            with h.runtime.exclusive({}):
                arns.append(
                    sfn.start_execution(
                        stateMachineArn=machine,
                        name=f"{tag}-{n}",
                        input=json.dumps({"applicationId": f"BARE{n:022d}"}),
                    )["executionArn"]
                )
        return _wait_all(h, arns, started)

    thread = threading.Thread(target=responder, daemon=True)
    thread.start()
    try:
        run_batch(1, "warmup")
        elapsed = run_batch(cases, "bare")
    finally:
        stop.set()
        thread.join(timeout=10)
    return {
        "cases": cases,
        "seconds": round(elapsed, 2),
        "apps_per_second": round(cases / elapsed, 2),
    }


def run(cases: int = 30, rounds: int = 3) -> dict[str, Any]:
    """Alternates bare-engine and system rounds, each in a fresh embedded AWS. Each round
    pairs a bare run with the system run right after it, and the ratio kept is the median
    of the rounds' ratios: a slow spell of the machine then skews one pair, not both
    medians apart (the ratio of the two medians is kept beside it)."""
    bare_rounds, system_rounds = [], []
    for _ in range(rounds):
        with local_system() as h:
            bare_rounds.append(_bare_rate(h, cases))
        with local_system() as h:
            system_rounds.append(_system_rate(h, cases))
    system = _median_round(system_rounds)
    bare = _median_round(bare_rounds)
    round_ratios = [
        s["apps_per_second"] / b["apps_per_second"]
        for s, b in zip(system_rounds, bare_rounds, strict=True)
    ]
    ratio = statistics.median(round_ratios)
    return {
        "system": system,
        "bare_engine": bare,
        "ratio": round(ratio, 2),
        "round_ratios": [round(r, 2) for r in round_ratios],
        "ratio_of_medians": round(system["apps_per_second"] / bare["apps_per_second"], 2),
        "budget_ratio": BUDGET_RATIO,
        "met": ratio >= BUDGET_RATIO,
    }


def _median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    ranked = sorted(rounds, key=lambda r: r["apps_per_second"])
    return {
        **ranked[len(ranked) // 2],
        "rounds_apps_per_second": [r["apps_per_second"] for r in rounds],
    }
