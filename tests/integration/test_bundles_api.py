"""The bundles (一件事) over the API: the list, one bundle, and its pre-screening
(情景导航), public; imported with the catalog, refused with the field named, and served
from what the API container holds of the current catalog revision."""

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from functions.api import dependencies
from shared.adapters.aws import client
from shared.catalog import load_bundles, load_catalog
from shared.services.catalog_import import import_catalog
from tests.integration.conftest import System, running_system

OPENING = "BND-BUSINESS-OPENING"
COMPANY = {
    "entityKind": "company",
    "hasEmployees": "yes",
    "needsInvoices": "yes",
    "needsBankAccount": "yes",
}


@pytest.fixture(scope="module")
def system() -> Iterator[System]:
    with running_system() as running:
        yield running


def _screen(system: System, bundle_id: str, answers: Any) -> Any:
    return system.api("POST", f"/bundles/{bundle_id}/screening", body={"answers": answers})


def test_the_shipped_bundles_are_listed_with_their_lead_department(system: System) -> None:
    answer = system.api("GET", "/bundles")
    assert answer.status == 200, answer.body
    listed = {b["bundleId"]: b for b in answer.body["bundles"]}
    assert set(listed) == {
        OPENING,
        "BND-DEREGISTRATION",
        *(f"BND-CONSTRUCTION-{n}" for n in range(1, 5)),
    }
    assert listed["BND-DEREGISTRATION"]["itemCount"] == 8
    assert listed[OPENING]["leadDepartment"]["code"] == "ADMIN"
    assert listed[OPENING]["leadDepartment"]["nameZh"].endswith("局")


def test_a_bundle_names_its_items_questions_and_exits(system: System) -> None:
    answer = system.api("GET", f"/bundles/{OPENING}")
    assert answer.status == 200, answer.body
    bundle = answer.body
    items = {i["itemId"]: i for i in bundle["items"]}
    assert items["SD-KFQ-0001"]["nameZh"]  # the business licence, named from the catalog
    assert items["SD-KFQ-0103"]["after"] == ["SD-KFQ-0001", "SD-KFQ-0101"]
    assert [q["key"] for q in bundle["questions"]] == list(COMPANY)
    (individual,) = bundle["exits"]
    assert [i["itemId"] for i in individual["instead"]] == ["SD-KFQ-0114"]
    assert all(i["nameZh"] for i in individual["instead"])


def test_a_company_is_screened_into_waves_with_one_list_of_materials(system: System) -> None:
    answer = _screen(system, OPENING, COMPANY)
    assert answer.status == 200, answer.body
    s = answer.body
    assert s["outcome"] == "bundle" and s["exit"] is None
    assert s["waves"][0] == ["SD-KFQ-0001"]
    assert s["waves"][-1] == ["SD-KFQ-0103"]
    by_id = {i["itemId"]: i for i in s["items"]}
    assert by_id["SD-KFQ-0001"]["wave"] == 1 and by_id["SD-KFQ-0103"]["wave"] == 3
    assert by_id["SD-KFQ-0103"]["waitsFor"] == ["SD-KFQ-0001", "SD-KFQ-0101"]
    assert "BUSINESS_LICENCE" not in [m["code"] for m in s["materials"]]
    (licence,) = s["issuedInBundle"]
    assert licence["code"] == "BUSINESS_LICENCE" and licence["issuedBy"] == "SD-KFQ-0001"
    assert licence["itemIds"] == ["SD-KFQ-0011", "SD-KFQ-0013"]
    bank = [m for m in s["materials"] if m["code"] == "BANK_ACCOUNT"]
    assert [m["itemIds"] for m in bank] == [["SD-KFQ-0011", "SD-KFQ-0132"]]
    assert {d["code"] for d in s["departments"]} >= {"ADMIN", "TAX", "PBOC"}
    assert all(d["nameZh"] != d["code"] for d in s["departments"])
    assert s["criticalPathDays"] == 2 and s["criticalPath"][0] == "SD-KFQ-0001"
    assert s["onSiteVisits"] == 1


def test_an_individual_business_ends_on_the_exit(system: System) -> None:
    answers = {**COMPANY, "entityKind": "individual"}
    answer = _screen(system, OPENING, answers)
    assert answer.status == 200, answer.body
    s = answer.body
    assert s["outcome"] == "exit" and s["items"] == [] and s["materials"] == []
    assert "个体工商户" in s["exit"]["reasonZh"]
    assert [i["itemId"] for i in s["exit"]["instead"]] == ["SD-KFQ-0114"]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        pytest.param({**COMPANY, "entityKind": "trust"}, "answers.entityKind", id="unknown-option"),
        pytest.param(
            {k: v for k, v in COMPANY.items() if k != "hasEmployees"},
            "answers.hasEmployees",
            id="unanswered",
        ),
        pytest.param({**COMPANY, "pets": "yes"}, "answers.pets", id="unknown-question"),
        pytest.param({**COMPANY, "entityKind": 3}, "body.answers.entityKind", id="not-text"),
        pytest.param(["company"], "body.answers", id="not-an-object"),
    ],
)
def test_wrong_answers_are_refused_naming_each(system: System, answers: Any, field: str) -> None:
    answer = _screen(system, OPENING, answers)
    assert answer.status == 422, answer.body
    assert field in [f["field"] for f in answer.body["fields"]], answer.body


