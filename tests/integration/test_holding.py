"""The officers' inbox: a task claimed (the others see who holds it) and released, a
department lead reassigning it, and an officer away delegating to a colleague for a period;
only the holder, their delegate while it lasts, or a lead decides a held task."""

from datetime import timedelta
from typing import Any

from shared.models.common import utc_now
from tests.integration.conftest import CITIZEN, Caller, System
from tests.integration.journeys import submitted_case

JOINT = "SD-KFQ-0010"  # lead POWER, co WATER and URBAN
WANG = Caller("sub-water-wang", "wang.water", ("dept-WATER",))
LI = Caller("sub-water-li", "li.water", ("dept-WATER",))
ZHAO = Caller("sub-water-zhao", "zhao.water", ("dept-WATER",))
LEAD = Caller("sub-water-lead", "chen.lead", ("dept-WATER", "lead-WATER"))
APPROVE = {"decision": "approve", "comment": "同意"}


def water_task(system: System) -> str:
    case = submitted_case(system, JOINT)
    system.wait_for(case, lambda a: len(a.reviews) == 3)
    return f"{case}-WATER"


def post(system: System, path: str, caller: Caller, body: Any = None) -> Any:
    return system.api("POST", path, caller=caller, body=body)


def inbox_row(system: System, task: str, caller: Caller) -> dict[str, Any]:
    items = system.api("GET", "/tasks", caller=caller).body["items"]
    return next(t for t in items if t["taskId"] == task)


def test_a_claimed_task_shows_its_holder_and_only_they_decide_it(system: System) -> None:
    task = water_task(system)

    # When Wang claims it (twice: a retry) and Li tries to claim it too
    claimed = post(system, f"/tasks/{task}/claim", WANG)
    again = post(system, f"/tasks/{task}/claim", WANG)
    rival = post(system, f"/tasks/{task}/claim", LI)

    # Then Wang holds it, and Li sees who does
    assert claimed.status == 200 and claimed.body["claimedBy"] == "wang.water"
    assert again.status == 200
    assert rival.status == 409 and "wang.water" in rival.body["message"]
    assert inbox_row(system, task, LI)["claimedBy"] == "wang.water"
    # And Li can neither decide nor release it
    assert post(system, f"/tasks/{task}/decision", LI, APPROVE).status == 409
    assert post(system, f"/tasks/{task}/release", LI).status == 403

    # When Wang releases it, Li claims and decides it
    assert post(system, f"/tasks/{task}/release", WANG).body["claimedBy"] is None
    assert post(system, f"/tasks/{task}/claim", LI).status == 200
    decided = post(system, f"/tasks/{task}/decision", LI, APPROVE)
    assert decided.status == 200, decided.body
    # And a decided task can no longer be claimed
    assert post(system, f"/tasks/{task}/claim", WANG).status == 409


def test_a_lead_reassigns_a_held_task(system: System) -> None:
    task = water_task(system)
    post(system, f"/tasks/{task}/claim", WANG)

    officer = post(system, f"/tasks/{task}/assignment", LI, {"assignee": "li.water"})
    assigned = post(system, f"/tasks/{task}/assignment", LEAD, {"assignee": "li.water"})

    assert officer.status == 403
    assert assigned.status == 200
    assert assigned.body["claimedBy"] == "li.water" and assigned.body["assignedBy"] == "chen.lead"
    assert post(system, f"/tasks/{task}/decision", WANG, APPROVE).status == 409
    # A lead may decide any of the department's tasks, held or not
    assert post(system, f"/tasks/{task}/decision", LEAD, APPROVE).status == 200


def test_an_officer_away_delegates_to_a_colleague_for_a_period(system: System) -> None:
    task = water_task(system)
    post(system, f"/tasks/{task}/claim", WANG)
    until = (utc_now() + timedelta(days=7)).isoformat()

    # When Wang, going on leave, delegates to Li for a week
    made = post(
        system,
        "/delegations",
        WANG,
        {"department": "WATER", "delegate": "li.water", "endsAt": until, "reason": "年休假"},
    )
    assert made.status == 200, made.body
    current = system.api("GET", "/delegations/current", caller=WANG)
    assert current.status == 200 and current.body["delegation"]["delegate"] == "li.water"

    # Then Li decides Wang's task on Wang's behalf, and Zhao still may not
    assert post(system, f"/tasks/{task}/decision", ZHAO, APPROVE).status == 409
    decided = post(system, f"/tasks/{task}/decision", LI, APPROVE)
    assert decided.status == 200, decided.body
    events = system.api("GET", f"/applications/{task[:-6]}", caller=CITIZEN).body["timeline"]
    assert any("on behalf of wang.water" in e["detail"] for e in events)

    # When Wang is back and ends the delegation, Li no longer stands in
    assert post(system, "/delegations/current/end", WANG).status == 200
    assert system.api("GET", "/delegations/current", caller=WANG).body["delegation"] is None


def test_a_delegation_is_to_a_colleague_for_at_most_ninety_days(system: System) -> None:
    far = (utc_now() + timedelta(days=91)).isoformat()
    soon = (utc_now() + timedelta(days=3)).isoformat()

    too_long = post(
        system, "/delegations", WANG, {"department": "WATER", "delegate": "li.water", "endsAt": far}
    )
    to_self = post(
        system,
        "/delegations",
        WANG,
        {"department": "WATER", "delegate": "wang.water", "endsAt": soon},
    )
    other = post(
        system,
        "/delegations",
        WANG,
        {"department": "POWER", "delegate": "li.water", "endsAt": soon},
    )

    assert too_long.status == 422 and too_long.body["fields"][0]["field"] == "endsAt"
    assert to_self.status == 422 and to_self.body["fields"][0]["field"] == "delegate"
    assert other.status == 403
