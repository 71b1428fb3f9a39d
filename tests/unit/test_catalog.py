"""The catalog as an implementation list: the shipped list, the rules that keep a bad list
out, and typed form fields checked like the applicant model."""

import copy
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from shared.catalog import DEFAULT_CATALOG_PATH, load_catalog
from shared.domain.forms import form_problems, normalised
from shared.domain.identifiers import resident_id_problem
from shared.models.catalog import Catalog, CatalogItem, FieldKind, MaterialSource

# What the coming bundles need (PRACTICE.md): opening a business, the 8-item
# deregistration bundle and the construction project's four stages, by their list names.
OPENING_A_BUSINESS = {
    "企业设立登记",
    "公章刻制备案",
    "发票领用",
    "单位参加社会保险登记",
    "住房公积金单位缴存登记",
    "单位银行结算账户开立",
}
DEREGISTRATION = {
    "企业注销登记",
    "注销税务登记",
    "海关报关单位备案注销",
    "单位社会保险登记注销",
    "职工基本医疗保险单位参保登记注销",
    "住房公积金单位缴存登记注销",
    "单位银行结算账户撤销",
    "公章缴销",
}
CONSTRUCTION = {
    "企业投资项目备案",
    "企业投资项目核准",
    "建设项目用地预审与选址意见书核发",
    "建设用地规划许可证核发",
    "建设工程规划许可证核发",
    "特殊建设工程消防设计审查",
    "建筑工程施工许可证核发",
    "特殊建设工程消防验收",
    "其他建设工程消防验收备案",
    "人防工程竣工验收备案",
    "房屋建筑和市政基础设施工程竣工验收备案",
    "建设项目环境影响报告表审批",
    "建设项目环境影响报告书审批",
}


@pytest.fixture
def raw_catalog() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_CATALOG_PATH.read_text(encoding="utf-8"))
    return data


def test_the_shipped_list_is_a_zone_sized_implementation_list() -> None:
    # Given the catalog shipped with the platform
    catalog = load_catalog()
    # Then it holds at least 120 items of at least 8 legal types from at least 20 departments
    assert len(catalog.items) >= 120
    assert len({item.item_type for item in catalog.items}) >= 8
    leading = {item.lead_department for item in catalog.items}
    assert len(leading) >= 20
    # And every department it lists takes part in at least one item
    used = {
        code for item in catalog.items for code in [*item.departments, item.implementing_department]
    }
    assert {d.code for d in catalog.departments} == used
    # And both case kinds, zero-visit and one-visit items, and every material source occur
    assert {i.case_kind.value for i in catalog.items} == {"immediate", "promised"}
    assert Counter(i.on_site_visits for i in catalog.items)[0] > len(catalog.items) / 2
    sources = {m.source for i in catalog.items for m in i.materials}
    assert sources == set(MaterialSource)
    assert any(m.commitment_allowed for i in catalog.items for m in i.materials)
    assert any(i.special_procedures for i in catalog.items)
    assert any(i.fees for i in catalog.items)


@pytest.mark.parametrize(
    ("bundle", "names"),
    [
        ("opening a business", OPENING_A_BUSINESS),
        ("deregistration", DEREGISTRATION),
        ("construction", CONSTRUCTION),
    ],
)
def test_every_item_the_bundles_need_is_listed(bundle: str, names: set[str]) -> None:
    listed = {item.name_zh for item in load_catalog().items}
    assert names <= listed, f"{bundle} lacks {sorted(names - listed)}"


def test_every_item_has_real_codes_and_keeps_its_promise() -> None:
    catalog = load_catalog()
    bodies = {d.code: d.credit_code for d in catalog.departments}
    basic = [item.basic_code for item in catalog.items]
    assert len(set(basic)) == len(basic)
    for item in catalog.items:
        # The implementation code is the implementing body's credit code + the basic code
        assert item.implementation_code == bodies[item.implementing_department] + item.basic_code
        assert item.promised_days <= item.statutory_days, item.item_id
        assert any(m.required and m.uploaded for m in item.materials), item.item_id
        assert item.legal_basis and item.result.name_zh, item.item_id


