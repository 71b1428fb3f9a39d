"""A case whose timeline grows for years: 10,000 events, read and written like any case."""

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from shared.adapters.dynamo.cases import event_items
from shared.models.application import TimelineEvent
from shared.models.common import ApplicationStatus, Stage, utc_now
from shared.stages.failure import record_failure
from tests.integration.conftest import CITIZEN, System, running_system
from tests.integration.journeys import submitted_case

STANDARD = "SD-KFQ-0010"
EVENTS = 10_000


@pytest.fixture(scope="module")
def long_case() -> Iterator[tuple[System, str]]:
    """A case in approval with 10,000 events on its timeline (a key project's years)."""
    with running_system() as system:
        application_id = submitted_case(system, STANDARD)
        system.wait_for(application_id, lambda a: len(a.reviews) == 3)
        start = utc_now()
        events = [
            TimelineEvent(
                at=start + timedelta(milliseconds=n),
                stage=Stage.APPROVAL,
                action="note",
                actor="steward-wang",
                detail=f"跟踪记录 {n:05d}：与企业沟通项目进展",
            )
            for n in range(EVENTS)
        ]
        with system.runtime.exclusive({}):
            system.repo._batch_put(event_items(application_id, events))
        yield system, application_id


def test_a_case_with_10000_events_still_reads_and_writes(long_case: tuple[System, str]) -> None:
    system, application_id = long_case

    # When the applicant opens the case
    view = system.api("GET", f"/applications/{application_id}", caller=CITIZEN)

    # Then it answers with the latest events and a way back to the older ones
    assert view.status == 200, view.body
    assert len(view.body["timeline"]) == 50
    assert view.body["timeline"][-1]["detail"].endswith(f"{EVENTS - 1:05d}：与企业沟通项目进展")
    assert view.body["timelineCursor"]
    # And no record of the case grows with its timeline
    sizes = {r["SK"]["S"].split("#")[0]: len(json.dumps(r)) for r in system.records(application_id)}
    # (the header holds the clock, ~250 bytes while nothing stopped or extended it)
    assert sizes["HEADER"] < 1700

    # And a stage can still record a failure on it (the old design could not: 400 KB)
    with system.runtime.exclusive(system.api_env):
        repo = system.repo
        record_failure(application_id, {"Error": "Test", "Cause": "{}"}, repo, repo)
    assert system.application(application_id).status is ApplicationStatus.FAILED


def test_the_whole_timeline_pages_in_order(long_case: tuple[System, str]) -> None:
    system, application_id = long_case

    # When the applicant reads the first pages of the timeline, oldest first, and the
    # repository pages through the rest (moto sorts a whole partition for every query,
    # so a hundred API pages of 100 would take a minute here; DynamoDB would not)
    first = system.api(
        "GET", f"/applications/{application_id}/timeline", caller=CITIZEN, query={"limit": "100"}
    )
    second = system.api(
        "GET",
        f"/applications/{application_id}/timeline",
        caller=CITIZEN,
        query={"limit": "100", "cursor": first.body["nextCursor"]},
    )
    assert first.status == second.status == 200
    seen: list[dict] = first.body["items"] + second.body["items"]
    cursor = second.body["nextCursor"]
    with system.runtime.exclusive({}):
        while cursor:
            page = system.repo.list_timeline(application_id, 1000, cursor)
            seen.extend(e.model_dump(mode="json", by_alias=True) for e in page.items)
            cursor = page.next_cursor

    # Then every event comes once, in time order; newest first works the other way round
    notes = [e for e in seen if e["action"] == "note"]
    assert len(notes) == EVENTS
    assert [e["at"] for e in seen] == sorted(e["at"] for e in seen)
    latest = system.api(
        "GET",
        f"/applications/{application_id}/timeline",
        caller=CITIZEN,
        query={"limit": "3", "order": "desc"},
    )
    assert [e["at"] for e in latest.body["items"]] == sorted(
        (e["at"] for e in seen[-3:]), reverse=True
    )
    # And a cursor of this case's timeline is refused on another's
    other = submitted_case(system, STANDARD)
    refused = system.api(
        "GET",
        f"/applications/{other}/timeline",
        caller=CITIZEN,
        query={"cursor": latest.body["nextCursor"]},
    )
    assert refused.status == 422 and refused.body["fields"][0]["field"] == "cursor"
