"""No-op stage functions for the bare engine (infra/bench/throughput.py): each returns the
least the state machine's Choice and Map need, and the approval "task" hands its token to a
queue that a responder answers at once. Imported by the local runtime like any handler.
"""

import queue
from typing import Any

DEPARTMENTS = (("POWER", "lead"), ("WATER", "co"), ("URBAN", "co"))
tokens: "queue.Queue[str]" = queue.Queue()


def acceptance(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {
        "applicationId": event["applicationId"],
        "outcome": "ACCEPTED",
        "reviewTimeoutSeconds": 3600,
        "reviews": [{"department": d, "role": r} for d, r in DEPARTMENTS],
    }


def approval(event: dict[str, Any], context: Any) -> dict[str, Any]:
    tokens.put(event["taskToken"])
    return {"taskId": f"{event['applicationId']}-{event['department']}"}


def passthrough(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"applicationId": event["applicationId"]}


supplement = issuance = delivery = feedback = failure = passthrough
