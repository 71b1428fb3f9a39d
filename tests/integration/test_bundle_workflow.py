"""A bundle filing submitted and run (一件事一次办), on the embedded AWS with the real
handlers and both state machines: opening a business with a seal, invoices and a bank
account. The licence runs first; the seal and the invoices wait for it and then run at
once, each with the licence's certificate put in for the licence material; the bank
account waits for the seal too. Once every member has ended, one result package lists
each certificate with its number and verification code. A rejected licence ends the
members waiting for it, naming it, and the package still lists every member."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.conftest import (
    CITIZEN,
    ENTERPRISE,
    PERSON,
    Caller,
    System,
    running_system,
)
from tests.integration.journeys import PDF, complete_form, decide_all, item
from tests.integration.test_bundle_filing import BUNDLE, LICENCE, SHARED, SHARED_FIELDS

SEAL = "SD-KFQ-0101"
INVOICES = "SD-KFQ-0102"
BANK = "SD-KFQ-0103"
CLERK = Caller("sub-window-1", "window.sun", ("window",))
ANSWERS = {
    "entityKind": "company",
    "hasEmployees": "no",
    "needsInvoices": "yes",
    "needsBankAccount": "yes",
}


@pytest.fixture(scope="module")
def system() -> Iterator[System]:
    with running_system() as running:
        yield running


def filed(system: System) -> dict[str, Any]:
    forms = {
        i: {k: v for k, v in complete_form(i).items() if k not in SHARED_FIELDS}
        for i in (LICENCE, SEAL, INVOICES, BANK)
    }
    response = system.api(
        "POST",
        f"/bundles/{BUNDLE}/applications",
        caller=CITIZEN,
        body={
            "applicant": ENTERPRISE,
            "answers": ANSWERS,
            "sharedForm": {k: v for k, v in SHARED.items() if k != "legalRepId"}
            | {"legalRepId": PERSON["idNumber"]},
            "forms": forms,
            "channel": "web",
            "delivery": {"mode": "electronic"},
        },
    )
    assert response.status == 201, response.body
    view: dict[str, Any] = response.body
    assert view["waves"] == [[LICENCE], [SEAL, INVOICES], [BANK]], view["waves"]
    return view


def upload_materials(system: System, view: dict[str, Any]) -> None:
    """Each member's own required materials on its case, each shared one once."""
    for material in view["materials"]:
        if not material["required"]:
            continue
        if material["shared"]:
            system.upload_shared(view["bundleCaseId"], material["code"], PDF, CITIZEN)
            continue
        (item_id,) = material["itemIds"]
        rule = item(item_id).material(material["code"])
        assert rule is not None
        system.upload(
            member_id(view, item_id),
            material["code"],
            PDF,
            rule.content_types[0],
            caller=CITIZEN,
            file_name=f"{material['code'].lower()}.pdf",
        )


def member_id(view: dict[str, Any], item_id: str) -> str:
    return next(m["applicationId"] for m in view["members"] if m["itemId"] == item_id)


def submit(system: System, view: dict[str, Any]) -> Any:
    return system.api("POST", f"/bundle-applications/{view['bundleCaseId']}/submit", caller=CITIZEN)


def in_review(system: System, application_id: str) -> Any:
    """The member once its departments review it: a member whose item needs a person at
    the window (originals to see) is accepted there by a clerk first, as alone."""
    case = system.wait_for(
        application_id,
        lambda a: a.status.value == "IN_APPROVAL" or a.at_window_since is not None,
    )
    if case.status.value != "IN_APPROVAL":
        accepted = system.api(
            "POST",
            f"/window/tasks/{application_id}/decision",
            caller=CLERK,
            body={"outcome": "accept"},
        )
        assert accepted.status == 200, accepted.body
    return system.wait_for_status(application_id, "IN_APPROVAL")


def bundle_view(system: System, view: dict[str, Any]) -> dict[str, Any]:
    response = system.api("GET", f"/bundle-applications/{view['bundleCaseId']}", caller=CITIZEN)
    assert response.status == 200, response.body
    body: dict[str, Any] = response.body
    return body


