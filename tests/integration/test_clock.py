"""The departments' hold on a case's clock, through the API while the real workflow runs:
a special procedure stops it (every department's task holds its days), the lead department
extends it once, and each change is on the case for the applicant to read."""

from typing import Any

import pytest

from tests.integration.conftest import CITIZEN, Caller, System, running_system, staff
from tests.integration.journeys import PDF, decide_all, submitted_case

JOINT = "SD-KFQ-0010"  # lead POWER, co WATER and URBAN; an inspection (2 days) stops the clock
LEAD, CO = staff("POWER"), staff("WATER")


@pytest.fixture(scope="module")
def shared_system() -> Any:
    with running_system() as system:
        yield system


def task_of(system: System, case: str, officer: Caller) -> dict[str, Any]:
    system.wait_for(case, lambda a: len(a.reviews) == 3)
    inbox = system.api("GET", "/tasks", caller=officer)
    assert inbox.status == 200, inbox.body
    return next(t for t in inbox.body["items"] if t["applicationId"] == case)


def start(system: System, task: dict[str, Any], officer: Caller, **body: Any) -> Any:
    return system.api(
        "POST",
        f"/tasks/{task['taskId']}/special-procedures",
        caller=officer,
        body={"kind": "inspection", "reason": "现场核查供水接入条件", **body},
    )


def test_a_special_procedure_stops_every_task_until_its_department_ends_it(
    shared_system: System,
) -> None:
    system = shared_system
    # Given a joint case in approval, its promised deadline running
    case = submitted_case(system, JOINT)
    task = task_of(system, case, CO)
    before = system.api("GET", f"/applications/{case}", caller=CITIZEN).body["clock"]
    assert before["paused"] is False and before["promisedDays"] == 5
    assert task["remainingWorkingDays"] == before["promised"]["remainingWorkingDays"]

    # When the water department starts the item's inspection, and its retry arrives too
    started = start(system, task, CO)
    again = start(system, task, CO)

    # Then the clock is stopped once, with the procedure's own limit and who started it
    assert started.status == 200, started.body
    assert again.status == 200 and again.body["pauses"] == started.body["pauses"]
    (pause,) = started.body["pauses"]
    assert started.body["paused"] is True
    assert pause["procedure"] == "inspection" and pause["department"] == "WATER"
    assert pause["limitDays"] == 2 and pause["stopsClock"] is True
    assert pause["startedBy"] == CO.username and pause["endedAt"] is None
    # And every department's task is held, the lead's too
    lead_task = task_of(system, case, LEAD)
    assert lead_task["pausedSince"] is not None
    assert lead_task["remainingWorkingDays"] == task["remainingWorkingDays"]
    # And the applicant reads why, on the case and its timeline
    view = system.api("GET", f"/applications/{case}", caller=CITIZEN).body
    assert view["clock"]["paused"] is True
    started_event = next(e for e in view["timeline"] if e["action"] == "special_procedure_started")
    assert "现场核查供水接入条件" in started_event["detail"]

    # When another department tries to end it, or the water department ends a missing one
    not_theirs = system.api(
        "POST",
        f"/tasks/{lead_task['taskId']}/special-procedures/{pause['pauseId']}/end",
        caller=LEAD,
        body={"outcome": "核查完毕"},
    )
    missing = system.api(
        "POST",
        f"/tasks/{task['taskId']}/special-procedures/P9/end",
        caller=CO,
        body={"outcome": "核查完毕"},
    )
    assert not_theirs.status == 403 and not_theirs.body["fields"][0]["field"].endswith(
        "procedureId"
    )
    assert missing.status == 404

    # When the water department ends it the same day
    ended = system.api(
        "POST",
        f"/tasks/{task['taskId']}/special-procedures/{pause['pauseId']}/end",
        caller=CO,
        body={"outcome": "具备接入条件"},
    )

    # Then the clock runs again, no working day was lost, and the tasks are no longer held
    assert ended.status == 200, ended.body
    assert ended.body["paused"] is False and ended.body["pausedWorkingDays"] == 0
    assert ended.body["promised"]["deadlineAt"] == before["promised"]["deadlineAt"]
    assert task_of(system, case, LEAD)["pausedSince"] is None
    # And the department decides as before
    decide_all(system, case, JOINT)
    system.wait_for_status(case, "COMPLETED")


