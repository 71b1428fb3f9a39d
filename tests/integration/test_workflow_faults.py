"""Faults of the workflow on the real state machine (moto's interpreter, real handlers):
executions that end outside the Catch paths are reconciled from EventBridge, a late
department marks the case overdue instead of failing it, and every wait has a bound."""

import time
from datetime import timedelta

import boto3
import pytest

from tests.integration.conftest import CITIZEN, System, staff
from tests.integration.journeys import (
    PDF,
    case_under_review_losing_its_item,
    decide_all,
    submitted_case,
)

_MINUTE = timedelta(minutes=1)
STANDARD = "SD-KFQ-0010"  # lead POWER with co-departments WATER and URBAN
DEPARTMENTS = ["POWER", "WATER", "URBAN"]


def _inbox(system: System, department: str, application_id: str) -> list[dict]:
    inbox = system.api("GET", "/tasks", caller=staff(department))
    assert inbox.status == 200, inbox.body
    return [t for t in inbox.body["items"] if t["applicationId"] == application_id]


def test_a_stopped_execution_fails_its_case_and_withdraws_its_tasks(system: System) -> None:
    # Given a case waiting on its three departments
    application_id = submitted_case(system, STANDARD)
    system.wait_for(application_id, lambda a: len(a.reviews) == 3)

    # When an operator stops its execution (no Catch path runs)
    system.stop_execution(application_id, cause="stopped during maintenance")

    # Then the reconciler marks the case FAILED with the reason
    case = system.wait_for_status(application_id, "FAILED")
    assert system.execution(application_id)["status"] == "ABORTED"
    assert case.failure_reason is not None
    # (moto drops StopExecution's cause; AWS passes it on and the reason then quotes it)
    assert case.failure_reason.startswith("the workflow was stopped without settling the case")
    # And no department has the task any more, nor can decide it
    for department in DEPARTMENTS:
        assert _inbox(system, department, application_id) == []
    decided = system.api(
        "POST",
        f"/tasks/{application_id}-POWER/decision",
        caller=staff("POWER"),
        body={"decision": "approve", "comment": "符合条件"},
    )
    assert decided.status == 409


def test_a_stopped_wait_for_a_supplement_cannot_be_resubmitted_into_nothing(
    system: System,
) -> None:
    # Given a case returned for supplement, its execution waiting on the applicant
    application_id = submitted_case(system, STANDARD, skip={"PROPERTY_PROOF"})
    system.wait_for_action(application_id, "awaiting_supplement")

    # When its execution is stopped
    system.stop_execution(application_id)

    # Then the case is FAILED, and a resubmission is refused instead of moving it to
    # SUBMITTED with no workflow behind it
    system.wait_for_status(application_id, "FAILED")
    upload = system.api(
        "POST",
        f"/applications/{application_id}/materials",
        caller=CITIZEN,
        body={
            "materialCode": "PROPERTY_PROOF",
            "fileName": "p.pdf",
            "contentType": "application/pdf",
            "size": len(PDF),
        },
    )
    assert upload.status == 409, upload.body
    again = system.api("POST", f"/applications/{application_id}/submit", caller=CITIZEN)
    assert again.status == 409, again.body
    assert system.application(application_id).status.value == "FAILED"


def test_a_failure_recorder_that_fails_is_reconciled(system: System, monkeypatch) -> None:
    # Given a failure recorder that itself fails, and a case whose pinned catalog version
    # vanishes so that issuance fails
    import functions.failure.handler as failure_handler

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the failure recorder is down")

    monkeypatch.setattr(failure_handler, "record_failure", broken)
    application_id = case_under_review_losing_its_item(system, STANDARD)

    # When the departments decide and issuance fails for good
    decide_all(system, application_id, STANDARD)

    # Then the execution fails outside every Catch, and the reconciler settles the case
    case = system.wait_for_status(application_id, "FAILED")
    assert system.wait_execution(application_id)["status"] == "FAILED"
    assert case.failure_reason is not None
    assert case.failure_reason.startswith("the workflow failed without settling the case")