def test_the_typed_form_of_an_item_uses_the_checked_kinds() -> None:
    kinds = Counter(f.kind for i in load_catalog().items for f in i.form_fields)
    assert {
        FieldKind.CREDIT_CODE,
        FieldKind.RESIDENT_ID,
        FieldKind.SELECT,
        FieldKind.DATE,
        FieldKind.NUMBER,
        FieldKind.PHONE,
        FieldKind.ADDRESS,
    } <= set(kinds)


def test_load_catalog_reads_another_file(tmp_path: Path, raw_catalog: dict[str, Any]) -> None:
    # Given a catalog file somewhere else holding one item
    raw_catalog["items"] = raw_catalog["items"][:1]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(raw_catalog, ensure_ascii=False), encoding="utf-8")
    # When it is loaded by path; Then that file is used, not the shipped one
    assert len(load_catalog(path).items) == 1


def _item(raw: dict[str, Any], item_id: str = "SD-KFQ-0010") -> dict[str, Any]:
    return copy.deepcopy(next(i for i in raw["items"] if i["itemId"] == item_id))


BROKEN_ITEMS: list[tuple[str, Any, str]] = [
    (
        "promised > statutory",
        lambda i: i.update(promisedDays=i["statutoryDays"] + 1),
        "promisedDays cannot exceed statutoryDays",
    ),
    (
        "immediate with a promise",
        lambda i: i.update(caseKind="immediate"),
        "immediate item (and only one) has promisedDays 0",
    ),
    ("a visit without its reason", lambda i: i.update(onSiteVisits=1), "visitReasonZh says why"),
    (
        "basic code of another type",
        lambda i: i.update(basicCode="XK00110001"),
        "basicCode of a public_service item starts with GG",
    ),
    (
        "implementation code of another item",
        lambda i: i.update(implementationCode=i["implementationCode"][:-1] + "9"),
        "ends with the item's basicCode",
    ),
    (
        "co-departments of an item handled alone",
        lambda i: i.update(handlingMode="self"),
        "handled jointly",
    ),
    (
        "duplicate material",
        lambda i: i["materials"].append(copy.deepcopy(i["materials"][0])),
        "material codes must be unique",
    ),
    (
        "shared data from nobody",
        lambda i: i["materials"][0].update(source="shared_data"),
        "sourceDepartment names whose data",
    ),
    (
        "commitment on an optional material",
        lambda i: i["materials"][4].update(commitmentAllowed=True),
        "only a required material",
    ),
    (
        "a select without options",
        lambda i: i["formFields"][3].update(options=[]),
        "a select field lists its options",
    ),
    (
        "a field of no known kind",
        lambda i: i["formFields"][0].update(kind="passport"),
        "Input should be",
    ),
]


@pytest.mark.parametrize(
    ("how", "breaks", "message"), BROKEN_ITEMS, ids=[b[0] for b in BROKEN_ITEMS]
)
def test_an_invalid_item_is_refused_saying_why(
    raw_catalog: dict[str, Any], how: str, breaks: Any, message: str
) -> None:
    # Given one item with a mistake an editor could make
    item = _item(raw_catalog)
    breaks(item)
    # When it is validated; Then it is refused, and the message says what is wrong
    with pytest.raises(ValidationError, match=re.escape(message)):
        CatalogItem.model_validate(item)


def test_a_list_naming_unknown_things_is_refused(raw_catalog: dict[str, Any]) -> None:
    # Given a list whose item names a department and a source item that it does not hold
    broken = copy.deepcopy(raw_catalog)
    broken["items"][0]["coDepartments"] = [*broken["items"][0]["coDepartments"], "NOSUCHDEPT"]
    certificate = next(m for i in broken["items"] for m in i["materials"] if m.get("sourceItem"))
    certificate["sourceItem"] = "SD-KFQ-9999"
    # When it is validated; Then both are named
    with pytest.raises(ValidationError) as raised:
        Catalog.model_validate(broken)
    assert "unknown departments ['NOSUCHDEPT']" in str(raised.value)
    assert "unknown sourceItem SD-KFQ-9999" in str(raised.value)


