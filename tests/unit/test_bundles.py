"""Bundles (一件事) as catalog data, and their guided pre-screening (情景导航)."""

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from shared.catalog import DEFAULT_CATALOG_PATH, load_catalog
from shared.domain.bundles import Screening, checked_answers, screen
from shared.errors import ValidationFailed
from shared.models.bundles import Bundle, bundle_catalog_problems, checked_bundles
from shared.models.catalog import Catalog, CatalogItem

BUNDLES_PATH = Path(DEFAULT_CATALOG_PATH).with_name("bundles.json")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def bundles(catalog: Catalog) -> dict[str, Bundle]:
    return {
        b.bundle_id: b for b in checked_bundles(BUNDLES_PATH.read_text(encoding="utf-8"), catalog)
    }


@pytest.fixture(scope="module")
def items(catalog: Catalog) -> dict[str, CatalogItem]:
    return {i.item_id: i for i in catalog.items}


def ids(*numbers: str) -> tuple[str, ...]:
    return tuple(f"SD-KFQ-{n}" for n in numbers)


def screened(bundle: Bundle, items: dict[str, CatalogItem], **answers: str) -> Screening:
    return screen(bundle, items, checked_answers(bundle, answers))


def test_the_shipped_bundles_are_the_zones_opening_closing_and_four_construction_stages(
    bundles: dict[str, Bundle],
) -> None:
    assert sorted(bundles) == [
        "BND-BUSINESS-OPENING",
        "BND-CONSTRUCTION-1",
        "BND-CONSTRUCTION-2",
        "BND-CONSTRUCTION-3",
        "BND-CONSTRUCTION-4",
        "BND-DEREGISTRATION",
    ]
    assert len(bundles["BND-DEREGISTRATION"].items) == 8
    assert bundles["BND-BUSINESS-OPENING"].name_zh == "企业开办一件事"


def test_opening_a_business_registers_first_and_runs_the_rest_at_once(
    bundles: dict[str, Bundle], items: dict[str, CatalogItem]
) -> None:
    opening = bundles["BND-BUSINESS-OPENING"]
    s = screened(
        opening,
        items,
        entityKind="company",
        hasEmployees="yes",
        needsInvoices="yes",
        needsBankAccount="yes",
    )
    # The licence first; seal, invoices, social and medical insurance, housing fund at once;
    # the bank account waits for the seal as well (its specimen is a material).
    assert s.waves == (ids("0001"), ids("0101", "0102", "0011", "0132", "0013"), ids("0103"))
    assert s.exit is None
    assert s.departments == ("ADMIN", "PUBSEC", "TAX", "HRSS", "MEDINS", "HPF", "PBOC")
    assert s.critical_path_days == 2  # licence (1) then a 1-day registration
    assert s.on_site_visits == 1  # the bank's face-to-face check, at the same visit
    assert s.visits_if_separate == 1
    # The licence the registration issues is not asked of the applicant for what follows
    assert not [m for m in s.materials if m.rule.code == "BUSINESS_LICENCE"]
    (licence,) = s.issued_in_bundle
    assert (licence.rule.code, licence.issued_by) == ("BUSINESS_LICENCE", "SD-KFQ-0001")
    assert licence.item_ids == ids("0011", "0013")
    # A shared material is uploaded once for every item that asks for it
    bank = [m.item_ids for m in s.materials if m.rule.code == "BANK_ACCOUNT"]
    assert bank == [ids("0011", "0132")]
    # Not shared: each item's own application form stays its own.
    forms = [m.item_ids for m in s.materials if m.rule.code == "APPLICATION_FORM"]
    assert forms == [ids("0001"), ids("0101"), ids("0132"), ids("0103")]


def test_the_answers_leave_out_the_items_that_do_not_apply(
    bundles: dict[str, Bundle], items: dict[str, CatalogItem]
) -> None:
    opening = bundles["BND-BUSINESS-OPENING"]
    s = screened(
        opening,
        items,
        entityKind="company",
        hasEmployees="no",
        needsInvoices="no",
        needsBankAccount="no",
    )
    assert s.item_ids == ids("0001", "0101")
    assert s.waves == (ids("0001"), ids("0101"))
    assert s.on_site_visits == 0


