"""A bundle filed as one application over the API (一件事一次办): opening a business, the
answers screened once, a field the items share given once and copied into every member
that has it, a shared material uploaded once and recorded on each member that asks for
it, the licence the first item issues not asked of the items that wait for it. Wrong
answers, misplaced fields and values are 422s naming where they were given, with nothing
written; a member is not submitted on its own."""

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.integration.conftest import (
    CITIZEN,
    ENTERPRISE,
    OTHER_CITIZEN,
    PERSON,
    System,
    running_system,
)
from tests.integration.journeys import PDF, complete_form, item

BUNDLE = "BND-BUSINESS-OPENING"
LICENCE = "SD-KFQ-0001"  # 企业设立登记: issues the business licence the others wait for
SEAL = "SD-KFQ-0101"  # 公章刻制备案
INVOICES = "SD-KFQ-0102"  # 发票领用
SOCIAL = "SD-KFQ-0011"  # 单位参加社会保险登记 (electronic delivery only)
MEDICAL = "SD-KFQ-0132"  # 职工基本医疗保险单位参保登记
FUND = "SD-KFQ-0013"  # 住房公积金单位缴存登记
BANK = "SD-KFQ-0103"  # 单位银行结算账户开立: waits for the licence and the seal
EVERYTHING = {
    "entityKind": "company",
    "hasEmployees": "yes",
    "needsInvoices": "yes",
    "needsBankAccount": "yes",
}
SHARED = {
    "enterpriseName": "烟台海川新材料有限公司",
    "creditCode": ENTERPRISE["creditCode"],
    "contactName": "李娜",
    "contactPhone": "13800138000",
    "legalRepId": PERSON["idNumber"],
}
SHARED_FIELDS = set(SHARED)


@pytest.fixture(scope="module")
def system() -> Iterator[System]:
    with running_system() as running:
        yield running


def own_fields(item_id: str) -> dict[str, Any]:
    return {k: v for k, v in complete_form(item_id).items() if k not in SHARED_FIELDS}


def body(**changes: Any) -> dict[str, Any]:
    items = (LICENCE, SEAL, INVOICES, SOCIAL, MEDICAL, FUND, BANK)
    filing: dict[str, Any] = {
        "applicant": ENTERPRISE,
        "answers": EVERYTHING,
        "sharedForm": SHARED,
        "forms": {i: own_fields(i) for i in items},
        "channel": "web",
        "delivery": {"mode": "electronic"},
    }
    return {**filing, **changes}


def file(system: System, caller: Any = CITIZEN, **changes: Any) -> Any:
    return system.api(
        "POST", f"/bundles/{BUNDLE}/applications", body=body(**changes), caller=caller
    )


def own_cases(system: System, caller: Any = CITIZEN) -> int:
    listed = system.api("GET", "/applications", caller=caller, query={"limit": "100"})
    assert listed.status == 200, listed.body
    return len(listed.body["items"])


def fields_named(response: Any) -> set[str]:
    return {f["field"] for f in response.body.get("fields", [])}