def test_a_department_needs_a_valid_credit_code(raw_catalog: dict[str, Any]) -> None:
    broken = copy.deepcopy(raw_catalog)
    code = broken["departments"][0]["creditCode"]
    broken["departments"][0]["creditCode"] = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="check character mismatch"):
        Catalog.model_validate(broken)


# -- the form ---------------------------------------------------------------------------


def _utilities() -> CatalogItem:
    return next(i for i in load_catalog().items if i.item_id == "SD-KFQ-0010")


VALID_FORM: dict[str, Any] = {
    "enterpriseName": "烟台海川新材料有限公司",
    "creditCode": "91350100m000100y43",
    "supplyAddress": "烟台经济技术开发区长江路100号",
    "voltageLevel": "LV_380V",
    "powerCapacity": 160,
    "expectedDate": "2027-01-15",
    "contactName": "李娜",
    "contactPhone": "0535-6390011",
}


def test_a_valid_form_has_no_problems_and_is_stored_normalised() -> None:
    item = _utilities()
    assert form_problems(item, VALID_FORM, require=True) == []
    stored = normalised(item, {**VALID_FORM, "waterDiameter": ""})
    assert stored["creditCode"] == "91350100M000100Y43"  # upper-cased like the applicant's
    assert "waterDiameter" not in stored  # a blank optional field is left out


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("creditCode", "91350100M000100Y44", "check character mismatch"),
        ("voltageLevel", "HV_35KV", "must be one of LV_220V, LV_380V, HV_10KV"),
        ("powerCapacity", 0, "must be at least 1"),
        ("powerCapacity", "a lot", "must be a number"),
        ("powerCapacity", True, "not true/false"),
        ("expectedDate", "2027-02-30", "not a calendar date"),
        ("expectedDate", "15/01/2027", "YYYY-MM-DD"),
        ("contactPhone", "12345", "mobile number or a landline"),
        ("enterpriseName", "名" * 101, "longer than 100"),
        ("favouriteColour", "blue", "not a field of this item's form"),
    ],
)
def test_each_wrong_value_is_named_by_its_field(field: str, value: Any, message: str) -> None:
    problems = form_problems(_utilities(), {**VALID_FORM, field: value}, require=False)
    assert [(f, m) for f, m in problems if message in m] == [(f"form.{field}", problems[0][1])]


def test_a_resident_id_field_is_checked_like_the_applicant_model() -> None:
    # Given an item whose form asks for a resident ID number
    item = next(
        i
        for i in load_catalog().items
        if any(f.kind is FieldKind.RESIDENT_ID for f in i.form_fields)
    )
    name = next(f.name for f in item.form_fields if f.kind is FieldKind.RESIDENT_ID)
    # When the number's check character is wrong, and when it is right
    wrong = form_problems(item, {name: "110105194912310021"}, require=False)
    right = form_problems(item, {name: "11010519491231002x"}, require=False)
    # Then only the wrong one is a problem, with the applicant model's message
    assert wrong == [(f"form.{name}", resident_id_problem("110105194912310021"))]
    assert "check character mismatch" in str(wrong)
    assert right == []


def test_acceptance_asks_for_required_fields_filing_does_not() -> None:
    item = _utilities()
    partial = {"enterpriseName": "烟台海川新材料有限公司"}
    assert form_problems(item, partial, require=False) == []
    required = {f for f, _ in form_problems(item, partial, require=True)}
    assert required == {
        f"form.{f.name}" for f in item.form_fields if f.required and f.name != "enterpriseName"
    }
