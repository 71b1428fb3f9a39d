"""The published figures on the real system: cases accepted, concluded (approved or
rejected), on time and the working days they took, per item and per department, for all
time and the month; overdue now rising with the red warning and falling with the decision;
counted from the table's stream, once per change, and public."""

from datetime import datetime
from typing import Any

import boto3

from shared.domain.stats import month_of
from shared.models.common import utc_now
from tests.integration.conftest import System
from tests.integration.journeys import decide_all, submitted_case

JOINT = "SD-KFQ-0010"  # lead POWER, co WATER and URBAN; promised 5 working days
HOUR = 1 / 24


def figures(system: System, kind: str, **query: str) -> dict[str, Any]:
    answer = system.api("GET", f"/stats/{kind}", query=query or None)  # no token: public
    assert answer.status == 200, answer.body
    return answer.body


def row(page: dict[str, Any], key: str, value: str) -> dict[str, Any]:
    (found,) = [r for r in page["items"] if r[key] == value]
    return found


def concluded(system: System, rejecting: dict[str, str] | None = None) -> str:
    case = submitted_case(system, JOINT)
    system.wait_for(case, lambda a: len(a.reviews) == 3)
    decide_all(system, case, JOINT, rejecting)
    system.wait_execution(case)
    return case


def test_concluded_cases_count_per_item_and_department_for_all_time_and_the_month(
    system: System,
) -> None:
    # Given two cases of one item concluded the day they were filed: one approved by all
    # three departments, one rejected by the water department
    concluded(system)
    concluded(system, rejecting={"WATER": "供水管网压力不足，不具备接入条件"})

    # When anyone reads the item's figures
    everything = figures(system, "items")

    # Then the item shows two accepted, two concluded, one each way, both on time, named
    item = row(everything, "itemId", JOINT)
    assert everything["period"] == "all"
    assert (item["accepted"], item["notAccepted"], item["concluded"]) == (2, 0, 2)
    assert (item["approved"], item["rejected"], item["onTime"]) == (1, 1, 2)
    assert item["onTimeRate"] == 1.0 and item["averageWorkingDays"] == 0.0
    assert item["overdueNow"] == 0
    assert item["nameZh"] and item["leadDepartment"] == "POWER"
    # And this month's row says the same, without a current figure; another month is empty
    month = figures(system, "items", period=month_of(utc_now()))
    assert row(month, "itemId", JOINT)["concluded"] == 2
    assert row(month, "itemId", JOINT)["overdueNow"] is None
    assert figures(system, "items", period="2020-01")["items"] == []

    # And each department decided two reviews, the water department rejected one
    departments = figures(system, "departments")
    water = row(departments, "department", "WATER")
    assert (water["decided"], water["approved"], water["rejected"]) == (2, 1, 1)
    assert water["onTimeRate"] == 1.0 and water["nameZh"]
    assert {r["department"] for r in departments["items"]} == {"POWER", "WATER", "URBAN"}
    assert all(r["decided"] == 2 for r in departments["items"])


def test_overdue_now_rises_with_the_red_warning_and_falls_with_the_decision(
    system: System,
) -> None:
    # Given a case in approval whose tasks pass their due time: the sweep marks them late
    case = submitted_case(system, JOINT)
    system.wait_for(case, lambda a: len(a.reviews) == 3)
    due = system.application(case).reviews["WATER"].due_at
    system.advance_clock((due - utc_now()).total_seconds() / 86400 + HOUR)
    assert system.sweep_deadlines()["marked"] == 3

    # Then the item has one case overdue now and each department one task
    assert row(figures(system, "items"), "itemId", JOINT)["overdueNow"] == 1
    assert all(r["overdueNow"] == 1 for r in figures(system, "departments")["items"])

    # When the departments decide, late
    decide_all(system, case, JOINT)
    system.wait_execution(case)

    # Then nothing is overdue now, and the decisions count as late, with the days taken
    item = row(figures(system, "items"), "itemId", JOINT)
    assert item["overdueNow"] == 0
    assert (item["concluded"], item["onTime"], item["onTimeRate"]) == (1, 0, 0.0)
    assert item["averageWorkingDays"] >= 5  # past the 5 promised working days
    for department in figures(system, "departments")["items"]:
        assert (department["overdueNow"], department["onTime"]) == (0, 0)
        assert department["averageWorkingDays"] == item["averageWorkingDays"]


def test_a_batch_delivered_again_adds_nothing_twice(system: System) -> None:
    # Given a concluded case and the stream records the stats function was given
    concluded(system)
    before = row(figures(system, "items"), "itemId", JOINT)
    tallied = _tallied_events(system)
    assert tallied  # one record per change that added something

    # When Lambda delivers the same changes again (a retried batch): the events' records
    # say they were tallied, and a tally of the same event is refused
    from shared.adapters.dynamo.stats import StatsStore
    from shared.domain.stats import Tally

    store = StatsStore(system.outputs["StatsTableName"])
    repeat = Tally("item", JOINT, month_of(utc_now()), {"concluded": 1})
    assert store.apply(tallied[0], repeat) is False

    # Then the figures are as they were
    assert row(figures(system, "items"), "itemId", JOINT) == before
    assert store.apply("a-new-event", repeat) is True
    assert row(figures(system, "items"), "itemId", JOINT)["concluded"] == before["concluded"] + 1


def _tallied_events(system: System) -> list[str]:
    table = boto3.resource("dynamodb").Table(system.outputs["StatsTableName"])
    items = table.scan()["Items"]  # a test's look at a table it owns, not a request path
    events = [i for i in items if str(i["PK"]).startswith("EVENT#")]
    assert all(
        datetime.fromtimestamp(int(i["expiresAt"])) > datetime.now() for i in events
    )  # they expire (TTL) once no redelivery can come
    return [str(i["PK"]).removeprefix("EVENT#") for i in events]


def test_a_period_that_is_not_all_or_a_month_is_refused_naming_it(system: System) -> None:
    for period in ("2026-13", "last-month", "2026-1"):
        answer = system.api("GET", "/stats/items", query={"period": period})
        assert answer.status == 422, answer.body
        assert [f["field"] for f in answer.body["fields"]] == ["query.period"]
