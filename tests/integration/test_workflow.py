"""The real state machine on moto's interpreter, each task running the real handler."""

import json

import requests

from tests.integration.conftest import ADDRESS, CITIZEN, System, staff
from tests.integration.journeys import (
    PDF,
    case_under_review_losing_its_item,
    decide_all,
    submitted_case,
)

STANDARD = "SD-KFQ-0010"  # lead POWER with co-departments WATER and URBAN, mail allowed


def test_happy_path_runs_every_stage_and_issues_one_certificate(system: System) -> None:
    # Given a submitted case with every material uploaded
    application_id = submitted_case(system, STANDARD)

    # When the lead and both co-departments approve in parallel
    system.wait_for_status(application_id, "IN_APPROVAL")
    decide_all(system, application_id, STANDARD)

    # Then the case runs through issuance, mailing and the invitation to rate
    case = system.wait_for_status(application_id, "COMPLETED")
    assert system.wait_execution(application_id)["status"] == "SUCCEEDED"
    statuses = system.actions(application_id)
    for expected in ("submitted", "in_approval", "approved", "issued", "delivered", "completed"):
        assert expected in statuses
    assert {r.status for r in case.reviews.values()} == {"APPROVED"}
    assert case.acceptance and case.acceptance.deadline_at and case.acceptance.statutory_deadline_at
    assert case.acceptance.deadline_at <= case.acceptance.statutory_deadline_at
    assert case.delivery_record and case.delivery_record.waybill_no
    assert case.delivery_record.waybill_no.startswith("SIM")

    # And the applicant reads the result, downloads a real PDF and can verify it
    result = system.api("GET", f"/applications/{application_id}/result", caller=CITIZEN)
    assert result.status == 200 and result.body["outcome"] == "APPROVED"
    pdf = requests.get(result.body["downloadUrl"], timeout=10)
    assert pdf.content.startswith(b"%PDF-")
    number, code = result.body["certificateNo"], result.body["verificationCode"]
    verified = system.api("GET", f"/verify/{number}", query={"code": code})
    assert verified.status == 200 and verified.body["valid"] is True
    assert system.api("GET", f"/verify/{number}", query={"code": "WRONG123"}).status == 404


def test_task_tokens_never_reach_the_citizen_or_staff_views(system: System) -> None:
    # Given a case waiting on department reviews
    application_id = submitted_case(system, STANDARD)
    system.wait_for(application_id, lambda a: len(a.reviews) == 3)

    # When the citizen and staff read their views
    seen = json.dumps(system.api("GET", f"/applications/{application_id}", caller=CITIZEN).body)
    seen += json.dumps(system.api("GET", "/tasks", caller=staff("POWER")).body)

    # Then no task token is in them (the token is kept in the task record only)
    task = system.repo.get_task(f"{application_id}-POWER")
    assert task is not None and task.task_token
    assert task.task_token not in seen and "taskToken" not in seen


def test_an_officer_sees_the_case_and_every_decision_so_far_on_the_task(system: System) -> None:
    # Given a case in approval that POWER (the lead) has approved
    application_id = submitted_case(system, STANDARD)
    system.wait_for(application_id, lambda a: len(a.reviews) == 3)
    decided = system.api(
        "POST",
        f"/tasks/{application_id}-POWER/decision",
        caller=staff("POWER"),
        body={"decision": "approve", "comment": "供电方案可行"},
    )
    assert decided.status == 200, decided.body

    # When WATER's officer opens their task
    answer = system.api("GET", f"/tasks/{application_id}-WATER", caller=staff("WATER"))

    # Then it shows the task, what the applicant filed, and each department's review,
    # POWER's decision with its comment among them, and no owner id or token
    assert answer.status == 200, answer.body
    body = answer.body
    assert body["task"]["taskId"] == f"{application_id}-WATER"
    assert body["task"]["status"] == "PENDING"
    case = system.application(application_id)
    assert body["application"]["applicationId"] == application_id
    assert body["application"]["form"] == case.form
    assert body["application"]["applicant"]["name"] == case.applicant.name
    reviews = {r["department"]: r for r in body["reviews"]}
    assert set(reviews) == {"POWER", "WATER", "URBAN"}
    assert reviews["POWER"]["status"] == "APPROVED"
    assert reviews["POWER"]["comment"] == "供电方案可行"
    assert reviews["WATER"]["status"] == "PENDING"
    assert "ownerId" not in json.dumps(body) and "taskToken" not in json.dumps(body)

    # And another department's officer is refused it
    refused = system.api("GET", f"/tasks/{application_id}-WATER", caller=staff("URBAN"))
    assert refused.status == 403, refused.body


def test_the_reviewing_department_downloads_the_materials(system: System) -> None:
    # Given a case in approval, its materials checked by acceptance
    application_id = submitted_case(system, STANDARD)
    system.wait_for(application_id, lambda a: "URBAN" in a.reviews)

    # When URBAN's officer opens the case's materials from the task
    answer = system.api("GET", f"/tasks/{application_id}-URBAN/materials", caller=staff("URBAN"))

    # Then every material is listed with a working short-lived link to the very file, in
    # the version that was submitted
    assert answer.status == 200, answer.body
    listed = {m["code"]: m for m in answer.body["items"]}
    materials = system.application(application_id).materials
    assert set(listed) == set(materials)
    version = materials["APPLICATION_FORM"].verified_version_id
    assert version and f"versionId={version}" in listed["APPLICATION_FORM"]["downloadUrl"]
    with system.runtime.exclusive({}):
        fetched = requests.get(listed["APPLICATION_FORM"]["downloadUrl"], timeout=10)
    assert fetched.status_code == 200 and fetched.content == PDF


