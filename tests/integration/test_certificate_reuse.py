"""免证办 over the API: a business licence this system issued stands for the licence the
seal filing (SD-KFQ-0101) asks for. Its holder picks it instead of uploading, the
reviewing department sees it, and once the issuing department has revoked it, picking it
is refused and a case that picked it earlier is returned at acceptance naming it."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.conftest import CITIZEN, OTHER_CITIZEN, System, running_system, staff
from tests.integration.journeys import complete_form, decide_all, submitted_case, upload_required

LICENCE_ITEM = "SD-KFQ-0001"  # 企业设立登记: issues the business licence (ADMIN)
SEAL_ITEM = "SD-KFQ-0101"  # 公章刻制备案: needs it (PUBSEC)
LICENCE = "BUSINESS_LICENCE"


@pytest.fixture(scope="module")
def system() -> Iterator[System]:
    with running_system() as running:
        yield running


def _issued_licence(system: System) -> dict[str, Any]:
    case = submitted_case(system, LICENCE_ITEM)
    system.wait_for_status(case, "IN_APPROVAL")
    decide_all(system, case, LICENCE_ITEM)
    system.wait_for_status(case, "DELIVERED", "COMPLETED")
    result = system.api("GET", f"/applications/{case}/result", caller=CITIZEN)
    assert result.status == 200, result.body
    return dict(result.body)


def _seal_case(system: System, caller: Any = CITIZEN) -> str:
    created = system.create(SEAL_ITEM, form=complete_form(SEAL_ITEM), caller=caller)
    assert created.status == 201, created.body
    case: str = created.body["applicationId"]
    upload_required(system, case, SEAL_ITEM, caller=caller)
    return case


def _use(system: System, case: str, number: str, caller: Any = CITIZEN) -> Any:
    body = {"materialCode": LICENCE, "certificateNo": number}
    return system.api(
        "POST", f"/applications/{case}/materials/certificate", caller=caller, body=body
    )


def test_the_holder_uses_an_issued_licence_and_the_reviewer_sees_it(system: System) -> None:
    licence = _issued_licence(system)
    number = licence["certificateNo"]
    case = _seal_case(system)

    # The case offers the applicant's licence for the material
    offers = system.api("GET", f"/applications/{case}/certificates", caller=CITIZEN)
    assert offers.status == 200, offers.body
    (offer,) = offers.body["items"]
    assert offer["materialCode"] == LICENCE and offer["sourceItem"] == LICENCE_ITEM
    assert number in [c["certificateNo"] for c in offer["certificates"]]
    mine = next(c for c in offer["certificates"] if c["certificateNo"] == number)
    assert mine["status"] == "valid" and mine["resultNameZh"] == "《营业执照》"
    assert mine["resultNameEn"] == "Business licence"
    assert offer["chosen"] is None

    # When the holder uses it and submits
    used = _use(system, case, number)
    assert used.status == 200, used.body
    again = system.api("GET", f"/applications/{case}/certificates", caller=CITIZEN)
    assert again.body["items"][0]["chosen"] == number
    submitted = system.api("POST", f"/applications/{case}/submit", caller=CITIZEN)
    assert submitted.status == 200, submitted.body

    # Then it is accepted on it, and the reviewing department opens the licence itself
    accepted = system.wait_for_status(case, "IN_APPROVAL", "APPROVED", "ISSUED", "COMPLETED")
    assert accepted.materials[LICENCE].certificate_no == number
    officer = staff("PUBSEC")
    system.wait_for(case, lambda a: "PUBSEC" in a.reviews)
    materials = system.api("GET", f"/tasks/{case}-PUBSEC/materials", caller=officer)
    assert materials.status == 200, materials.body
    shown = next(m for m in materials.body["items"] if m["code"] == LICENCE)
    assert shown["certificateNo"] == number and shown["downloadUrl"]


def test_another_account_cannot_use_the_licence(system: System) -> None:
    number = _issued_licence(system)["certificateNo"]
    case = _seal_case(system, caller=OTHER_CITIZEN)
    offers = system.api("GET", f"/applications/{case}/certificates", caller=OTHER_CITIZEN)
    assert offers.body["items"][0]["certificates"] == []
    refused = _use(system, case, number, caller=OTHER_CITIZEN)
    assert refused.status == 404, refused.body
    assert refused.body["fields"][0]["field"] == "certificateNo"


def test_a_revoked_licence_is_refused_and_returns_the_case_that_used_it(
    system: System,
) -> None:
    licence = _issued_licence(system)
    number = licence["certificateNo"]
    chosen_before = _seal_case(system)
    assert _use(system, chosen_before, number).status == 200

    # Only the issuing department sees and revokes it
    assert system.api("GET", f"/certificates/{number}", caller=staff("POWER")).status == 403
    admin = staff("ADMIN")
    seen = system.api("GET", f"/certificates/{number}", caller=admin)
    assert seen.status == 200 and seen.body["status"] == "valid", seen.body
    short = system.api(
        "POST", f"/certificates/{number}/revocation", caller=admin, body={"reason": "撤"}
    )
    assert short.status == 422 and short.body["fields"][0]["field"] == "body.reason"
    reason = {"reason": "以欺骗手段取得登记，依法撤销"}
    revoked = system.api("POST", f"/certificates/{number}/revocation", caller=admin, body=reason)
    assert revoked.status == 200, revoked.body
    assert revoked.body["status"] == "revoked" and revoked.body["revokedReason"] == reason["reason"]
    twice = system.api("POST", f"/certificates/{number}/revocation", caller=admin, body=reason)
    assert twice.status == 409

    # Verification says so; a new case cannot pick it, and the case that did is returned
    verified = system.api("GET", f"/verify/{number}", query={"code": licence["verificationCode"]})
    assert verified.status == 200 and verified.body["valid"] is False
    assert verified.body["status"] == "revoked" and verified.body["revokedAt"]
    later = _seal_case(system)
    refused = _use(system, later, number)
    assert refused.status == 409 and refused.body["fields"][0]["field"] == "certificateNo"
    offers = system.api("GET", f"/applications/{later}/certificates", caller=CITIZEN)
    statuses = {c["certificateNo"]: c["status"] for c in offers.body["items"][0]["certificates"]}
    assert statuses[number] == "revoked"

    assert system.api("POST", f"/applications/{chosen_before}/submit", caller=CITIZEN).status == 200
    returned = system.wait_for_status(chosen_before, "RETURNED")
    assert returned.acceptance is not None
    (missing,) = [m for m in returned.acceptance.missing if m.field == f"materials.{LICENCE}"]
    assert number in missing.reason and "revoked" in missing.reason


def test_only_a_material_from_an_issued_certificate_takes_one(system: System) -> None:
    case = _seal_case(system)
    body = {"materialCode": "APPLICATION_FORM", "certificateNo": "KFQ-LIC-20260101-ABCDEFGH"}
    wrong = system.api(
        "POST", f"/applications/{case}/materials/certificate", caller=CITIZEN, body=body
    )
    assert wrong.status == 422 and wrong.body["fields"][0]["field"] == "materialCode"


def test_a_chosen_certificate_can_be_given_up(system: System) -> None:
    number = _issued_licence(system)["certificateNo"]
    case = _seal_case(system)
    assert _use(system, case, number).status == 200
    body = {"materialCode": LICENCE}
    undone = system.api(
        "POST", f"/applications/{case}/materials/certificate/undo", caller=CITIZEN, body=body
    )
    assert undone.status == 200, undone.body
    assert undone.body["chosen"] is None and undone.body["materialCode"] == LICENCE
    offers = system.api("GET", f"/applications/{case}/certificates", caller=CITIZEN).body
    assert offers["items"][0]["chosen"] is None
    materials = system.api("GET", f"/applications/{case}", caller=CITIZEN).body["materials"]
    assert LICENCE not in materials
    # Submitted without it, the department obtains the licence itself: accepted
    assert system.api("POST", f"/applications/{case}/submit", caller=CITIZEN).status == 200
    system.wait_for_status(case, "IN_APPROVAL", "APPROVED", "ISSUED", "COMPLETED")
