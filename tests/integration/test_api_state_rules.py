"""What a case allows in each state: submitting, uploading, deciding, reading the result
and rating, through the API while the real workflow runs."""

import pytest

from functions.api import dependencies
from shared.identity import Caller as IdentityCaller
from shared.models.api import FeedbackRequest
from shared.models.application import Application
from shared.models.common import ApplicationStatus, Stage
from shared.services import applications as cases
from tests.integration.conftest import CITIZEN, System, staff
from tests.integration.journeys import decide_all, submitted_case

STANDARD = "SD-KFQ-0010"  # lead POWER, co-departments WATER and URBAN
# The owner's other session, as the service sees it.
RIVAL = IdentityCaller(sub=CITIZEN.sub, username=CITIZEN.username, groups=frozenset({"citizen"}))
SINGLE = "SD-KFQ-0008"  # ECOENV alone, electronic delivery: the quickest way to completion


def test_a_submitted_case_is_locked_until_it_completes_and_then_rated_once(system: System) -> None:
    # Given a submitted case
    case = submitted_case(system, STANDARD)
    path = f"/applications/{case}"

    # When the applicant submits it again or uploads another material
    again = system.api("POST", f"{path}/submit", caller=CITIZEN)
    upload = system.api(
        "POST",
        f"{path}/materials",
        caller=CITIZEN,
        body={
            "materialCode": "APPLICATION_FORM",
            "fileName": "v2.pdf",
            "contentType": "application/pdf",
            "size": 4096,
        },
    )

    # Then both are conflicts with the case's state, and the case went through once
    assert again.status == 409 and again.body["fields"][0]["field"] == "status"
    assert upload.status == 409 and "url" not in upload.body
    system.wait_for_status(case, "IN_APPROVAL")
    assert system.application(case).submission_count == 1

    # When the applicant asks for the result and rates before anything was issued
    result = system.api("GET", f"{path}/result", caller=CITIZEN)
    early = system.api("POST", f"{path}/feedback", caller=CITIZEN, body={"rating": 5})

    # Then there is no result yet and rating must wait
    assert result.status == 404 and "no result" in result.body["message"]
    assert early.status == 409 and system.application(case).feedback is None

    # When all departments approve and the case completes, then the applicant rates 4
    decide_all(system, case, STANDARD)
    system.wait_for_status(case, "COMPLETED")
    rated = system.api(
        "POST", f"{path}/feedback", caller=CITIZEN, body={"rating": 4, "comment": "办理很快"}
    )

    # Then the rating is kept, no follow-up ticket is opened, and a second rating is refused
    assert rated.status == 200, rated.body
    assert rated.body["feedback"]["rating"] == 4 and rated.body["feedback"]["ticketId"] is None
    assert system.repo.list_tickets("OPEN", 10, None).items == []
    twice = system.api("POST", f"{path}/feedback", caller=CITIZEN, body={"rating": 1})
    assert twice.status == 409
    assert system.api("GET", path, caller=CITIZEN).body["feedback"]["rating"] == 4


def test_a_dissatisfied_rating_opens_one_follow_up_ticket_for_the_lead_department(
    system: System,
) -> None:
    # Given a completed case
    case = submitted_case(system, SINGLE, delivery={"mode": "electronic"})
    system.wait_for_status(case, "IN_APPROVAL")
    decide_all(system, case, SINGLE)
    system.wait_for_status(case, "COMPLETED")

    # When the applicant rates it 2 (dissatisfied)
    rated = system.api(
        "POST",
        f"/applications/{case}/feedback",
        caller=CITIZEN,
        body={"rating": 2, "comment": "材料要求说明不清楚"},
    )

    # Then a follow-up ticket is open for the lead department, linked from the rating
    assert rated.status == 200, rated.body
    tickets = system.repo.list_tickets("OPEN", 10, None).items
    assert len(tickets) == 1
    ticket = tickets[0]
    assert ticket.application_id == case and ticket.lead_department == "ECOENV"
    assert ticket.rating == 2 and ticket.comment == "材料要求说明不清楚"
    assert ticket.due_at > ticket.opened_at
    assert rated.body["feedback"]["ticketId"] == ticket.ticket_id
    assert "follow_up_opened" in [e["action"] for e in rated.body["timeline"]]

    # And rating again is refused without opening another ticket
    again = system.api("POST", f"/applications/{case}/feedback", caller=CITIZEN, body={"rating": 1})
    assert again.status == 409
    assert len(system.repo.list_tickets("OPEN", 10, None).items) == 1