def test_a_procedure_the_item_does_not_list_is_refused(shared_system: System) -> None:
    system = shared_system
    case = submitted_case(system, JOINT)
    task = task_of(system, case, CO)

    hearing = start(system, task, CO, kind="hearing")
    blank = start(system, task, CO, reason="   ")

    assert hearing.status == 422 and hearing.body["fields"][0]["field"].endswith("kind")
    assert "inspection" in hearing.body["message"]
    assert blank.status == 422 and blank.body["fields"][0]["field"].endswith("reason")
    assert system.application(case).clock.pauses == []  # type: ignore[union-attr]


def test_the_lead_department_extends_both_clocks_once(shared_system: System) -> None:
    system = shared_system
    case = submitted_case(system, JOINT)
    lead_task, co_task = task_of(system, case, LEAD), task_of(system, case, CO)
    before = system.api("GET", f"/applications/{case}", caller=CITIZEN).body["clock"]
    path = f"/tasks/{lead_task['taskId']}/extensions"
    reason = {"reason": "需组织联合踏勘"}

    # When a co-department asks, or the lead asks for more than the law allows
    co = system.api(
        "POST", f"/tasks/{co_task['taskId']}/extensions", caller=CO, body={"days": 5, **reason}
    )
    too_long = system.api("POST", path, caller=LEAD, body={"days": 16, **reason})
    assert co.status == 403 and "lead" in co.body["message"]
    assert too_long.status == 422 and too_long.body["fields"][0]["field"].endswith("days")
    # (a joint case may be extended by 15 working days, not 10)
    assert before["maxExtensionDays"] == 15

    # When the lead department extends by 5 working days (and its retry arrives)
    extended = system.api("POST", path, caller=LEAD, body={"days": 5, **reason})
    retry = system.api("POST", path, caller=LEAD, body={"days": 5, **reason})
    second = system.api("POST", path, caller=LEAD, body={"days": 3, "reason": "再延"})

    # Then both clocks have five more working days, recorded with the reason, once
    assert extended.status == 200, extended.body
    assert retry.status == 200 and len(retry.body["extensions"]) == 1
    assert second.status == 409 and second.body["fields"][0]["field"].endswith("days")
    clock = extended.body
    assert clock["extensionDays"] == 5
    for limit in ("promised", "statutory"):
        assert clock[limit]["remainingWorkingDays"] == before[limit]["remainingWorkingDays"] + 5
    # And every pending task is due at the new promised deadline
    assert task_of(system, case, CO)["dueAt"] == clock["promised"]["deadlineAt"]
    assert (
        system.application(case)
        .acceptance.deadline_at.isoformat()
        .startswith(  # type: ignore[union-attr]
            clock["promised"]["deadlineAt"][:10]
        )
    )
    timeline = system.api("GET", f"/applications/{case}", caller=CITIZEN).body["timeline"]
    assert any(e["action"] == "extended" and "需组织联合踏勘" in e["detail"] for e in timeline)


def test_a_decided_task_no_longer_touches_the_clock(shared_system: System) -> None:
    system = shared_system
    case = submitted_case(system, JOINT)
    task = task_of(system, case, CO)
    decided = system.api(
        "POST",
        f"/tasks/{task['taskId']}/decision",
        caller=CO,
        body={"decision": "approve", "comment": "同意"},
    )
    assert decided.status == 200

    late = start(system, task, CO)
    other = start(system, task, staff("URBAN"))

    assert late.status == 409 and late.body["fields"][0]["field"].endswith("taskId")
    assert other.status == 403


