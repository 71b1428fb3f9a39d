"""The workflow's watchers on in-memory ports: the deadlines sweep, which marks late
reviews overdue without failing the case, and the reconciler of executions that ended
without settling their case."""

import json
from datetime import timedelta

import pytest

from functions.reconcile.handler import execution_end
from shared.models.common import ApplicationStatus
from shared.models.ids import task_id_for
from shared.stages.acceptance import run_acceptance
from shared.stages.approval import open_review
from shared.stages.deadlines import sweep_deadlines
from shared.stages.failure import record_failure
from shared.stages.reconcile import ExecutionEnd, reconcile_execution
from shared.stages.supplement import SUPPLEMENT_TOKEN, await_supplement
from tests.unit.conftest import SUPPLEMENT_WAIT_DAYS, StoredCase
from tests.unit.fakes import UTILITIES, InMemoryRepository

DEPARTMENTS = ["POWER", "WATER", "URBAN"]


def _in_approval(stored_case: StoredCase, repo: InMemoryRepository) -> str:
    application = stored_case(UTILITIES)
    run_acceptance(application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)
    for i, department in enumerate(DEPARTMENTS):
        role = "lead" if i == 0 else "co"
        open_review(application.application_id, department, role, f"t-{department}", repo, repo)
    return application.application_id


def _returned(stored_case: StoredCase, repo: InMemoryRepository) -> str:
    application = stored_case(UTILITIES, skip={"PROPERTY_PROOF"})
    assert run_acceptance(application.application_id, repo, repo, 20)["outcome"] == "RETURNED"
    await_supplement(application.application_id, "supplement-token", repo)
    return application.application_id


def _past_due(repo: InMemoryRepository, application_id: str):
    review = repo.get_task(task_id_for(application_id, "WATER"))
    assert review is not None
    return review.due_at + timedelta(minutes=1)


# --- the deadlines sweep -------------------------------------------------------------------


def test_a_review_past_its_due_time_is_marked_overdue_and_the_case_stays_in_approval(
    repo, stored_case
) -> None:
    # Given a case in approval whose reviews are past due
    application_id = _in_approval(stored_case, repo)
    now = _past_due(repo, application_id)

    # When the sweep runs
    report = sweep_deadlines(now, repo, repo)

    # Then each pending review is marked overdue, still pending and in its inbox
    assert sorted(r.department for r in report.marked) == sorted(DEPARTMENTS)
    case = repo.get_application(application_id)
    assert case is not None
    assert case.status is ApplicationStatus.IN_APPROVAL
    assert case.overdue_since == now
    for department in DEPARTMENTS:
        review = case.reviews[department]
        assert review.status == "PENDING" and review.overdue_at == now
    assert [t.department for t in repo.list_pending_tasks("WATER", 10, None).items] == ["WATER"]
    # And the timeline says who is late, once per review
    assert repo.actions(application_id).count("review_overdue") == 3
    assert case.summary().overdue_since == now


def test_the_sweep_reads_only_what_fell_due_since_it_last_ran(repo, stored_case) -> None:
    # Given reviews the sweep has already marked
    application_id = _in_approval(stored_case, repo)
    now = _past_due(repo, application_id)
    sweep_deadlines(now, repo, repo)

    # When it runs again
    again = sweep_deadlines(now + timedelta(minutes=15), repo, repo)

    # Then it finds nothing to mark, and records nothing twice
    assert again.marked == [] and again.skipped == 0
    assert repo.actions(application_id).count("review_overdue") == 3


def test_the_sweep_leaves_reviews_not_yet_due_and_decided_ones(repo, stored_case) -> None:
    # Given a case whose reviews are not due yet
    application_id = _in_approval(stored_case, repo)
    review = repo.get_task(task_id_for(application_id, "WATER"))
    assert review is not None

    # When the sweep runs before the due time
    report = sweep_deadlines(review.due_at - timedelta(minutes=1), repo, repo)

    # Then nothing is marked
    assert report.marked == []
    assert repo.get_application(application_id).overdue_since is None  # type: ignore[union-attr]


def test_the_sweep_skips_a_case_that_left_approval(repo, stored_case) -> None:
    # Given a case that failed after its reviews fell due (reviews withdrawn)
    application_id = _in_approval(stored_case, repo)
    now = _past_due(repo, application_id)
    record_failure(application_id, {"Error": "TransientError"}, repo, repo)

    # When the sweep runs
    report = sweep_deadlines(now, repo, repo)

    # Then nothing is marked
    assert report.marked == []


