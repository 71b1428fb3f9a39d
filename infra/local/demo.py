"""`make demo`: a batch of applications through every stage, over the API, with simulated
department staff approving or rejecting; then a summary of outcomes and time per stage.

    python -m infra.local.demo [--count 20] [--reject-rate 0.15] [--seed 7]
"""

import argparse
import random
import statistics
import time
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

from tqdm import tqdm

from infra.local.client import (
    SAMPLE_ADDRESS,
    SAMPLE_ENTERPRISE,
    OneWindowClient,
    sample_form,
    upload_required,
)
from infra.local.users import DemoUser, demo_users, ensure_user, id_token, load_outputs, staff_email

ENTERPRISE = SAMPLE_ENTERPRISE
ADDRESS = SAMPLE_ADDRESS
CONCLUDED = {"COMPLETED", "FAILED", "NOT_ACCEPTED"}
# Stage spans measured from the timeline: (name, from action, to action).
STAGES = [
    ("acceptance", "submitted", "in_approval"),
    ("approval", "in_approval", "_decided"),
    ("issuance", "_decided", "_issued"),
    ("delivery", "_issued", "delivered"),
    ("feedback", "delivered", "completed"),
]


def _application_body(item: dict[str, Any]) -> dict[str, Any]:
    modes = item["deliveryModes"]
    delivery: dict[str, Any] = (
        {"mode": "mail", "address": ADDRESS} if "mail" in modes else {"mode": modes[0]}
    )
    return {
        "itemId": item["itemId"],
        "applicant": ENTERPRISE,
        "form": sample_form(item),
        "channel": "web",
        "delivery": delivery,
    }


def _stage_marks(case: dict[str, Any]) -> dict[str, datetime]:
    marks: dict[str, datetime] = {}
    for event in case["timeline"]:
        at = datetime.fromisoformat(event["at"])
        action = event["action"]
        marks.setdefault(action, at)
        if action in ("approved", "rejected") and event["stage"] == "approval":
            marks["_decided"] = at
        if action in ("issued", "rejected") and event["stage"] == "issuance":
            marks["_issued"] = at
    return marks


def _decide_pending(
    staff: dict[str, OneWindowClient], rng: random.Random, reject_rate: float
) -> int:
    decided = 0
    for department, officer in staff.items():
        for task in officer.inbox(department)["items"]:
            reject = rng.random() < reject_rate
            officer.decide(
                task["taskId"],
                "reject" if reject else "approve",
                "材料与现场情况不符" if reject else "符合条件，同意",
            )
            decided += 1
    return decided


def run(count: int, reject_rate: float, seed: int) -> dict[str, Any]:
    outputs = load_outputs()
    api = OneWindowClient(outputs["ApiUrl"])
    for user in demo_users():
        ensure_user(outputs["UserPoolId"], user)
    client_id = outputs["UserPoolClientId"]
    citizen = api.as_user(id_token(client_id, "citizen@example.com"))
    listed = api.catalog(limit=100, applicantKind="enterprise")["items"]
    if not listed:
        raise SystemExit(
            "the catalog lists no item for enterprises, so there is nothing to apply for: "
            "a deployment loads the shipped list (catalogSource=shipped); a zone's own list "
            "is loaded with python -m shared.catalog_loader --table <TableName> --file <list>"
        )
    # The search lists summaries; an application needs each item's guide (form, materials).
    items = [api.catalog_item(i["itemId"]) for i in listed[: min(count, len(listed))]]
    departments = sorted({d for i in items for d in [i["leadDepartment"], *i["coDepartments"]]})
    staff = {d: api.as_user(id_token(client_id, staff_email(d))) for d in departments}
    # Items that need a person wait at the window: the demo's clerk accepts them.
    clerk = api.as_user(id_token(client_id, "window@example.com"))
    rng = random.Random(seed)
    run_id = uuid.uuid4().hex[:12]

    started = time.perf_counter()
    ids = []
    for n in tqdm(range(count), desc="submitting", unit="case"):
        item = items[n % len(items)]
        created = citizen.create(_application_body(item), idempotency_key=f"demo-{run_id}-{n}")
        upload_required(citizen, created["applicationId"], item)
        citizen.submit(created["applicationId"])
        ids.append(created["applicationId"])

    cases: dict[str, dict[str, Any]] = {}
    with tqdm(total=count, desc="concluding", unit="case") as bar:
        while len(cases) < count:
            for waiting in clerk.window_queue()["items"]:
                clerk.accept_at_window(waiting["taskId"])
            _decide_pending(staff, rng, reject_rate)
            for application_id in ids:
                if application_id in cases:
                    continue
                case = citizen.application(application_id)
                if case["status"] in CONCLUDED:
                    cases[application_id] = case
                    bar.update(1)
                    if case["status"] == "COMPLETED":
                        citizen.rate(application_id, rng.choice([5, 5, 4, 4, 3, 2]))
            time.sleep(0.2)
    return _summary(cases, time.perf_counter() - started)


def _summary(cases: dict[str, dict[str, Any]], elapsed: float) -> dict[str, Any]:
    outcomes = Counter((c["result"] or {}).get("outcome") or c["status"] for c in cases.values())
    spans: dict[str, list[float]] = {name: [] for name, _, _ in STAGES}
    for case in cases.values():
        marks = _stage_marks(case)
        for name, start, end in STAGES:
            if start in marks and end in marks:
                spans[name].append((marks[end] - marks[start]).total_seconds())
    return {
        "cases": len(cases),
        "seconds": round(elapsed, 2),
        "outcomes": dict(outcomes),
        "stages": {
            n: {"mean_s": round(statistics.mean(v), 3), "max_s": round(max(v), 3)}
            for n, v in spans.items()
            if v
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m infra.local.demo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--reject-rate", type=float, default=0.08, help="per department decision")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    summary = run(args.count, args.reject_rate, args.seed)
    print(f"\n{summary['cases']} cases concluded in {summary['seconds']} s")
    for outcome, number in sorted(summary["outcomes"].items()):
        print(f"  {outcome:14} {number}")
    print(f"  {'stage':14} {'mean s':>8} {'max s':>8}")
    for name, figures in summary["stages"].items():
        print(f"  {name:14} {figures['mean_s']:>8} {figures['max_s']:>8}")


__all__ = ["DemoUser", "main", "run"]

if __name__ == "__main__":
    main()
