"""电子监察 in the local system: the deadlines sweep gives a yellow warning some working days
before a task's promised deadline and a red one once it has passed, on a clock the test
moves forward; the centre's supervisors and the department's leads list what is late; a
stopped clock holds its tasks out of it, and an extension takes a warning back."""

from datetime import datetime
from typing import Any

import pytest

from tests.integration.conftest import CITIZEN, Caller, System, running_system, staff
from tests.integration.journeys import decide_all, submitted_case

JOINT = "SD-KFQ-0010"  # lead POWER, co WATER and URBAN; promised 5 working days, warned at 2
SUPERVISOR = Caller("sub-supervisor-1", "supervisor-liu", ("supervisor",))
WATER_LEAD = Caller("sub-lead-water", "lead-water", ("dept-WATER", "lead-WATER"))
HOUR = 1 / 24


@pytest.fixture
def system() -> Any:
    with running_system() as running:
        yield running


def inbox_task(system: System, case: str, officer: Caller) -> dict[str, Any]:
    system.wait_for(case, lambda a: len(a.reviews) == 3)
    inbox = system.api("GET", "/tasks", caller=officer)
    assert inbox.status == 200, inbox.body
    return next(t for t in inbox.body["items"] if t["applicationId"] == case)


def days_until(moment: str, system: System) -> float:
    """Calendar days from the system's now to `moment`, plus an hour."""
    from shared.models.common import utc_now

    return (datetime.fromisoformat(moment) - utc_now()).total_seconds() / 86400 + HOUR


def late_for(caller: Caller, system: System, department: str | None = None) -> Any:
    query = {"department": department} if department else None
    return system.api("GET", "/supervision/overdue", caller=caller, query=query)


def test_a_yellow_then_a_red_warning_fire_as_the_clock_moves(system: System) -> None:
    # Given a joint case in approval, its tasks not yet warned
    case = submitted_case(system, JOINT)
    task = inbox_task(system, case, staff("WATER"))
    assert task["warning"] is None and task["warnAt"] < task["dueAt"]
    assert system.sweep_deadlines() == {"warned": 0, "marked": 0, "skipped": 0}

    # When the clock reaches the warning time (two working days before the deadline)
    system.advance_clock(days_until(task["warnAt"], system))
    swept = system.sweep_deadlines()

    # Then each department's task is yellow, the case says so, and nobody is late yet
    assert swept == {"warned": 3, "marked": 0, "skipped": 0}
    task = inbox_task(system, case, staff("WATER"))
    assert task["warning"] == "yellow" and task["remainingWorkingDays"] <= 2
    assert system.actions(case).count("deadline_warning") == 3
    assert late_for(SUPERVISOR, system).body["items"] == []
    # And the next sweep has nothing new to do
    assert system.sweep_deadlines() == {"warned": 0, "marked": 0, "skipped": 0}

    # When the deadline passes
    system.advance_clock(days_until(task["dueAt"], system))
    swept = system.sweep_deadlines()

    # Then every task is red, the case is late, and it escalates: the centre sees all three,
    # the water department's lead sees theirs, an officer or a lead of all sees nothing
    assert swept == {"warned": 0, "marked": 3, "skipped": 0}
    assert inbox_task(system, case, staff("WATER"))["warning"] == "red"
    assert system.application(case).overdue_since is not None
    everyone = late_for(SUPERVISOR, system)
    assert everyone.status == 200
    assert {t["department"] for t in everyone.body["items"]} == {"POWER", "WATER", "URBAN"}
    water = late_for(WATER_LEAD, system, "WATER")
    assert [t["department"] for t in water.body["items"]] == ["WATER"]
    assert late_for(staff("WATER"), system, "WATER").status == 403
    assert late_for(WATER_LEAD, system).status == 403
    assert late_for(WATER_LEAD, system, "POWER").status == 403
    assert late_for(CITIZEN, system).status == 403
    # And the departments still decide; the case concludes
    decide_all(system, case, JOINT)
    system.wait_for_status(case, "COMPLETED")


def test_a_stopped_clock_holds_its_tasks_out_of_the_warnings(system: System) -> None:
    # Given a case whose water department started the item's inspection
    case = submitted_case(system, JOINT)
    task = inbox_task(system, case, staff("WATER"))
    started = system.api(
        "POST",
        f"/tasks/{task['taskId']}/special-procedures",
        caller=staff("WATER"),
        body={"kind": "inspection", "reason": "现场核查"},
    )
    assert started.status == 200, started.body

    # When the clock passes the old deadline while the inspection runs
    system.advance_clock(days_until(task["dueAt"], system) + 1)

    # Then nobody is warned: the days are held
    assert system.sweep_deadlines() == {"warned": 0, "marked": 0, "skipped": 0}
    assert inbox_task(system, case, staff("URBAN"))["warning"] is None

    # When the inspection ends, the deadline has moved by the working days it took
    ended = system.api(
        "POST",
        f"/tasks/{task['taskId']}/special-procedures/P1/end",
        caller=staff("WATER"),
        body={"outcome": "具备接入条件"},
    )
    assert ended.status == 200, ended.body
    assert ended.body["pausedWorkingDays"] > 0
    assert ended.body["promised"]["remainingWorkingDays"] >= 0
    assert system.sweep_deadlines()["marked"] == 0


def test_an_extension_takes_a_yellow_warning_back(system: System) -> None:
    # Given a case whose tasks were warned
    case = submitted_case(system, JOINT)
    task = inbox_task(system, case, staff("POWER"))
    system.advance_clock(days_until(task["warnAt"], system))
    assert system.sweep_deadlines()["warned"] == 3

    # When the lead department extends it by 5 working days
    extended = system.api(
        "POST",
        f"/tasks/{task['taskId']}/extensions",
        caller=staff("POWER"),
        body={"days": 5, "reason": "需组织联合踏勘"},
    )

    # Then its tasks are no longer due soon, and warn again only near the new deadline
    assert extended.status == 200, extended.body
    assert inbox_task(system, case, staff("WATER"))["warning"] is None
    assert system.sweep_deadlines() == {"warned": 0, "marked": 0, "skipped": 0}
    moved = inbox_task(system, case, staff("WATER"))
    system.advance_clock(days_until(moved["warnAt"], system))
    assert system.sweep_deadlines()["warned"] == 3
