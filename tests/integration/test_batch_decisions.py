"""Batch decisions (POST /tasks/decisions) over several selected tasks of similar cases:
each decision is made as the single route would make it, one refusal never blocks the
others, and the answer lists each outcome in order."""

from typing import Any

from tests.integration.conftest import CITIZEN, System, staff
from tests.integration.journeys import submitted_case

JOINT = "SD-KFQ-0010"  # lead POWER, co WATER and URBAN
WATER = staff("WATER")


def water_task(system: System, case: str) -> str:
    system.wait_for(case, lambda a: len(a.reviews) == 3)
    return f"{case}-WATER"


def batch(system: System, *decisions: dict[str, Any], caller: Any = WATER) -> Any:
    return system.api(
        "POST", "/tasks/decisions", caller=caller, body={"decisions": list(decisions)}
    )


def test_a_batch_with_bad_tasks_decides_the_good_ones_and_names_each_refusal(
    system: System,
) -> None:
    # Given three similar cases waiting on the water department
    first, second, third = (submitted_case(system, JOINT) for _ in range(3))
    tasks = [water_task(system, c) for c in (first, second, third)]

    # When its officer approves two, rejects one without reasons, and slips in another
    # department's task and one that does not exist
    answer = batch(
        system,
        {"taskId": tasks[0], "decision": "approve", "comment": "符合条件"},
        {"taskId": f"{first}-POWER", "decision": "approve"},
        {"taskId": tasks[1], "decision": "reject", "comment": "  "},
        {"taskId": "01ARZ3NDEKTSV4RRFFQ69G5FAV-WATER", "decision": "approve"},
        {"taskId": tasks[2], "decision": "approve", "comment": "同意"},
    )

    # Then each is answered on its own, in order
    assert answer.status == 200, answer.body
    statuses = [(r["taskId"], r["status"]) for r in answer.body["results"]]
    assert statuses == [
        (tasks[0], 200),
        (f"{first}-POWER", 403),
        (tasks[1], 422),
        ("01ARZ3NDEKTSV4RRFFQ69G5FAV-WATER", 404),
        (tasks[2], 200),
    ]
    assert answer.body["succeeded"] == 2 and answer.body["failed"] == 3
    rejected = answer.body["results"][2]["error"]
    assert rejected["error"] == "validation_error" and rejected["fields"][0]["field"] == "comment"
    assert answer.body["results"][0]["decision"] == "approve"
    assert answer.body["results"][0]["taskStatus"] == "DECIDED"
    # And only the good ones were decided
    assert system.application(first).reviews["WATER"].status == "APPROVED"
    assert system.application(first).reviews["POWER"].status == "PENDING"
    assert system.application(second).reviews["WATER"].status == "PENDING"
    assert system.application(third).reviews["WATER"].status == "APPROVED"

    # When the same batch is sent again (a client retry)
    again = batch(system, {"taskId": tasks[0], "decision": "approve", "comment": "符合条件"})

    # Then the decision stands once, answered as before
    assert again.body["results"][0]["status"] == 200
    # And a case decided in the batch goes on to its result with the other departments
    for department in ("POWER", "URBAN"):
        decided = system.api(
            "POST",
            f"/tasks/{third}-{department}/decision",
            caller=staff(department),
            body={"decision": "approve", "comment": "同意"},
        )
        assert decided.status == 200, decided.body
    system.wait_for_status(third, "COMPLETED")


def test_a_batch_is_for_department_staff_and_names_each_task_once(system: System) -> None:
    case = submitted_case(system, JOINT)
    task = water_task(system, case)
    item = {"taskId": task, "decision": "approve"}

    citizen = batch(system, item, caller=CITIZEN)
    twice = batch(system, item, item)
    empty = batch(system)
    too_many = batch(system, *({**item, "taskId": f"{case}-D{i:02}"} for i in range(51)))

    assert citizen.status == 403
    assert twice.status == 422 and "twice" in twice.body["fields"][0]["message"]
    assert empty.status == 422 and too_many.status == 422
    assert system.application(case).reviews["WATER"].status == "PENDING"