def test_opening_a_business_is_filed_once_with_the_shared_fields_in_every_member(
    system: System,
) -> None:
    # When the citizen files the business-opening bundle, every situation answered yes
    filed = file(system)

    # Then seven members are drafted in three waves: the licence, the five that wait for
    # it, and the bank account, which waits for the seal too
    assert filed.status == 201, filed.body
    view = filed.body
    members = {m["itemId"]: m for m in view["members"]}
    assert list(members) == [LICENCE, SEAL, INVOICES, SOCIAL, MEDICAL, FUND, BANK]
    assert view["waves"] == [[LICENCE], [SEAL, INVOICES, SOCIAL, MEDICAL, FUND], [BANK]]
    assert members[BANK]["waitsFor"] == [LICENCE, SEAL], members[BANK]
    assert all(m["status"] == "DRAFT" for m in members.values())
    assert view["criticalPathDays"] > 0 and view["channel"] == "web"

    # And each member is a case of its own, marked with the bundle case, holding the
    # shared fields it has and its own, nothing missing
    for item_id, member in members.items():
        case = system.api("GET", f"/applications/{member['applicationId']}", caller=CITIZEN)
        assert case.status == 200, case.body
        assert case.body["bundleCaseId"] == view["bundleCaseId"], case.body
        assert case.body["itemId"] == item_id and case.body["channel"] == "web"
        form = case.body["form"]
        assert form["enterpriseName"] == SHARED["enterpriseName"], (item_id, form)
        assert member["missingFields"] == [], (item_id, member)
        assert set(own_fields(item_id)) <= set(form), (item_id, form)
        shared_here = SHARED_FIELDS & {f.name for f in item(item_id).form_fields}
        assert {k: form[k] for k in shared_here} == {k: SHARED[k] for k in shared_here}
    assert (
        system.application(members[BANK]["applicationId"]).form["legalRepId"]
        == (SHARED["legalRepId"])
    )
    assert "creditCode" not in system.application(members[LICENCE]["applicationId"]).form

    # And the materials list a shared one once for the members asking for it, and not
    # the licence, which the first member's result stands for
    materials = {(m["code"], m["shared"]): m for m in view["materials"]}
    assert materials[("BANK_ACCOUNT", True)]["itemIds"] == [SOCIAL, MEDICAL]
    assert materials[("BANK_ACCOUNT", True)]["required"] is True
    assert not any(code == "BUSINESS_LICENCE" for code, _ in materials)
    assert ("APPLICATION_FORM", False) in materials  # each member's own, not shared

    # And the bundle application reads back the same, for its owner only
    again = system.api("GET", f"/bundle-applications/{view['bundleCaseId']}", caller=CITIZEN)
    assert again.status == 200, again.body
    assert again.body["members"] == view["members"]
    other = system.api("GET", f"/bundle-applications/{view['bundleCaseId']}", caller=OTHER_CITIZEN)
    assert other.status == 404 and fields_named(other) == {"bundleCaseId"}, other.body


def test_a_shared_material_is_uploaded_once_for_every_member_that_asks_for_it(
    system: System,
) -> None:
    view = file(system).body
    members = {m["itemId"]: m["applicationId"] for m in view["members"]}
    # When the citizen uploads the bank account licence once, on the bundle application
    grant = system.api(
        "POST",
        f"/bundle-applications/{view['bundleCaseId']}/materials",
        caller=CITIZEN,
        body={
            "materialCode": "BANK_ACCOUNT",
            "fileName": "开户许可证.pdf",
            "contentType": "application/pdf",
            "size": len(PDF),
        },
    )
    assert grant.status == 200, grant.body
    assert grant.body["applicationIds"] == [members[SOCIAL], members[MEDICAL]]
    with system.runtime.exclusive({}):
        posted = requests.post(
            grant.body["url"],
            data=grant.body["fields"],
            files={"file": ("开户许可证.pdf", PDF, "application/pdf")},
            timeout=10,
        )
    assert posted.status_code in (200, 204), posted.text

    # Then both members hold the one file, and the view says so
    keys = {
        system.application(members[i]).materials["BANK_ACCOUNT"].s3_key for i in (SOCIAL, MEDICAL)
    }
    assert keys == {grant.body["key"]}, keys
    assert grant.body["key"].startswith(f"uploads/{view['bundleCaseId']}/BANK_ACCOUNT/")
    again = system.api("GET", f"/bundle-applications/{view['bundleCaseId']}", caller=CITIZEN)
    shared = next(m for m in again.body["materials"] if m["code"] == "BANK_ACCOUNT")
    assert shared["uploadedOn"] == [SOCIAL, MEDICAL], shared

    # And a material the items do not share, or one a result stands for, is not uploaded here
    for code in ("APPLICATION_FORM", "BUSINESS_LICENCE"):
        refused = system.api(
            "POST",
            f"/bundle-applications/{view['bundleCaseId']}/materials",
            caller=CITIZEN,
            body={
                "materialCode": code,
                "fileName": "a.pdf",
                "contentType": "application/pdf",
                "size": len(PDF),
            },
        )
        assert refused.status == 422 and fields_named(refused) == {"materialCode"}, refused.body
    # And a type no member takes is refused
    wrong = system.api(
        "POST",
        f"/bundle-applications/{view['bundleCaseId']}/materials",
        caller=CITIZEN,
        body={
            "materialCode": "BANK_ACCOUNT",
            "fileName": "a.exe",
            "contentType": "application/x-msdownload",
            "size": 10,
        },
    )
    assert wrong.status == 422 and fields_named(wrong) == {"contentType"}, wrong.body