def test_an_individual_business_is_sent_to_its_own_item(
    bundles: dict[str, Bundle], items: dict[str, CatalogItem]
) -> None:
    s = screened(
        bundles["BND-BUSINESS-OPENING"],
        items,
        entityKind="individual",
        hasEmployees="no",
        needsInvoices="no",
        needsBankAccount="no",
    )
    assert s.exit is not None and s.exit.instead == list(ids("0114"))
    assert "个体工商户" in s.exit.reason_zh
    assert s.item_ids == () and s.waves == () and s.materials == ()


def test_deregistration_clears_tax_first_then_the_rest(
    bundles: dict[str, Bundle], items: dict[str, CatalogItem]
) -> None:
    s = screened(
        bundles["BND-DEREGISTRATION"],
        items,
        entityKind="company",
        customsRecord="yes",
        hasEmployees="yes",
        hasBankAccount="yes",
    )
    assert len(s.item_ids) == 8
    assert s.waves[0] == ids("0105")
    # What needs the deregistration's own record waits for it.
    assert s.waves[2] == ids("0106", "0110", "0111")
    assert s.critical_path == ids("0105", "0104", "0106")
    assert s.critical_path_days == 12  # tax (10), deregistration (1), then a 1-day item


def test_a_project_in_the_approval_catalogue_is_approved_after_the_land_pre_review(
    bundles: dict[str, Bundle], items: dict[str, CatalogItem]
) -> None:
    stage = bundles["BND-CONSTRUCTION-1"]
    approval = screened(stage, items, investment="enterprise_approval")
    assert approval.waves == (ids("0202"), ids("0201"), ids("0203"))
    filing = screened(stage, items, investment="enterprise_filing")
    assert filing.waves == (ids("0003"), ids("0202"), ids("0203"))
    government = screened(stage, items, investment="government")
    assert government.exit is not None and government.exit.instead == []


def test_the_construction_permit_waits_for_every_review_that_applies(
    bundles: dict[str, Bundle], items: dict[str, CatalogItem]
) -> None:
    stage = bundles["BND-CONSTRUCTION-3"]
    s = screened(stage, items, specialFire="yes", civilDefence="no")
    assert s.waves == (ids("0217", "0005"), ids("0006"))
    assert s.critical_path_days == 13  # joint drawing review (10), then the permit (3)


