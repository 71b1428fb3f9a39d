"""One case's story in the logs (issue 14): every line the API and each stage write about a
case names it (`application_id`), each with its invocation's `correlation_id`, so the
README's Logs Insights query prints the case from filing to rating in order. Read from the
real handlers' stdout (Powertools' JSON lines, as CloudWatch receives them)."""

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shared.observability import logger
from tests.integration.conftest import CITIZEN, System
from tests.integration.journeys import decide_all, submitted_case

STANDARD = "SD-KFQ-0010"  # lead POWER with co-departments WATER and URBAN, mail allowed
STAGES = ("acceptance", "approval", "issuance", "delivery", "feedback")


Lines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def log_lines() -> Iterator[Lines]:
    """The lines every handler writes from now on, formatted as they are written (the
    Powertools formatter, with the keys of the moment)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    standard = logging.getLogger(logger.name)
    standard.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    standard.removeHandler(handler)


def test_a_case_story_names_the_case_on_the_api_and_every_stage(
    system: System, log_lines: Lines
) -> None:
    # Given a case filed, submitted, decided by its departments and concluded
    application_id = submitted_case(system, STANDARD)
    system.wait_for_status(application_id, "IN_APPROVAL")
    decide_all(system, application_id, STANDARD)
    system.wait_for_status(application_id, "COMPLETED")

    # When we read the lines that name it
    lines = log_lines()
    story = [line for line in lines if line.get("application_id") == application_id]

    # Then the API's requests are there: its creation (named from the 201's body), the
    # submit, the decisions, each with its route template and status
    requests = [line for line in story if line["message"] == "request"]
    routes = {(line["method"], line["route"], line["status"]) for line in requests}
    assert ("POST", "/applications", 201) in routes
    assert ("POST", "/applications/{applicationId}/submit", 200) in routes
    assert ("POST", "/tasks/{taskId}/decision", 200) in routes  # a task id names its case
    assert all(line.get("correlation_id") for line in requests)
    # And every stage's end, with its outcome where it has one, correlated by the case
    steps = {line["step"]: line for line in story if line["message"] == "step done"}
    assert set(STAGES) <= set(steps)
    assert steps["acceptance"]["outcome"] == "ACCEPTED"
    assert steps["issuance"]["outcome"] == "APPROVED"
    assert all(steps[s]["correlation_id"] == application_id for s in STAGES)
    # And in order: filed before accepted before issued
    order = [line.get("step") or line["route"] for line in story]
    assert order.index("/applications") < order.index("acceptance") < order.index("issuance")


def test_a_request_about_no_case_names_none(system: System, log_lines: Lines) -> None:
    # Given a case request, then a catalog search in the same warm function
    application_id = submitted_case(system, STANDARD)
    seen = len(log_lines())
    timeline_answer = system.api("GET", f"/applications/{application_id}/timeline", caller=CITIZEN)
    assert timeline_answer.status == 200, timeline_answer.body
    system.api("GET", "/catalog/items", query={"q": "电力"})
    # Then the search's line names no case (the previous request's keys were cleared)
    lines = [line for line in log_lines()[seen:] if line["message"] == "request"]
    search = next(line for line in lines if line["route"] == "/catalog/items")
    assert "application_id" not in search
    timeline = next(line for line in lines if line["route"].endswith("/timeline"))
    assert timeline["application_id"] == application_id and timeline["status"] == 200