def test_a_member_is_submitted_with_its_bundle_not_on_its_own(system: System) -> None:
    view = file(system).body
    licence = view["members"][0]["applicationId"]
    submitted = system.api("POST", f"/applications/{licence}/submit", caller=CITIZEN)
    assert submitted.status == 409, submitted.body
    assert fields_named(submitted) == {"bundleCaseId"}, submitted.body
    assert system.application(licence).status == "DRAFT"


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        # an individual business is sent to its own item: the bundle's exit
        ({"answers": {**EVERYTHING, "entityKind": "individual"}}, "answers"),
        (
            {"answers": {k: v for k, v in EVERYTHING.items() if k != "hasEmployees"}},
            "answers.hasEmployees",
        ),
        ({"answers": {**EVERYTHING, "needsInvoices": "maybe"}}, "answers.needsInvoices"),
        ({"sharedForm": {**SHARED, "sealKinds": "公章"}}, "sharedForm.sealKinds"),
        ({"sharedForm": {**SHARED, "creditCode": "91350100M000100Y44"}}, "sharedForm.creditCode"),
        ({"forms": {SEAL: {"enterpriseName": "另一家公司"}}}, f"forms.{SEAL}.enterpriseName"),
        ({"forms": {SEAL: {"noSuchField": "x"}}}, f"forms.{SEAL}.noSuchField"),
        ({"forms": {"SD-KFQ-0114": {}}}, "forms.SD-KFQ-0114"),
        ({"applicant": PERSON}, "applicant.kind"),  # the seal is for enterprises only
        ({"delivery": {"mode": "pickup"}}, "delivery.mode"),  # social insurance: electronic
        ({"channel": "window"}, "channel"),
    ],
)
def test_a_wrong_filing_is_refused_naming_where_with_nothing_written(
    system: System, changes: dict[str, Any], named: str
) -> None:
    before = own_cases(system)
    refused = file(system, **changes)
    assert refused.status == 422, refused.body
    assert named in fields_named(refused), refused.body
    assert own_cases(system) == before


def test_an_unknown_bundle_is_a_404(system: System) -> None:
    missing = system.api("POST", "/bundles/BND-NO-SUCH/applications", body=body(), caller=CITIZEN)
    assert missing.status == 404 and fields_named(missing) == {"bundleId"}, missing.body


def test_a_retried_filing_with_the_same_key_files_the_bundle_once(system: System) -> None:
    # When the citizen's filing is retried with the same Idempotency-Key and body
    key = {"Idempotency-Key": "bundle-opening-retry-1"}
    before = own_cases(system)
    first = system.api(
        "POST", f"/bundles/{BUNDLE}/applications", body=body(), caller=CITIZEN, headers=key
    )
    again = system.api(
        "POST", f"/bundles/{BUNDLE}/applications", body=body(), caller=CITIZEN, headers=key
    )

    # Then the second answer is the first filing, and one set of members was drafted
    assert first.status == 201 and again.status == 201, (first.body, again.body)
    assert again.body["bundleCaseId"] == first.body["bundleCaseId"]
    assert own_cases(system) == before + len(first.body["members"])

    # And the same key with another body is refused, naming the header
    other = system.api(
        "POST",
        f"/bundles/{BUNDLE}/applications",
        body=body(answers={**EVERYTHING, "needsInvoices": "no"}),
        caller=CITIZEN,
        headers=key,
    )
    assert other.status == 422 and fields_named(other) == {"Idempotency-Key"}, other.body


def draft(system: System, bundle_case_id: str, changes: dict[str, Any]) -> Any:
    return system.api(
        "POST", f"/bundle-applications/{bundle_case_id}/draft", body=changes, caller=CITIZEN
    )


