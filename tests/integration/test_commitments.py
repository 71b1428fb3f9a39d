"""容缺受理 through the API while the real workflow runs: a case accepted with a material
missing on a signed commitment is reviewed at once, its result issued only once the
material is in; a commitment not kept by its deadline ends the case and bars the applicant
from 容缺 for a while."""

import re
from typing import Any

from tests.integration.conftest import CITIZEN, System
from tests.integration.journeys import PDF, complete_form, decide_all, upload_required

JOINT = "SD-KFQ-0010"  # 用水用电联合报装: the property proof may come later (容缺)
LATER = "PROPERTY_PROOF"


def on_commitment(system: System) -> tuple[str, Any]:
    created = system.create(JOINT, form=complete_form(JOINT))
    assert created.status == 201, created.body
    case = created.body["applicationId"]
    upload_required(system, case, JOINT, skip={LATER})
    signed = system.api(
        "POST",
        f"/applications/{case}/commitment",
        caller=CITIZEN,
        body={"materials": [LATER], "signer": "李娜", "agreed": True},
    )
    return case, signed


def submit(system: System, case: str) -> Any:
    return system.api("POST", f"/applications/{case}/submit", caller=CITIZEN)


def terms(system: System, case: str) -> dict[str, Any]:
    answer = system.api("GET", f"/applications/{case}/commitment-terms", caller=CITIZEN)
    assert answer.status == 200, answer.body
    return dict(answer.body)


def test_the_terms_state_what_may_come_later_and_by_when_before_anyone_signs(
    system: System,
) -> None:
    case = system.create(JOINT, form=complete_form(JOINT)).body["applicationId"]
    before = terms(system, case)
    assert before == {
        "materials": [LATER],
        "dueDays": 20,
        "barDays": 365,
        "barredUntil": None,
        "offered": True,
        "commitment": None,
    }
    # An item that allows nothing later offers nothing
    plain = system.create(
        "SD-KFQ-0003", form=complete_form("SD-KFQ-0003"), delivery={"mode": "electronic"}
    ).body
    assert terms(system, plain["applicationId"])["offered"] is False

    # Once signed and submitted, the signed commitment is there and no new one is offered
    upload_required(system, case, JOINT, skip={LATER})
    body = {"materials": [LATER], "signer": "李娜", "agreed": True}
    system.api("POST", f"/applications/{case}/commitment", caller=CITIZEN, body=body)
    assert submit(system, case).status == 200
    after = terms(system, case)
    assert after["offered"] is False and after["commitment"]["signer"] == "李娜"


def test_a_case_accepted_on_commitment_is_issued_once_the_material_is_in(system: System) -> None:
    # Given a case missing its property proof, whose applicant signed the commitment
    case, signed = on_commitment(system)

    # Then the commitment is kept with its text, signer, time and digest
    assert signed.status == 200, signed.body
    assert re.fullmatch(r"[0-9a-f]{64}", signed.body["digest"])
    assert "20个工作日内补齐" in signed.body["text"] and signed.body["signer"] == "李娜"

    # When it is submitted, it is accepted without the proof, and reviewed at once
    assert submit(system, case).status == 200
    accepted = system.wait_for_status(case, "IN_APPROVAL")
    assert accepted.commitment is not None and accepted.commitment.due_at is not None
    assert "accepted_on_commitment" in system.actions(case)
    decide_all(system, case, JOINT)

    # Then, all approved, the result waits for the proof
    system.wait_for(case, lambda a: "awaiting_commitment" in system.actions(case))
    assert system.application(case).result is None

    # When the applicant uploads it and submits again, the result is issued
    uploaded = system.upload(case, LATER, PDF, "application/pdf", file_name="property.pdf")
    assert uploaded.status == 200, uploaded.body
    fulfilled = submit(system, case)
    assert fulfilled.status == 200, fulfilled.body
    done = system.wait_for_status(case, "COMPLETED")
    assert done.commitment is not None and done.commitment.fulfilled_at is not None
    assert done.result is not None and done.result.outcome == "APPROVED"


def test_a_commitment_not_kept_ends_the_case_and_bars_the_applicant(
    system: System, monkeypatch
) -> None:
    # Given the commitment's deadline is two seconds after approval
    import shared.stages.issuance as issuance

    monkeypatch.setattr(issuance, "seconds_until", lambda deadline, now: 2)
    case, signed = on_commitment(system)
    assert signed.status == 200
    assert submit(system, case).status == 200
    system.wait_for_status(case, "IN_APPROVAL")

    # When all approve and the proof never comes
    decide_all(system, case, JOINT)

    # Then the case ends as a broken commitment, with no result, and the applicant is told
    broken = system.wait_for_status(case, "COMMITMENT_BROKEN", timeout=30)
    assert broken.result is None and broken.commitment is not None
    assert broken.commitment.broken_at is not None
    view = system.api("GET", f"/applications/{case}", caller=CITIZEN).body
    assert view["status"] == "COMMITMENT_BROKEN"
    assert any("容缺 is not offered" in e["detail"] for e in view["timeline"])
    # And the same applicant is not offered 容缺 on a new case: the terms say until when
    fresh = system.create(JOINT, form=complete_form(JOINT)).body["applicationId"]
    barred = terms(system, fresh)
    assert barred["offered"] is False and barred["materials"] == [LATER]
    assert barred["barredUntil"] is not None and barred["barDays"] == 365
    _, refused = on_commitment(system)
    assert refused.status == 409 and refused.body["fields"][0]["field"] == "materials"


def test_only_a_material_the_item_allows_may_come_later_and_only_before_submitting(
    system: System,
) -> None:
    created = system.create(JOINT, form=complete_form(JOINT))
    case = created.body["applicationId"]
    body = {"materials": ["APPLICATION_FORM"], "signer": "李娜", "agreed": True}

    not_allowed = system.api("POST", f"/applications/{case}/commitment", caller=CITIZEN, body=body)
    unsigned = system.api(
        "POST",
        f"/applications/{case}/commitment",
        caller=CITIZEN,
        body={"materials": [LATER], "signer": "李娜", "agreed": False},
    )

    assert not_allowed.status == 422 and not_allowed.body["fields"][0]["field"] == "materials"
    assert LATER in not_allowed.body["message"]
    assert unsigned.status == 422
    upload_required(system, case, JOINT)
    assert submit(system, case).status == 200
    late = system.api(
        "POST",
        f"/applications/{case}/commitment",
        caller=CITIZEN,
        body={"materials": [LATER], "signer": "李娜", "agreed": True},
    )
    assert late.status == 409