def test_a_repeated_decision_is_a_safe_retry_but_cannot_be_changed(system: System) -> None:
    # Given a case waiting on three reviews, of which POWER's officer approved POWER's
    case = submitted_case(system, STANDARD)
    system.wait_for(case, lambda a: len(a.reviews) == 3)
    officer, task = staff("POWER"), f"{case}-POWER"
    first = system.api(
        "POST",
        f"/tasks/{task}/decision",
        caller=officer,
        body={"decision": "approve", "comment": "符合条件"},
    )
    assert first.status == 200, first.body

    # When the officer's client retries the same decision
    retry = system.api(
        "POST",
        f"/tasks/{task}/decision",
        caller=officer,
        body={"decision": "approve", "comment": "符合条件"},
    )

    # Then it succeeds with the same answer, and the review was recorded once
    assert retry.status == 200, retry.body
    assert (
        retry.body
        == first.body
        == {"taskId": task, "applicationId": case, "decision": "approve", "status": "DECIDED"}
    )
    approvals = [e for e in system.timeline(case) if e.action == "approved"]
    assert len(approvals) == 1

    # When the officer then tries to reject it
    changed = system.api(
        "POST",
        f"/tasks/{task}/decision",
        caller=officer,
        body={"decision": "reject", "comment": "改主意"},
    )

    # Then it is refused and the approval stands
    assert changed.status == 409 and changed.body["fields"][0]["field"] == "taskId"
    assert system.application(case).reviews["POWER"].status == "APPROVED"

    # And the case still completes once the other departments approve
    for department in ("WATER", "URBAN"):
        answer = system.api(
            "POST",
            f"/tasks/{case}-{department}/decision",
            caller=staff(department),
            body={"decision": "approve"},
        )
        assert answer.status == 200, answer.body
    completed = system.wait_for_status(case, "COMPLETED")
    assert completed.result is not None and completed.result.outcome == "APPROVED"


def test_a_rating_that_races_a_workflow_write_is_kept_with_exactly_one_ticket(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a completed case
    case = submitted_case(system, SINGLE, delivery={"mode": "electronic"})
    system.wait_for_status(case, "IN_APPROVAL")
    decide_all(system, case, SINGLE)
    system.wait_for_status(case, "COMPLETED")
    # And a workflow stage that saves the case just after the API has read it (as the
    # invitation to rate does when the applicant rates the moment the case is delivered)
    api_repo = dependencies.repository()
    read = api_repo.get_application
    raced: list[str] = []

    def read_then_race(application_id: str) -> Application | None:
        found = read(application_id)
        if not raced:
            raced.append(application_id)
            stage_copy = system.application(application_id)
            stage_copy.record(Stage.FEEDBACK, "rating_invited", "system")
            system.repo.save_application(stage_copy)
        return found

    monkeypatch.setattr(api_repo, "get_application", read_then_race)

    # When the applicant rates it 1 (very dissatisfied)
    rated = system.api(
        "POST",
        f"/applications/{case}/feedback",
        caller=CITIZEN,
        body={"rating": 1, "comment": "窗口推诿"},
    )

    # Then the rating is kept rather than refused, beside the stage's write
    assert raced == [case]
    assert rated.status == 200, rated.body
    stored = system.application(case)
    assert stored.feedback is not None and stored.feedback.rating == 1
    assert "rating_invited" in system.actions(stored.application_id)
    # And exactly one follow-up ticket is open, the one the rating points to
    tickets = system.repo.list_tickets("OPEN", 10, None).items
    assert [t.ticket_id for t in tickets] == [stored.feedback.ticket_id]


def test_a_pending_review_of_a_case_that_left_approval_cannot_be_decided(system: System) -> None:
    # Given a case waiting on reviews that the workflow gave up on (its wait timed out)
    case = submitted_case(system, STANDARD)
    system.wait_for(case, lambda a: len(a.reviews) == 3)
    failed = system.application(case)
    failed.move_to(ApplicationStatus.FAILED, Stage.WORKFLOW, "system", "review wait timed out")
    system.repo.save_application(failed)

    # When POWER's officer approves the review still in their inbox
    answer = system.api(
        "POST", f"/tasks/{case}-POWER/decision", caller=staff("POWER"), body={"decision": "approve"}
    )

    # Then it is refused, and nothing is recorded on the closed case
    assert answer.status == 409 and answer.body["fields"][0]["field"] == "taskId"
    stored = system.application(case)
    assert stored.status.value == "FAILED" and stored.reviews["POWER"].status == "PENDING"
    assert system.timeline(stored.application_id)[-1].detail == "review wait timed out"


def test_two_racing_dissatisfied_ratings_open_one_ticket(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a completed case, and a second rating of it (a double click) that lands while
    # the first is being handled
    case = submitted_case(system, SINGLE, delivery={"mode": "electronic"})
    system.wait_for_status(case, "IN_APPROVAL")
    decide_all(system, case, SINGLE)
    system.wait_for_status(case, "COMPLETED")
    api_repo = dependencies.repository()
    read = api_repo.get_application

    def read_then_rival(application_id: str) -> Application | None:
        found = read(application_id)
        monkeypatch.setattr(api_repo, "get_application", read)
        repo = system.repo
        cases.rate(RIVAL, application_id, FeedbackRequest(rating=2), repo, repo)
        return found

    monkeypatch.setattr(api_repo, "get_application", read_then_rival)

    # When the first rating is handled
    answer = system.api(
        "POST", f"/applications/{case}/feedback", caller=CITIZEN, body={"rating": 2}
    )

    # Then it is answered as already rated, and only the one ticket is open
    assert answer.status == 409, answer.body
    stored = system.application(case).feedback
    assert stored is not None
    tickets = system.repo.list_tickets("OPEN", 10, None).items
    assert [t.ticket_id for t in tickets] == [stored.ticket_id]
