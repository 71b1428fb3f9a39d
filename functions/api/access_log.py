"""One line per request with the case it concerns, so a case's story includes the API
(issue 14): the path's case ids (a task's, its case's) on every line of the request, and at
the end its route
(the template, never the caller's values), status and the id of a case it created."""

import json
from typing import Any

from shared.models.ids import parse_task_id
from shared.observability import case_keys, logger


def start(event: dict[str, Any]) -> None:
    params = event.get("pathParameters") or {}
    keys = case_keys(params)
    task = parse_task_id(str(params.get("taskId") or ""))
    if task and not keys:  # a review's id is its case's and its department's
        keys = {"application_id": task[0]}
    logger.append_keys(**keys)


def finish(event: dict[str, Any], response: dict[str, Any]) -> None:
    status = int(response.get("statusCode", 0))
    created = _created_case(response) if status == 201 else {}
    logger.info(
        "request",
        extra={
            "method": event.get("httpMethod"),
            "route": event.get("resource"),
            "status": status,
            **created,
        },
    )


def _created_case(response: dict[str, Any]) -> dict[str, str]:
    try:
        body = json.loads(response.get("body") or "{}")
    except ValueError:
        return {}
    return case_keys(body) if isinstance(body, dict) else {}