def test_a_department_asks_for_a_supplement_mid_approval_and_the_review_resumes(
    shared_system: System,
) -> None:
    system = shared_system
    # Given a joint case the lead department has already approved
    case = submitted_case(system, JOINT)
    lead_task = task_of(system, case, LEAD)
    approved = system.api(
        "POST",
        f"/tasks/{lead_task['taskId']}/decision",
        caller=LEAD,
        body={"decision": "approve", "comment": "同意"},
    )
    assert approved.status == 200
    water = task_of(system, case, CO)
    notice = [{"field": "PROPERTY_PROOF", "reason": "产权证明页码不全，请补充第3页"}]

    # When the water department asks for a supplement (and its retry arrives too)
    asked = system.api(
        "POST", f"/tasks/{water['taskId']}/supplement-request", caller=CO, body={"missing": notice}
    )
    again = system.api(
        "POST", f"/tasks/{water['taskId']}/supplement-request", caller=CO, body={"missing": notice}
    )

    # Then the clocks stop, the applicant reads the department's one-time list
    assert asked.status == 200, asked.body
    assert again.status == 200 and len(again.body["pauses"]) == 1
    (pause,) = asked.body["pauses"]
    assert pause["kind"] == "supplement" and pause["missing"] == notice
    assert asked.body["paused"] is True
    view = system.api("GET", f"/applications/{case}", caller=CITIZEN).body
    assert view["status"] == "IN_APPROVAL" and view["clock"]["pauses"][0]["missing"] == notice
    assert any(e["action"] == "supplement_requested" for e in view["timeline"])
    # And the applicant may upload what was asked for, nothing else
    other = system.api(
        "POST",
        f"/applications/{case}/materials",
        caller=CITIZEN,
        body={
            "materialCode": "APPLICATION_FORM",
            "fileName": "form.pdf",
            "contentType": "application/pdf",
            "size": 1024,
        },
    )
    assert other.status == 409 and other.body["fields"][0]["field"] == "materialCode"
    redone = system.upload(case, "PROPERTY_PROOF", PDF, "application/pdf", file_name="p3.pdf")
    assert redone.status == 200, redone.body

    # When the applicant submits again
    resubmitted = system.api("POST", f"/applications/{case}/submit", caller=CITIZEN)

    # Then the clocks run again, the lead's approval stands, and the water department decides
    assert resubmitted.status == 200, resubmitted.body
    after = system.api("GET", f"/applications/{case}", caller=CITIZEN).body
    assert after["clock"]["paused"] is False
    assert after["clock"]["pauses"][0]["outcome"] == "supplemented"
    assert system.application(case).reviews["POWER"].status == "APPROVED"
    decide_all_pending(system, case)
    system.wait_for_status(case, "COMPLETED")


def decide_all_pending(system: System, case: str) -> None:
    for department in ("WATER", "URBAN"):
        decided = system.api(
            "POST",
            f"/tasks/{case}-{department}/decision",
            caller=staff(department),
            body={"decision": "approve", "comment": "同意"},
        )
        assert decided.status == 200, decided.body


def test_form_fields_a_department_asks_for_mid_approval_are_corrected_and_nothing_else(
    shared_system: System,
) -> None:
    system = shared_system
    # Given the water department asking for the power capacity to be restated
    case = submitted_case(system, JOINT)
    water = task_of(system, case, CO)
    notice = [{"field": "powerCapacity", "reason": "用电容量与设计图纸不一致，请核实后重填"}]
    asked = system.api(
        "POST", f"/tasks/{water['taskId']}/supplement-request", caller=CO, body={"missing": notice}
    )
    assert asked.status == 200, asked.body
    view = system.api("GET", f"/applications/{case}", caller=CITIZEN).body
    form = dict(view["form"])

    def save(changes: dict[str, Any], **extra: Any) -> Any:
        body = {"version": view["version"], "form": {**form, **changes}, **extra}
        return system.api("POST", f"/applications/{case}/draft", caller=CITIZEN, body=body)

    # When the applicant changes a field nobody asked for, or the delivery: refused, named
    other = save({"contactName": "王强"})
    assert other.status == 409, other.body
    assert [f["field"] for f in other.body["fields"]] == ["form.contactName"]
    moved = save({}, delivery={"mode": "pickup"})
    assert moved.status == 409 and moved.body["fields"][0]["field"] == "delivery"

    # When the applicant restates the power capacity
    corrected = save({"powerCapacity": 630})

    # Then the form holds it, the timeline says so, and the resubmission resumes the review
    assert corrected.status == 200, corrected.body
    assert system.application(case).form["powerCapacity"] == 630
    assert "form_supplemented" in system.actions(case)
    resubmitted = system.api("POST", f"/applications/{case}/submit", caller=CITIZEN)
    assert resubmitted.status == 200, resubmitted.body
    after = system.api("GET", f"/applications/{case}", caller=CITIZEN).body
    assert after["clock"]["paused"] is False
    # And once answered, the form is closed again
    view = after
    assert save({"powerCapacity": 800}).status == 409
