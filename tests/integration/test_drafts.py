"""A draft saved as the applicant goes (POST /applications/{id}/draft): each save checked
as at filing, from a known version, on the owner's draft only."""

from collections.abc import Iterator

import pytest

from tests.integration.conftest import CITIZEN, OTHER_CITIZEN, PERSON, System, running_system
from tests.integration.journeys import complete_form, submitted_case, upload_required

STANDARD = "SD-KFQ-0010"  # mail, pickup or electronic
ELECTRONIC_ONLY = "SD-KFQ-0003"


@pytest.fixture(scope="module")
def system() -> Iterator[System]:
    with running_system() as running:
        yield running


def _draft(system: System, item_id: str = STANDARD) -> tuple[str, int]:
    delivery = {"mode": "electronic"} if item_id == ELECTRONIC_ONLY else None
    created = system.create(item_id, delivery=delivery)
    assert created.status == 201, created.body
    application_id = created.body["applicationId"]
    seen = system.api("GET", f"/applications/{application_id}", caller=CITIZEN)
    return application_id, seen.body["version"]


def test_each_save_replaces_what_it_gives_and_moves_the_version_on(system: System) -> None:
    # Given a new draft
    application_id, version = _draft(system)

    # When the applicant saves half the form, then their applicant details, one by one
    first = system.api(
        "POST",
        f"/applications/{application_id}/draft",
        caller=CITIZEN,
        body={"version": version, "form": {"enterpriseName": "山东海川新材料有限公司"}},
    )
    assert first.status == 200, first.body
    renamed = {**PERSON, "name": "王芳"}
    second = system.api(
        "POST",
        f"/applications/{application_id}/draft",
        caller=CITIZEN,
        body={"version": first.body["version"], "applicant": renamed},
    )

    # Then each save answers the next version, and the case holds both parts
    assert second.status == 200, second.body
    assert second.body["version"] == first.body["version"] + 1 == version + 2
    case = system.api("GET", f"/applications/{application_id}", caller=CITIZEN).body
    assert case["form"] == {"enterpriseName": "山东海川新材料有限公司"}
    assert case["applicant"]["name"] == "王芳"
    assert case["status"] == "DRAFT" and case["version"] == second.body["version"]


def test_a_save_from_a_stale_copy_is_refused_not_lost(system: System) -> None:
    # Given a draft saved from one device
    application_id, version = _draft(system)
    saved = system.api(
        "POST",
        f"/applications/{application_id}/draft",
        caller=CITIZEN,
        body={"version": version, "form": {"contactName": "李娜"}},
    )
    assert saved.status == 200, saved.body

    # When another device saves from the version it read before
    stale = system.api(
        "POST",
        f"/applications/{application_id}/draft",
        caller=CITIZEN,
        body={"version": version, "form": {"contactName": "张伟"}},
    )

    # Then it is refused naming the version, and the first save stands
    assert stale.status == 409, stale.body
    assert [f["field"] for f in stale.body["fields"]] == ["version"]
    case = system.api("GET", f"/applications/{application_id}", caller=CITIZEN).body
    assert case["form"] == {"contactName": "李娜"}


@pytest.mark.parametrize(
    ("item_id", "body", "field"),
    [
        pytest.param(STANDARD, {"form": {"creditCode": "91350100M000100Y40"}}, "creditCode"),
        pytest.param(STANDARD, {"form": {"powerCapacity": "lots"}}, "powerCapacity"),
        pytest.param(
            STANDARD, {"applicant": {**PERSON, "idNumber": "110105194912310021"}}, "idNumber"
        ),
        pytest.param(ELECTRONIC_ONLY, {"delivery": {"mode": "pickup"}}, "delivery.mode"),
        pytest.param(STANDARD, {"form": {"x" * 41: "y"}}, "form"),
    ],
)
def test_a_bad_save_names_the_field_and_changes_nothing(
    system: System, item_id: str, body: dict[str, object], field: str
) -> None:
    # Given a draft
    application_id, version = _draft(system, item_id)

    # When a save carries a wrong value
    answer = system.api(
        "POST",
        f"/applications/{application_id}/draft",
        caller=CITIZEN,
        body={"version": version, **body},
    )

    # Then it is a 422 naming the field, and the draft is as it was
    assert answer.status == 422, answer.body
    assert any(field in f["field"] for f in answer.body["fields"]), answer.body
    case = system.api("GET", f"/applications/{application_id}", caller=CITIZEN).body
    assert case["version"] == version and case["form"] == {}


def test_only_the_owners_draft_can_be_saved(system: System) -> None:
    # Given a draft of CITIZEN's and a case of theirs already submitted
    application_id, version = _draft(system)
    submitted = submitted_case(system, STANDARD)
    seen = system.api("GET", f"/applications/{submitted}", caller=CITIZEN).body
    body = {"version": version, "form": complete_form(STANDARD)}

    # When another citizen saves the draft, and the owner saves the submitted case
    other = system.api(
        "POST", f"/applications/{application_id}/draft", caller=OTHER_CITIZEN, body=body
    )
    late = system.api(
        "POST",
        f"/applications/{submitted}/draft",
        caller=CITIZEN,
        body={**body, "version": seen["version"]},
    )

    # Then the other citizen is told there is no such case, and the owner that it can no
    # longer be edited
    assert other.status == 404, other.body
    assert late.status == 409, late.body
    assert [f["field"] for f in late.body["fields"]] == ["status"]


def test_a_case_returned_for_a_form_field_is_corrected_and_resubmitted(system: System) -> None:
    # Given a case submitted with every material but a required field left out
    form = complete_form(STANDARD)
    del form["contactPhone"]
    created = system.create(STANDARD, form=form)
    assert created.status == 201, created.body
    application_id = created.body["applicationId"]
    upload_required(system, application_id, STANDARD)
    submitted = system.api("POST", f"/applications/{application_id}/submit", caller=CITIZEN)
    assert submitted.status == 200, submitted.body

    # When acceptance returns it naming the field, and the applicant fills it in on the case
    case = system.wait_for_status(application_id, "RETURNED")
    assert case.acceptance is not None
    assert {m.field for m in case.acceptance.missing} == {"form.contactPhone"}
    system.wait_for_action(application_id, "awaiting_supplement")
    seen = system.api("GET", f"/applications/{application_id}", caller=CITIZEN).body
    saved = system.api(
        "POST",
        f"/applications/{application_id}/draft",
        caller=CITIZEN,
        body={"version": seen["version"], "form": complete_form(STANDARD)},
    )
    assert saved.status == 200, saved.body
    resubmitted = system.api("POST", f"/applications/{application_id}/submit", caller=CITIZEN)

    # Then acceptance takes it this time
    assert resubmitted.status == 200, resubmitted.body
    system.wait_for_status(application_id, "IN_APPROVAL")