def test_a_business_opening_runs_in_dependency_order_with_one_result_package(
    system: System,
) -> None:
    view = filed(system)
    upload_materials(system, view)
    ids = {i: member_id(view, i) for i in (LICENCE, SEAL, INVOICES, BANK)}

    # When the citizen submits the bundle application
    submitted = submit(system, view)

    # Then every member is submitted at once and the bundle is running
    assert submitted.status == 200, submitted.body
    assert submitted.body["status"] == "RUNNING", submitted.body
    assert {m["status"] for m in submitted.body["members"]} == {"SUBMITTED"}

    # And the licence is reviewed first, while the members waiting for it stay submitted
    in_review(system, ids[LICENCE])
    for waiting in (SEAL, INVOICES, BANK):
        assert system.application(ids[waiting]).status.value == "SUBMITTED"
    decide_all(system, ids[LICENCE], LICENCE)
    licence = system.wait_for_status(ids[LICENCE], "DELIVERED", "COMPLETED")
    assert licence.result is not None and licence.result.certificate_no

    # Then the seal and the invoices run at once, each with the licence's certificate
    # for the licence material, and the bank account still waits for the seal
    for parallel in (SEAL, INVOICES):
        running = in_review(system, ids[parallel])
        chosen = running.materials.get("BUSINESS_LICENCE")
        if chosen is not None:
            assert chosen.certificate_no == licence.result.certificate_no
    assert system.application(ids[BANK]).status.value == "SUBMITTED"
    assert "provided_in_bundle" in system.actions(ids[SEAL]), system.actions(ids[SEAL])
    decide_all(system, ids[SEAL], SEAL)
    decide_all(system, ids[INVOICES], INVOICES)

    # And the bank account runs last
    in_review(system, ids[BANK])
    decide_all(system, ids[BANK], BANK)
    system.wait_for_status(ids[BANK], "DELIVERED", "COMPLETED")

    # Then the bundle concludes with one package: each member's certificate, each one
    # verifiable with its own number and code
    concluded = system.wait_bundle(view["bundleCaseId"], "CONCLUDED")
    assert concluded.concluded_at is not None
    package = bundle_view(system, view)
    assert package["status"] == "CONCLUDED"
    results = {r["itemId"]: r for r in package["results"]}
    assert list(results) == [LICENCE, SEAL, INVOICES, BANK]
    numbers = {r["certificateNo"] for r in results.values()}
    assert len(numbers) == 4 and None not in numbers, results
    for result in results.values():
        verified = system.api(
            "GET",
            f"/verify/{result['certificateNo']}",
            query={"code": result["verificationCode"]},
        )
        assert verified.status == 200 and verified.body["valid"] is True, verified.body

    # And the bundle execution succeeded, its members' executions with it
    assert system.bundle_execution(view["bundleCaseId"])["status"] == "SUCCEEDED"


def test_a_rejected_licence_ends_the_members_waiting_for_it(system: System) -> None:
    view = filed(system)
    upload_materials(system, view)
    ids = {i: member_id(view, i) for i in (LICENCE, SEAL, INVOICES, BANK)}
    assert submit(system, view).status == 200

    # When the licence is rejected
    in_review(system, ids[LICENCE])
    department = item(LICENCE).departments[0]
    decide_all(system, ids[LICENCE], LICENCE, rejecting={department: "经营范围不符合规定"})

    # Then the members waiting for it are not run, naming it, and the bundle concludes
    # with every member listed
    concluded = system.wait_bundle(view["bundleCaseId"], "CONCLUDED")
    results = {r.item_id: r for r in concluded.results}
    assert results[LICENCE].certificate_no is None
    assert "经营范围不符合规定" in " ".join(results[LICENCE].reasons), results[LICENCE]
    for waiting in (SEAL, INVOICES, BANK):
        assert results[waiting].status.value == "NOT_ACCEPTED", results[waiting]
        assert LICENCE in results[waiting].reasons[0], results[waiting]
    # No department was asked to review what could not be decided
    for waiting in (SEAL, INVOICES, BANK):
        assert system.application(ids[waiting]).reviews == {}


def test_a_bundle_is_submitted_once_and_only_when_complete(system: System) -> None:
    view = filed(system)

    # When the citizen submits before uploading anything
    early = submit(system, view)

    # Then it is refused naming the first missing material, nothing written
    assert early.status == 422, early.body
    assert early.body["fields"][0]["field"].startswith("materials."), early.body
    assert bundle_view(system, view)["status"] == "DRAFT"
    assert {m["status"] for m in bundle_view(system, view)["members"]} == {"DRAFT"}

    # And once complete it is submitted, and a second submit is a 409
    upload_materials(system, view)
    assert submit(system, view).status == 200
    again = submit(system, view)
    assert again.status == 409 and again.body["fields"][0]["field"] == "status", again.body


def test_a_member_that_fails_is_on_the_package_and_the_others_results_stand(
    system: System,
) -> None:
    view = filed(system)
    upload_materials(system, view)
    ids = {i: member_id(view, i) for i in (LICENCE, SEAL, INVOICES, BANK)}
    assert submit(system, view).status == 200
    in_review(system, ids[LICENCE])
    decide_all(system, ids[LICENCE], LICENCE)

    # When the invoices' execution is stopped while its department reviews it
    in_review(system, ids[INVOICES])
    system.stop_execution(ids[INVOICES], cause="stopped during maintenance")
    failed = system.wait_for_status(ids[INVOICES], "FAILED")
    assert failed.failure_reason

    # Then the bundle goes on: the seal, then the bank account waiting for it
    in_review(system, ids[SEAL])
    decide_all(system, ids[SEAL], SEAL)
    in_review(system, ids[BANK])
    decide_all(system, ids[BANK], BANK)

    # And the package lists the failure with its reason beside the three certificates
    concluded = system.wait_bundle(view["bundleCaseId"], "CONCLUDED")
    results = {r.item_id: r for r in concluded.results}
    assert results[INVOICES].status.value == "FAILED"
    assert results[INVOICES].certificate_no is None and results[INVOICES].reasons
    assert all(results[i].certificate_no for i in (LICENCE, SEAL, BANK)), results