def test_an_unknown_bundle_is_404_naming_it(system: System) -> None:
    for answer in (
        system.api("GET", "/bundles/BND-NOTHING"),
        _screen(system, "BND-NOTHING", {}),
    ):
        assert answer.status == 404, answer.body
        assert answer.body["fields"][0]["field"] == "bundleId"


def test_screening_reads_nothing_once_the_bundles_are_held(system: System) -> None:
    assert _screen(system, OPENING, COMPANY).status == 200  # loads what it needs
    calls: Counter[str] = Counter()

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    db = client("dynamodb")
    db.meta.events.register("before-call.dynamodb", count)
    try:
        for _ in range(3):
            assert _screen(system, OPENING, COMPANY).status == 200
            assert system.api("GET", f"/bundles/{OPENING}").status == 200
    finally:
        db.meta.events.unregister("before-call.dynamodb", count)
    assert calls == Counter()


def test_an_import_that_changes_the_bundles_reaches_the_api(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = load_catalog()
    shipped = load_bundles(catalog)
    kept = [b for b in shipped if b.bundle_id != "BND-CONSTRUCTION-2"]
    try:
        with system.runtime.exclusive({}):
            report = import_catalog(catalog, system.repo, bundles=kept)
        assert report.bundles_changed and report.revision is not None
        monkeypatch.setattr(dependencies.catalog_index(), "_checked_at", None)
        assert system.api("GET", "/bundles/BND-CONSTRUCTION-2").status == 404
        with system.runtime.exclusive({}):
            again = import_catalog(catalog, system.repo, bundles=kept)
        assert not again.wrote_anything  # the same list and bundles write nothing
    finally:
        with system.runtime.exclusive({}):
            import_catalog(catalog, system.repo, bundles=shipped)
        monkeypatch.setattr(dependencies.catalog_index(), "_checked_at", None)
    assert system.api("GET", "/bundles/BND-CONSTRUCTION-2").status == 200


def _screen_item(system: System, item_id: str, body: Any) -> Any:
    return system.api("POST", f"/catalog/items/{item_id}/screening", body=body)


def test_a_single_item_lists_the_conditional_materials_whose_situation_holds(
    system: System,
) -> None:
    guide = system.api("GET", "/catalog/items/SD-KFQ-0001").body
    conditional = [m["code"] for m in guide["materials"] if m.get("requiredWhenZh")]
    assert "AUTHORIZATION" in conditional  # 委托代理人办理的

    plain = _screen_item(system, "SD-KFQ-0001", {"applicantKind": "enterprise"})
    by_agent = _screen_item(
        system, "SD-KFQ-0001", {"applicantKind": "enterprise", "situations": ["AUTHORIZATION"]}
    )
    assert plain.status == by_agent.status == 200, (plain.body, by_agent.body)
    assert plain.body["itemId"] == "SD-KFQ-0001" and plain.body["bundleId"] is None
    codes = [m["code"] for m in plain.body["materials"]]
    assert "AUTHORIZATION" not in codes
    assert [m["code"] for m in by_agent.body["materials"]] == [
        m["code"]
        for m in guide["materials"]
        if m["source"] == "applicant" and (m["required"] or m["code"] == "AUTHORIZATION")
    ]
    assert plain.body["criticalPathDays"] == guide["promisedDays"]
    assert [d["code"] for d in plain.body["departments"]] == [
        guide["leadDepartment"],
        *guide["coDepartments"],
    ]


def test_a_single_item_not_for_the_applicant_kind_ends_on_the_exit(system: System) -> None:
    answer = _screen_item(system, "SD-KFQ-0004", {"applicantKind": "person"})
    assert answer.status == 200, answer.body
    assert answer.body["outcome"] == "exit" and answer.body["materials"] == []
    assert "企业" in answer.body["exit"]["reasonZh"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        pytest.param(
            {"applicantKind": "enterprise", "situations": ["APPLICATION_FORM"]},
            422,
            "situations.0",
            id="a-required-material",
        ),
        pytest.param({"applicantKind": "robot"}, 422, "body.applicantKind", id="unknown-kind"),
        pytest.param({"situations": []}, 422, "body.applicantKind", id="no-kind"),
    ],
)
def test_a_wrong_single_item_screening_names_the_field(
    system: System, body: Any, status: int, field: str
) -> None:
    answer = _screen_item(system, "SD-KFQ-0001", body)
    assert answer.status == status, answer.body
    assert field in [f["field"] for f in answer.body["fields"]], answer.body


def test_an_unknown_item_is_404(system: System) -> None:
    answer = _screen_item(system, "SD-KFQ-9999", {"applicantKind": "person"})
    assert answer.status == 404 and answer.body["fields"][0]["field"] == "itemId"