def test_a_late_department_marks_the_case_overdue_and_it_goes_on(
    system: System, monkeypatch
) -> None:
    # Given a case under review, and a sweep that runs after the reviews fell due
    application_id = submitted_case(system, STANDARD)
    case = system.wait_for(application_id, lambda a: len(a.reviews) == 3)
    import functions.deadlines.handler as deadlines

    late = max(r.due_at for r in case.reviews.values())
    monkeypatch.setattr(deadlines, "utc_now", lambda: late.replace(microsecond=0) + _MINUTE)

    # When the sweep runs
    swept = system.sweep_deadlines()

    # Then every review is warned and marked overdue (both warnings at once: the sweep first
    # saw them past due), the case stays in approval, marked overdue
    assert swept == {"warned": 3, "marked": 3, "skipped": 0}
    case = system.application(application_id)
    assert case.status.value == "IN_APPROVAL" and case.overdue_since is not None
    assert system.actions(application_id).count("review_overdue") == 3
    assert system.execution(application_id)["status"] == "RUNNING"
    # And the departments still find the task, marked late, and decide; the case concludes
    [task] = _inbox(system, "WATER", application_id)
    assert task["overdueAt"] is not None and task["status"] == "PENDING"
    view = system.api("GET", f"/applications/{application_id}", caller=CITIZEN).body
    assert view["overdueSince"] is not None
    assert all(r["overdueAt"] for r in view["reviews"])
    decide_all(system, application_id, STANDARD)
    system.wait_for_status(application_id, "COMPLETED")
    assert system.sweep_deadlines() == {"warned": 0, "marked": 0, "skipped": 0}


def test_a_review_wait_ends_at_its_bound_and_fails_the_case_visibly(
    system: System, monkeypatch
) -> None:
    # Given a case whose bound (statutory limit plus margin) is two seconds away
    import shared.stages.acceptance as acceptance

    monkeypatch.setattr(acceptance, "seconds_until", lambda deadline, now: 2)
    application_id = submitted_case(system, STANDARD)
    system.wait_for(application_id, lambda a: len(a.reviews) == 3)

    # When nobody decides before it
    case = system.wait_for_status(application_id, "FAILED", timeout=30)

    # Then the case failed naming the departments that did not decide, and its tasks are
    # withdrawn
    assert case.failure_reason is not None
    assert case.failure_reason.startswith("no decision from POWER, URBAN, WATER by ")
    for department in DEPARTMENTS:
        assert _inbox(system, department, application_id) == []
    assert system.wait_execution(application_id)["status"] == "FAILED"


@pytest.fixture(autouse=True)
def _no_leftover_dead_letters(system: System):
    yield
    sqs = boto3.client("sqs")
    dead = sqs.get_queue_url(QueueName="onewindow-local-unsettled-executions-dlq")["QueueUrl"]
    attributes = sqs.get_queue_attributes(
        QueueUrl=dead, AttributeNames=["ApproximateNumberOfMessages"]
    )
    assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_an_execution_stopped_as_soon_as_it_starts_is_aborted(system: System) -> None:
    # Given a machine that only waits, on the same embedded AWS (a stop must not depend
    # on how far moto's worker thread has got)
    sfn = boto3.client("stepfunctions")
    machine = sfn.create_state_machine(
        name="onewindow-test-waits",
        definition='{"StartAt":"Wait","States":{"Wait":{"Type":"Wait","Seconds":60,"End":true}}}',
        roleArn="arn:aws:iam::123456789012:role/onewindow-local-states",
    )
    # When each of several executions is stopped straight after its start
    arns = [
        sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name=f"now-{n}")[
            "executionArn"
        ]
        for n in range(5)
    ]
    for arn in arns:
        sfn.stop_execution(executionArn=arn)
    # Then every one of them ends ABORTED (moto reflects the end from its worker's thread)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        statuses = {sfn.describe_execution(executionArn=arn)["status"] for arn in arns}
        if "RUNNING" not in statuses:
            break
        time.sleep(0.02)
    assert statuses == {"ABORTED"}