def test_supplement_loop_returns_once_with_everything_missing_then_accepts(system: System) -> None:
    # Given a case submitted without two required materials
    application_id = submitted_case(system, STANDARD, skip={"PROPERTY_PROOF", "ID_CARD"})

    # When acceptance runs
    case = system.wait_for_status(application_id, "RETURNED")

    # Then the one-time notice lists both, and the workflow waits on the applicant
    assert case.acceptance is not None
    missing = {m.field for m in case.acceptance.missing}
    assert missing == {"materials.PROPERTY_PROOF", "materials.ID_CARD"}
    system.wait_for_action(application_id, "awaiting_supplement")
    assert system.execution(application_id)["status"] == "RUNNING"

    # When the applicant uploads them and resubmits
    system.upload(application_id, "PROPERTY_PROOF", PDF, "application/pdf")
    system.upload(application_id, "ID_CARD", PDF, "application/pdf")
    resubmitted = system.api("POST", f"/applications/{application_id}/submit", caller=CITIZEN)
    assert resubmitted.status == 200, resubmitted.body

    # Then acceptance runs again and the case goes on to approval and completion
    system.wait_for_status(application_id, "IN_APPROVAL")
    decide_all(system, application_id, STANDARD)
    case = system.wait_for_status(application_id, "COMPLETED")
    assert case.submission_count == 2


def test_rejection_by_one_co_department_gives_one_notice_with_its_reason(system: System) -> None:
    # Given a case under review by POWER (lead), WATER and URBAN
    application_id = submitted_case(system, STANDARD)
    system.wait_for_status(application_id, "IN_APPROVAL")

    # When URBAN rejects and the others approve
    decide_all(system, application_id, STANDARD, rejecting={"URBAN": "占道施工方案未获批准"})

    # Then one unified rejection is issued, carrying URBAN's reason, and still delivered
    case = system.wait_for_status(application_id, "COMPLETED")
    assert "rejected" in system.actions(application_id)
    assert case.result is not None and case.result.outcome == "REJECTED"
    assert case.result.certificate_no is None
    assert any("占道施工方案未获批准" in r for r in case.result.reasons)
    result = system.api("GET", f"/applications/{application_id}/result", caller=CITIZEN)
    assert result.body["outcome"] == "REJECTED" and result.body["reasons"]


def test_a_failing_stage_marks_the_case_failed_and_fails_the_execution(system: System) -> None:
    # Given a case under review whose pinned catalog version vanishes before issuance
    application_id = case_under_review_losing_its_item(system, STANDARD)

    # When the departments decide and issuance runs
    decide_all(system, application_id, STANDARD)

    # Then the case is FAILED with the reason on its timeline, and the execution failed
    case = system.wait_for_status(application_id, "FAILED")
    assert case.failure_reason and "SD-KFQ-0010" in case.failure_reason
    assert system.timeline(application_id)[-1].stage.value == "workflow"
    assert system.wait_execution(application_id)["status"] == "FAILED"


def test_an_applicant_of_the_wrong_kind_is_refused_at_filing(system: System) -> None:
    # Given a person applying for an enterprise-only filing (SD-KFQ-0003)
    person = {"kind": "person", "name": "张伟", "idNumber": "11010519491231002X"}
    answer = system.create("SD-KFQ-0003", applicant=person, delivery={"mode": "electronic"})

    # Then it is refused when filed, naming the applicant's kind, before any upload
    # (acceptance keeps the same rule, tests/unit/test_acceptance_rules.py)
    assert answer.status == 422, answer.body
    assert [f["field"] for f in answer.body["fields"]] == ["applicant.kind"]
    assert "enterprise" in answer.body["message"]


def test_a_draft_says_which_required_fields_are_still_blank(system: System) -> None:
    # Given a draft filed with only part of its form
    created = system.create(STANDARD, form={"enterpriseName": "烟台海川新材料有限公司"})
    assert created.status == 201, created.body
    missing = created.body["missingFields"]
    assert "enterpriseName" not in missing and {"creditCode", "contactPhone"} <= set(missing)

    # When more is filled in, the list shrinks
    case = created.body["applicationId"]
    draft = system.api("GET", f"/applications/{case}", caller=CITIZEN).body
    form = {**draft["form"], "creditCode": "91350100M000100Y43"}
    body = {"version": draft["version"], "form": form}
    saved = system.api("POST", f"/applications/{case}/draft", caller=CITIZEN, body=body)
    assert saved.status == 200, saved.body
    assert "creditCode" not in saved.body["missingFields"]
    assert set(saved.body["missingFields"]) == set(missing) - {"creditCode"}


def test_delivery_by_pickup_and_electronic(system: System) -> None:
    # Given two approved cases, one for pickup and one electronic
    pickup = submitted_case(system, STANDARD, delivery={"mode": "pickup"})
    electronic = submitted_case(system, STANDARD, delivery={"mode": "electronic"})
    for application_id in (pickup, electronic):
        system.wait_for_status(application_id, "IN_APPROVAL")
        decide_all(system, application_id, STANDARD)

    # Then the pickup case has a pickup code, the electronic one a download window
    picked = system.wait_for_status(pickup, "COMPLETED").delivery_record
    assert picked is not None and picked.pickup_code and len(picked.pickup_code) == 6
    online = system.wait_for_status(electronic, "COMPLETED").delivery_record
    assert online is not None and online.download_expires_at is not None
    assert ADDRESS  # mail is covered by the happy path