# --- the review bound ------------------------------------------------------------------


def test_a_review_bound_that_expires_fails_the_case_naming_the_late_department(
    repo, stored_case
) -> None:
    # Given a case where only the water department has not decided
    application_id = _in_approval(stored_case, repo)
    for department in ("POWER", "URBAN"):
        review = repo.get_task(task_id_for(application_id, department))
        assert review is not None
        review.status = "APPROVED"
        repo.decide_review(review, [])

    # When the state machine reports the bound expired
    record_failure(
        application_id,
        {"Error": "ReviewBoundExpired", "Cause": "A department did not decide"},
        repo,
        repo,
    )

    # Then the case fails and says which department did not decide, and by when
    case = repo.get_application(application_id)
    assert case is not None and case.status is ApplicationStatus.FAILED
    assert case.failure_reason is not None and case.failure_reason.startswith(
        "no decision from WATER by "
    )
    assert case.reviews["WATER"].status == "EXPIRED"


# --- reconciliation -----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["ABORTED", "TIMED_OUT", "FAILED"])
def test_an_unsettled_end_fails_a_case_in_approval_and_withdraws_its_tasks(
    repo, stored_case, status
) -> None:
    # Given a case in approval whose execution ended without settling it
    application_id = _in_approval(stored_case, repo)

    # When the reconciler hears of it
    outcome = reconcile_execution(
        ExecutionEnd(application_id, status, "Stopped", "by an operator"), repo, repo
    )

    # Then the case is FAILED with the reason, and no task is left in any inbox
    assert outcome == {"applicationId": application_id, "reconciled": True, "was": "IN_APPROVAL"}
    case = repo.get_application(application_id)
    assert case is not None and case.status is ApplicationStatus.FAILED
    assert case.failure_reason is not None and "without settling the case" in case.failure_reason
    assert "by an operator" in case.failure_reason
    for department in DEPARTMENTS:
        assert repo.list_pending_tasks(department, 10, None).items == []


def test_a_returned_case_whose_execution_ended_cannot_be_resubmitted(repo, stored_case) -> None:
    # Given a returned case waiting for a supplement when its execution was stopped
    application_id = _returned(stored_case, repo)

    # When the reconciler hears of it
    reconcile_execution(ExecutionEnd(application_id, "ABORTED"), repo, repo)

    # Then the case is FAILED and its supplement token is gone
    case = repo.get_application(application_id)
    assert case is not None and case.status is ApplicationStatus.FAILED
    assert repo.get_token(application_id, SUPPLEMENT_TOKEN) is None


def test_a_settled_case_is_left_alone(repo, stored_case) -> None:
    # Given a case the failure recorder already settled
    application_id = _in_approval(stored_case, repo)
    record_failure(application_id, {"Error": "StageError", "Cause": "x"}, repo, repo)
    events = len(repo.actions(application_id))

    # When its execution's end (FAILED, as RecordFailure's Fail state makes it) arrives
    outcome = reconcile_execution(ExecutionEnd(application_id, "FAILED"), repo, repo)

    # Then nothing changes
    assert outcome["reconciled"] is False
    assert len(repo.actions(application_id)) == events


def test_a_succeeded_execution_and_an_unknown_case_are_not_reconciled(repo, stored_case) -> None:
    application_id = _in_approval(stored_case, repo)
    assert not reconcile_execution(ExecutionEnd(application_id, "SUCCEEDED"), repo, repo)[
        "reconciled"
    ]
    assert not reconcile_execution(
        ExecutionEnd("01JNXSVCHCASE0000000000000", "ABORTED"), repo, repo
    )["reconciled"]


def test_the_event_names_the_case_by_its_execution() -> None:
    # Given EventBridge's event for an execution named by its case
    event = {
        "detail-type": "Step Functions Execution Status Change",
        "detail": {
            "name": "01JAPP0000000000000000000A",
            "status": "TIMED_OUT",
            "error": "States.Timeout",
            "cause": None,
            "input": json.dumps({"applicationId": "01JAPP0000000000000000000A"}),
        },
    }
    # Then the end names the case and how it ended; an execution of something else is None
    end = execution_end(event)
    assert end == ExecutionEnd("01JAPP0000000000000000000A", "TIMED_OUT", "States.Timeout")
    assert execution_end({"detail": {"name": "not-a-case", "status": "FAILED"}}) is None
    assert execution_end({}) is None