def test_a_shared_field_is_changed_once_for_every_member(system: System) -> None:
    view = file(system).body
    members = {m["itemId"]: m for m in view["members"]}
    versions = {m["applicationId"]: m["version"] for m in view["members"]}

    # When the citizen changes the contact phone once, and the seal's own fields
    shared = {**SHARED, "contactPhone": "13912345678"}
    seal = {**own_fields(SEAL), "sealMaterial": "COPPER"}
    saved = draft(
        system,
        view["bundleCaseId"],
        {"sharedForm": shared, "forms": {SEAL: seal}, "versions": versions},
    )

    # Then every member holds the new phone, the seal its new field, the others theirs
    assert saved.status == 200, saved.body
    for item_id, member in members.items():
        form = system.application(member["applicationId"]).form
        assert form["contactPhone"] == "13912345678", (item_id, form)
        assert set(own_fields(item_id)) <= set(form), (item_id, form)
    assert system.application(members[SEAL]["applicationId"]).form["sealMaterial"] == "COPPER"
    after = {m["applicationId"]: m["version"] for m in saved.body["members"]}
    assert all(after[a] == versions[a] + 1 for a in versions), (versions, after)

    # And a save from the copy read before is refused, naming the member, with nothing saved
    stale = draft(
        system,
        view["bundleCaseId"],
        {"sharedForm": {**shared, "contactName": "王芳"}, "versions": versions},
    )
    assert stale.status == 409, stale.body
    assert fields_named(stale) <= {f"versions.{a}" for a in versions}, stale.body
    assert system.application(members[SEAL]["applicationId"]).form["contactName"] == "李娜"

    # And a wrong shared value is named where it was given, with nothing saved
    wrong = draft(system, view["bundleCaseId"], {"sharedForm": {**shared, "contactPhone": "123"}})
    assert wrong.status == 422 and "sharedForm.contactPhone" in fields_named(wrong), wrong.body
    assert system.application(members[FUND]["applicationId"]).form["contactPhone"] == (
        "13912345678"
    )


def test_a_member_alone_keeps_what_the_bundle_shares(system: System) -> None:
    view = file(system).body
    seal = next(m for m in view["members"] if m["itemId"] == SEAL)
    case = system.api("GET", f"/applications/{seal['applicationId']}", caller=CITIZEN).body

    # When the citizen changes a shared field on one member's own draft
    changed = {**case["form"], "contactPhone": "13912345678"}
    refused = system.api(
        "POST",
        f"/applications/{seal['applicationId']}/draft",
        caller=CITIZEN,
        body={"version": case["version"], "form": changed},
    )

    # Then it is refused, naming the field: it changes on the bundle application
    assert refused.status == 409 and fields_named(refused) == {"form.contactPhone"}, refused.body

    # And the member's own field still changes on its own draft
    own = {**case["form"], "sealMaterial": "COPPER"}
    saved = system.api(
        "POST",
        f"/applications/{seal['applicationId']}/draft",
        caller=CITIZEN,
        body={"version": case["version"], "form": own},
    )
    assert saved.status == 200, saved.body
    assert system.application(seal["applicationId"]).form["sealMaterial"] == "COPPER"


def test_a_shared_material_is_not_uploaded_on_one_member_alone(system: System) -> None:
    view = file(system).body
    social = next(m for m in view["members"] if m["itemId"] == SOCIAL)["applicationId"]
    pdf = {"fileName": "a.pdf", "contentType": "application/pdf", "size": len(PDF)}

    # When the citizen uploads the shared bank account licence on one member
    refused = system.api(
        "POST",
        f"/applications/{social}/materials",
        caller=CITIZEN,
        body={"materialCode": "BANK_ACCOUNT", **pdf},
    )

    # Then it is refused: it goes on the bundle application, for both members at once
    assert refused.status == 409 and fields_named(refused) == {"materialCode"}, refused.body
    assert "BANK_ACCOUNT" not in system.application(social).materials
    # And the member's own material still uploads on it
    own = system.api(
        "POST",
        f"/applications/{social}/materials",
        caller=CITIZEN,
        body={"materialCode": "REGISTRATION_FORM", **pdf},
    )
    assert own.status == 200, own.body


def test_a_wrong_shared_value_is_named_once_with_the_items_it_fails(system: System) -> None:
    # When the shared phone is wrong and a field is misplaced at once
    refused = file(
        system,
        sharedForm={**SHARED, "contactPhone": "123"},
        forms={SEAL: {"enterpriseName": "另一家公司"}},
    )

    # Then both are named, the phone once, with every item that has the field
    assert refused.status == 422, refused.body
    named = [f["field"] for f in refused.body["fields"]]
    assert sorted(named) == ["forms.SD-KFQ-0101.enterpriseName", "sharedForm.contactPhone"]
    phone = next(f for f in refused.body["fields"] if f["field"] == "sharedForm.contactPhone")
    assert LICENCE in phone["message"] and BANK in phone["message"], phone
