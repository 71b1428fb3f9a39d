"""The shipped service catalog, and the rules that keep a bad catalog out."""

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from shared.catalog import DEFAULT_CATALOG_PATH, catalog_search_text, load_catalog
from shared.models.catalog import Catalog


@pytest.fixture
def raw_catalog() -> dict[str, Any]:
    return json.loads(DEFAULT_CATALOG_PATH.read_text(encoding="utf-8"))


def test_shipped_catalog_validates_and_covers_the_zone() -> None:
    # Given the catalog shipped with the platform
    # When it is loaded
    catalog = load_catalog()
    # Then it offers a realistic range: >= 14 items, >= 5 item types, >= 8 departments
    assert len(catalog.items) >= 14
    assert len({item.item_type for item in catalog.items}) >= 5
    assert len(catalog.departments) >= 8
    # And every department it lists leads or co-reviews at least one item
    used = {code for item in catalog.items for code in item.departments}
    assert {d.code for d in catalog.departments} == used


def test_parallel_approval_items_have_two_to_four_co_departments() -> None:
    # Given the shipped catalog
    catalog = load_catalog()
    # When the co-departments (协办部门) of each item are counted
    counts = [len(item.co_departments) for item in catalog.items]
    # Then several items are reviewed in parallel by 2-4 departments, and some by none
    assert sum(2 <= n <= 4 for n in counts) >= 3
    assert 0 in counts


def test_every_item_asks_for_a_required_material_and_keeps_its_promise() -> None:
    # Given the shipped catalog
    # When each item's guide is checked
    # Then the window always has something to check, and the promised time limit is
    # never longer than the statutory one
    for item in load_catalog().items:
        assert any(m.required for m in item.materials), item.item_id
        assert 0 < item.promised_days <= item.statutory_days, item.item_id


def test_search_text_finds_an_item_by_chinese_name_english_name_and_department() -> None:
    # Given the construction permit item
    item = next(i for i in load_catalog().items if i.name_zh == "建筑工程施工许可证核发")
    # When its search text is built
    text = catalog_search_text(item)
    # Then a search in Chinese, in English of any case, or by department code finds it
    assert "施工许可" in text
    assert "construction permit" in text
    assert "housing" in text
    assert item.item_id.lower() in text


def test_load_catalog_reads_another_file(tmp_path: Path, raw_catalog: dict[str, Any]) -> None:
    # Given a catalog file somewhere else holding one item
    raw_catalog["items"] = raw_catalog["items"][:1]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(raw_catalog, ensure_ascii=False), encoding="utf-8")
    # When it is loaded by path
    # Then that file is used, not the shipped one
    assert len(load_catalog(path).items) == 1


def _break(raw: dict[str, Any], how: str) -> dict[str, Any]:
    broken = copy.deepcopy(raw)
    item = broken["items"][0]
    if how == "unknown department":
        item["coDepartments"] = [*item["coDepartments"], "NOSUCHDEPT"]
    elif how == "promised > statutory":
        item["promisedDays"] = item["statutoryDays"] + 1
    elif how == "duplicate material":
        item["materials"].append(copy.deepcopy(item["materials"][0]))
    elif how == "duplicate item id":
        broken["items"][1]["itemId"] = item["itemId"]
    return broken


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("unknown department", "unknown departments ['NOSUCHDEPT']"),
        ("promised > statutory", "promisedDays cannot exceed statutoryDays"),
        ("duplicate material", "material codes must be unique"),
        ("duplicate item id", "item ids must be unique"),
    ],
)
def test_invalid_catalog_is_rejected_with_a_clear_message(
    raw_catalog: dict[str, Any], how: str, message: str
) -> None:
    # Given the shipped catalog with one mistake an editor could make
    broken = _break(raw_catalog, how)
    # When it is validated
    # Then it is rejected, and the message says what is wrong
    with pytest.raises(ValidationError, match=re.escape(message)):
        Catalog.model_validate(broken)