@pytest.mark.parametrize(
    ("answers", "fields"),
    [
        (
            {"entityKind": "company"},
            {"answers.hasEmployees", "answers.needsInvoices", "answers.needsBankAccount"},
        ),
        (
            {
                "entityKind": "shop",
                "hasEmployees": "yes",
                "needsInvoices": "yes",
                "needsBankAccount": "yes",
            },
            {"answers.entityKind"},
        ),
        (
            {
                "entityKind": "company",
                "hasEmployees": "yes",
                "needsInvoices": "no",
                "needsBankAccount": "no",
                "x": "y",
            },
            {"answers.x"},
        ),
    ],
    ids=["unanswered", "unknown option", "unknown question"],
)
def test_answers_that_do_not_fit_are_refused_naming_each(
    bundles: dict[str, Bundle], answers: dict[str, str], fields: set[str]
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        checked_answers(bundles["BND-BUSINESS-OPENING"], answers)
    assert {f for f, _ in refused.value.fields} == fields


def test_answers_must_be_an_object(bundles: dict[str, Bundle]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        checked_answers(bundles["BND-BUSINESS-OPENING"], ["company"])
    assert refused.value.field == "answers"


def bundle_document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "bundleId": "BND-TEST",
        "nameZh": "测试一件事",
        "nameEn": "Test bundle",
        "leadDepartment": "ADMIN",
        "questions": [
            {
                "key": "hasStaff",
                "textZh": "是否招用职工？",
                "textEn": "Staff?",
                "options": [
                    {"value": "yes", "labelZh": "是", "labelEn": "Yes"},
                    {"value": "no", "labelZh": "否", "labelEn": "No"},
                ],
            }
        ],
        "items": [{"itemId": "SD-KFQ-0001"}, {"itemId": "SD-KFQ-0011", "after": ["SD-KFQ-0001"]}],
    }
    document.update(changes)
    return document


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {
                "items": [
                    {"itemId": "SD-KFQ-0001", "after": ["SD-KFQ-0011"]},
                    {"itemId": "SD-KFQ-0011", "after": ["SD-KFQ-0001"]},
                ]
            },
            "cycle",
        ),
        (
            {
                "items": [
                    {"itemId": "SD-KFQ-0001", "after": ["SD-KFQ-0099"]},
                    {"itemId": "SD-KFQ-0011"},
                ]
            },
            "outside the bundle",
        ),
        (
            {
                "items": [
                    {"itemId": "SD-KFQ-0001", "when": [{"question": "size", "anyOf": ["big"]}]},
                    {"itemId": "SD-KFQ-0011"},
                ]
            },
            "unknown question size",
        ),
        (
            {
                "items": [
                    {
                        "itemId": "SD-KFQ-0001",
                        "when": [{"question": "hasStaff", "anyOf": ["many"]}],
                    },
                    {"itemId": "SD-KFQ-0011"},
                ]
            },
            "unknown options ['many']",
        ),
        (
            {"items": [{"itemId": "SD-KFQ-0001"}, {"itemId": "SD-KFQ-0001"}]},
            "item ids must be unique",
        ),
    ],
    ids=["cycle", "wait outside", "unknown question", "unknown option", "repeated item"],
)
def test_a_bundle_that_contradicts_itself_is_refused(changes: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        Bundle.model_validate(bundle_document(**changes))


def test_a_bundle_is_checked_against_the_catalog(catalog: Catalog) -> None:
    unknown = Bundle.model_validate(
        bundle_document(items=[{"itemId": "SD-KFQ-0001"}, {"itemId": "SD-KFQ-9999"}])
    )
    assert bundle_catalog_problems(unknown, catalog) == [
        "bundle BND-TEST names unknown items ['SD-KFQ-9999']"
    ]
    # A material only one of its items has is nothing to share.
    lonely = Bundle.model_validate(
        bundle_document(sharedMaterials=["ARTICLES"], sharedFields=["enterpriseName"])
    )
    assert bundle_catalog_problems(lonely, catalog) == [
        "bundle BND-TEST: shared material ARTICLES is a material of 1 of its items"
    ]
    # One value must answer every item that shares a field: a select whose options
    # differ between them cannot be shared (the deregistration's reasons differ per item).
    differing = Bundle.model_validate(
        bundle_document(
            items=[{"itemId": "SD-KFQ-0105"}, {"itemId": "SD-KFQ-0104", "after": ["SD-KFQ-0105"]}],
            sharedFields=["reason"],
        )
    )
    assert bundle_catalog_problems(differing, catalog) == [
        "bundle BND-TEST: shared field reason differs in kind or options between "
        "SD-KFQ-0105, SD-KFQ-0104"
    ]


def test_repeated_bundle_ids_are_refused(catalog: Catalog) -> None:
    document = json.dumps({"bundles": [bundle_document(), bundle_document()]})
    with pytest.raises(ValueError, match="bundle ids must be unique"):
        checked_bundles(document, catalog)


def test_a_result_provides_a_material_only_to_the_items_that_wait_for_it(
    bundles: dict[str, Bundle], items: dict[str, CatalogItem]
) -> None:
    # Completion acceptance: the filing (0009) waits for the planning check and the fire
    # acceptance (or its filing, for an ordinary project), whose results it is given
    final = bundles["BND-CONSTRUCTION-4"]
    special = screened(final, items, specialFire="yes", civilDefence="no")
    ordinary = screened(final, items, specialFire="no", civilDefence="no")
    assert {(f.rule.code, f.issued_by) for f in special.issued_in_bundle} == {
        ("PLANNING_CHECK", "SD-KFQ-0209"),
        ("FIRE_ACCEPTANCE", "SD-KFQ-0206"),
    }
    assert ("FIRE_ACCEPTANCE", "SD-KFQ-0207") in {
        (f.rule.code, f.issued_by) for f in ordinary.issued_in_bundle
    }
    codes = {m.rule.code for m in special.materials}
    assert not codes & {"PLANNING_CHECK", "FIRE_ACCEPTANCE"}


def test_a_bundle_whose_result_serves_no_later_item_is_refused(catalog: Catalog) -> None:
    document = json.loads(BUNDLES_PATH.read_text(encoding="utf-8"))
    opening = document["bundles"][0]
    last = next(i for i in opening["items"] if i["itemId"] == "SD-KFQ-0103")
    last["issues"] = ["SEAL_SPECIMEN"]  # nothing waits for the bank account
    with pytest.raises(ValueError, match="SD-KFQ-0103 issues SEAL_SPECIMEN"):
        checked_bundles(json.dumps(document), catalog)
