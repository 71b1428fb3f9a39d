"""可复用 on the real system: a business licence and the legal representative's ID card that a
window clerk checked against their originals in one case are offered to the same
account's next case for the same enterprise, in another item, and reused instead of
uploaded: marked checked, with who checked them, and downloadable by the reviewers; not to
another account, not for a material of another kind, and not after a year."""

from typing import Any

from tests.integration.conftest import CITIZEN, OTHER_CITIZEN, Caller, System, staff
from tests.integration.journeys import complete_form, upload_required

CHECKED_AT_THE_WINDOW = "SD-KFQ-0018"  # fire safety check: a clerk accepts it (三星)
NEXT_ITEM = "SD-KFQ-0002"  # food business licence, same enterprise, same account
CLERK = Caller("sub-window-1", "window.sun", ("window",))
PICKUP = {"mode": "pickup"}
REUSABLE = {"BUSINESS_LICENCE", "ID_CARD"}  # 营业执照, 法定代表人身份证 in both items


def filed(system: System, item: str, caller: Caller = CITIZEN, skip: set[str] = frozenset()) -> str:
    created = system.create(item, form=complete_form(item), delivery=PICKUP, caller=caller)
    assert created.status == 201, created.body
    case: str = created.body["applicationId"]
    upload_required(system, case, item, skip=set(skip), caller=caller)
    return case


def submit(system: System, case: str, caller: Caller = CITIZEN) -> None:
    answer = system.api("POST", f"/applications/{case}/submit", caller=caller)
    assert answer.status == 200, answer.body


def checked_at_the_window(system: System) -> str:
    case = filed(system, CHECKED_AT_THE_WINDOW)
    submit(system, case)
    system.wait_for(case, lambda a: a.at_window_since is not None)
    body = {"outcome": "accept", "checkedOriginals": ["APPLICATION_FORM", *sorted(REUSABLE)]}
    decided = system.api("POST", f"/window/tasks/{case}/decision", caller=CLERK, body=body)
    assert decided.status == 200, decided.body
    system.wait_for(case, lambda a: "FIRE" in a.reviews)
    return case


def reusable(system: System, case: str, caller: Caller = CITIZEN) -> list[dict[str, Any]]:
    answer = system.api("GET", f"/applications/{case}/reusable-materials", caller=caller)
    assert answer.status == 200, answer.body
    items: list[dict[str, Any]] = answer.body["items"]
    return items


def reuse(system: System, case: str, code: str, caller: Caller = CITIZEN) -> Any:
    return system.api(
        "POST",
        f"/applications/{case}/materials/reuse",
        caller=caller,
        body={"materialCode": code},
    )


def test_checked_documents_are_reused_in_the_next_case_instead_of_uploaded(
    system: System,
) -> None:
    # Given a case whose licence and legal representative's ID a clerk checked
    first = checked_at_the_window(system)

    # When the same account files for the same enterprise in another item
    second = filed(system, NEXT_ITEM, skip=REUSABLE)

    # Then those two are offered, with who checked them, when and until when
    offered = {m["materialCode"]: m for m in reusable(system, second)}
    assert set(offered) == REUSABLE
    licence = offered["BUSINESS_LICENCE"]
    assert (licence["kind"], licence["checkedBy"]) == ("business_licence", "window.sun")
    assert licence["fromApplicationId"] == first
    assert licence["reusableUntil"] > licence["checkedAt"]

    # When the applicant reuses them and submits
    for code in sorted(REUSABLE):
        answer = reuse(system, second, code)
        assert answer.status == 200, answer.body
    submit(system, second)

    # Then the case is complete with them, each marked checked by the first clerk; the
    # signed form's original still needs a clerk, who finds those two already checked
    waiting = system.wait_for(second, lambda a: a.at_window_since is not None)
    for code in REUSABLE:
        material = waiting.materials[code]
        assert (material.reused_from, material.original_checked_by) == (first, "window.sun")
        assert material.verified_version_id  # exactly the version that was checked
    body = {"outcome": "accept", "checkedOriginals": ["APPLICATION_FORM"]}
    decided = system.api("POST", f"/window/tasks/{second}/decision", caller=CLERK, body=body)
    assert decided.status == 200, decided.body
    accepted = system.wait_for(second, lambda a: bool(a.reviews))
    # And the reviewing department downloads the reused licence as checked
    department = next(iter(accepted.reviews))
    links = system.api("GET", f"/tasks/{second}-{department}/materials", caller=staff(department))
    assert links.status == 200, links.body
    licence_link = next(m for m in links.body["items"] if m["code"] == "BUSINESS_LICENCE")
    assert licence_link["downloadUrl"]
    assert (licence_link["reusedFrom"], licence_link["originalCheckedBy"]) == (first, "window.sun")
    # And the case it came from is not offered its own documents
    assert reusable(system, first) == []


def test_nothing_is_offered_to_another_account_for_another_kind_or_after_a_year(
    system: System,
) -> None:
    checked_at_the_window(system)

    # Another account filing for the same enterprise (the same credit code) gets nothing
    theirs = filed(system, NEXT_ITEM, caller=OTHER_CITIZEN, skip=REUSABLE)
    assert reusable(system, theirs, OTHER_CITIZEN) == []
    refused = reuse(system, theirs, "BUSINESS_LICENCE", OTHER_CITIZEN)
    assert refused.status == 404 and refused.body["fields"][0]["field"] == "materialCode"

    # A material that is not a reusable document is refused, naming it
    mine = filed(system, NEXT_ITEM, skip=REUSABLE)
    form = reuse(system, mine, "APPLICATION_FORM")
    assert form.status == 404 and form.body["fields"][0]["field"] == "materialCode"

    # A year after the check, the originals are to be seen again
    system.advance_clock(366)
    assert reusable(system, mine) == []
    assert reuse(system, mine, "BUSINESS_LICENCE").status == 404


def test_a_submitted_case_cannot_take_a_reused_document(system: System) -> None:
    checked_at_the_window(system)
    case = filed(system, NEXT_ITEM)
    submit(system, case)
    late = reuse(system, case, "BUSINESS_LICENCE")
    assert late.status == 409 and late.body["fields"][0]["field"] == "status"


def test_a_reused_document_does_not_follow_the_draft_to_another_applicant(
    system: System,
) -> None:
    # Given a draft that reused the enterprise's checked licence
    checked_at_the_window(system)
    case = filed(system, NEXT_ITEM, skip={"BUSINESS_LICENCE"})
    assert reuse(system, case, "BUSINESS_LICENCE").status == 200
    # When the applicant is changed to another enterprise before submitting
    view = system.api("GET", f"/applications/{case}", caller=CITIZEN).body
    other = {
        **view["applicant"],
        "creditCode": "91370200MA3C5K7Q2A",
        "name": "青岛蓝海食品有限公司",
    }
    saved = system.api(
        "POST",
        f"/applications/{case}/draft",
        caller=CITIZEN,
        body={"version": view["version"], "applicant": other},
    )
    assert saved.status == 200, saved.body

    # Then the submit is refused, naming the material to reuse or upload again
    refused = system.api("POST", f"/applications/{case}/submit", caller=CITIZEN)
    assert refused.status == 422, refused.body
    assert [f["field"] for f in refused.body["fields"]] == ["materials.BUSINESS_LICENCE"]
    assert system.application(case).status.value == "DRAFT"
