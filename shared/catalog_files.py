"""A zone's implementation list as files: one JSON document, or a folder of CSV files.

Both are read into the same model (shared/models/catalog.py) and validated in full before
anything is written: every problem is reported with where it is (`items[12] SD-KFQ-0013
materials[2].maxSizeBytes`, or `materials.csv row 40 (SD-KFQ-0013) maxSizeBytes`) and why.

The CSV layout (UTF-8, a header row, one file per kind of row; cells of a list are
separated by `|`; booleans are true/false; an empty cell takes the default):

| file                     | one row per            | columns                                   |
|--------------------------|------------------------|-------------------------------------------|
| departments.csv          | department             | DEPARTMENT_COLUMNS                        |
| items.csv                | item                   | ITEM_COLUMNS                              |
| conditions.csv           | condition of an item   | itemId, zh, en                            |
| materials.csv            | material of an item    | itemId + MATERIAL_COLUMNS                 |
| form_fields.csv          | form field of an item  | itemId + FORM_FIELD_COLUMNS (options as   |
|                          |                        | `value:labelZh:labelEn|...`)              |
| special_procedures.csv   | special procedure      | itemId + PROCEDURE_COLUMNS                |
| fees.csv                 | fee of an item         | itemId + FEE_COLUMNS                      |

Rows of the child files keep their order within an item. Only departments.csv and
items.csv are required; the others may be absent when no item has such rows.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from shared.models.catalog import Catalog, CatalogItem, Department, catalog_reference_problems

DEPARTMENT_COLUMNS = ["code", "nameZh", "nameEn", "creditCode", "phone"]
ITEM_COLUMNS = [
    "itemId",
    "basicCode",
    "implementationCode",
    "nameZh",
    "nameEn",
    "itemType",
    "authoritySource",
    "implementingDepartment",
    "leadDepartment",
    "coDepartments",
    "caseKind",
    "handlingMode",
    "onSiteVisits",
    "visitReasonZh",
    "onlineDepth",
    "intakeChannels",
    "applicantKinds",
    "noticeAndCommitment",
    "promisedDays",
    "statutoryDays",
    "timeLimitNoteZh",
    "resultKind",
    "resultNameZh",
    "resultNameEn",
    "resultValidityYears",
    "resultValidityNoteZh",
    "deliveryModes",
    "legalBasis",
    "descriptionZh",
    "descriptionEn",
]
MATERIAL_COLUMNS = [
    "code",
    "nameZh",
    "nameEn",
    "required",
    "requiredWhenZh",
    "originals",
    "copies",
    "contentTypes",
    "maxSizeBytes",
    "source",
    "sourceDepartment",
    "sourceItem",
    "commitmentAllowed",
    "reusableAs",
    "notesZh",
]
FORM_FIELD_COLUMNS = [
    "name",
    "labelZh",
    "labelEn",
    "kind",
    "required",
    "maxLength",
    "minimum",
    "maximum",
    "options",
    "helpZh",
]
PROCEDURE_COLUMNS = ["kind", "nameZh", "nameEn", "limitDays", "legalBasis", "countsTowardLimit"]
FEE_COLUMNS = ["nameZh", "nameEn", "amountYuan", "standardZh", "legalBasis"]
CONDITION_COLUMNS = ["zh", "en"]
# Cells that hold a list, per file (legalBasis is a list of an item, one text of a fee).
LIST_COLUMNS = {
    "items.csv": {
        "coDepartments",
        "intakeChannels",
        "applicantKinds",
        "deliveryModes",
        "legalBasis",
    },
    "materials.csv": {"contentTypes"},
}
BOOLEAN_COLUMNS = {"noticeAndCommitment", "required", "commitmentAllowed", "countsTowardLimit"}
_TRUE = {"true", "yes", "1", "是", "y"}
_FALSE = {"false", "no", "0", "否", "n"}
# (file, JSON list of the item it fills, its columns)
CHILD_FILES = [
    ("conditions.csv", "conditions", CONDITION_COLUMNS),
    ("materials.csv", "materials", MATERIAL_COLUMNS),
    ("form_fields.csv", "formFields", FORM_FIELD_COLUMNS),
    ("special_procedures.csv", "specialProcedures", PROCEDURE_COLUMNS),
    ("fees.csv", "fees", FEE_COLUMNS),
]
_RESULT_COLUMNS = {
    "resultKind": "kind",
    "resultNameZh": "nameZh",
    "resultNameEn": "nameEn",
    "resultValidityYears": "validityYears",
    "resultValidityNoteZh": "validityNoteZh",
}


@dataclass
class Problem:
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.where}: {self.field}: {self.message}"
            if self.field
            else f"{self.where}: {self.message}"
        )


@dataclass
class ReadResult:
    catalog: Catalog | None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Source:
    """Where each part of one item came from, to name it in a problem."""

    where: str  # "items[3] SD-KFQ-0004" or "items.csv row 5 (SD-KFQ-0004)"
    children: dict[str, list[str]] = field(default_factory=dict)  # list name -> row names


# -- reading --------------------------------------------------------------------------


def read_catalog(path: Path) -> ReadResult:
    """A JSON file, or a folder holding the CSV files."""
    if path.is_dir():
        return read_csv_folder(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return ReadResult(None, [Problem(str(path), "", f"cannot be read as JSON: {exc}")])
    if not isinstance(raw, dict):
        return ReadResult(None, [Problem(str(path), "", "is not a JSON object")])
    departments = raw.get("departments") or []
    items = raw.get("items") or []
    sources = [
        _Source(f"items[{i}] {row.get('itemId', '?') if isinstance(row, dict) else '?'}")
        for i, row in enumerate(items)
    ]
    where = [f"departments[{i}]" for i in range(len(departments))]
    return _validate(departments, where, items, sources)


def read_csv_folder(folder: Path) -> ReadResult:
    problems: list[Problem] = []
    tables: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for name in ["departments.csv", "items.csv", *(f for f, _, _ in CHILD_FILES)]:
        csv_path = folder / name
        if not csv_path.exists():
            if name in ("departments.csv", "items.csv"):
                problems.append(Problem(name, "", "is missing"))
            tables[name] = []
            continue
        try:
            with csv_path.open(encoding="utf-8-sig", newline="") as handle:
                tables[name] = [(n, row) for n, row in enumerate(csv.DictReader(handle), start=2)]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            problems.append(Problem(name, "", f"cannot be read as UTF-8 CSV: {exc}"))
    if problems:
        return ReadResult(None, problems)

    departments = [_cells(row, "departments.csv") for _, row in tables["departments.csv"]]
    where = [f"departments.csv row {n}" for n, _ in tables["departments.csv"]]
    items: list[dict[str, Any]] = []
    sources: list[_Source] = []
    by_id: dict[str, int] = {}
    for number, row in tables["items.csv"]:
        item = _item_cells(row)
        by_id.setdefault(str(item.get("itemId", "")), len(items))
        items.append(item)
        sources.append(_Source(f"items.csv row {number} ({item.get('itemId', '?')})"))
    for file, list_name, _columns in CHILD_FILES:
        for number, row in tables[file]:
            cells = _cells(row, file)
            item_id = str(cells.pop("itemId", ""))
            if item_id not in by_id:
                problems.append(
                    Problem(f"{file} row {number}", "itemId", f"{item_id!r} is not in items.csv")
                )
                continue
            index = by_id[item_id]
            if list_name == "formFields" and "options" in cells:
                cells["options"] = _options(str(cells["options"]))
            items[index].setdefault(list_name, []).append(cells)
            sources[index].children.setdefault(list_name, []).append(
                f"{file} row {number} ({item_id})"
            )
    result = _validate(departments, where, items, sources)
    result.problems[:0] = problems
    if problems:
        result.catalog = None
    return result


def _cells(row: Mapping[str, str | None], file: str) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    lists = LIST_COLUMNS.get(file, set())
    for name, value in row.items():
        if name is None or value is None or value.strip() == "":
            continue
        text = value.strip()
        if name in lists:
            cells[name] = [part.strip() for part in text.split("|") if part.strip()]
        elif name in BOOLEAN_COLUMNS:
            lowered = text.lower()
            cells[name] = True if lowered in _TRUE else False if lowered in _FALSE else text
        else:
            cells[name] = text
    return cells


def _item_cells(row: Mapping[str, str | None]) -> dict[str, Any]:
    cells = _cells(row, "items.csv")
    result = {
        target: cells.pop(source) for source, target in _RESULT_COLUMNS.items() if source in cells
    }
    if result:
        cells["result"] = result
    return cells


def _options(text: str) -> list[dict[str, str]]:
    options = []
    for part in text.split("|"):
        value, _, rest = part.partition(":")
        label_zh, _, label_en = rest.partition(":")
        options.append(
            {"value": value.strip(), "labelZh": label_zh.strip(), "labelEn": label_en.strip()}
        )
    return options


def _validate(
    departments: list[Any], department_where: list[str], items: list[Any], sources: list[_Source]
) -> ReadResult:
    problems: list[Problem] = []
    valid_departments: list[Department] = []
    for raw, where in zip(departments, department_where, strict=True):
        try:
            valid_departments.append(Department.model_validate(raw))
        except ValidationError as exc:
            problems.extend(_problems(exc, _Source(where)))
    if not departments:
        problems.append(Problem("departments", "", "the list names no department"))
    valid_items: list[CatalogItem] = []
    item_sources: list[_Source] = []
    for raw, source in zip(items, sources, strict=True):
        try:
            valid_items.append(CatalogItem.model_validate(raw))
            item_sources.append(source)
        except ValidationError as exc:
            problems.extend(_problems(exc, source))
    problems.extend(_duplicates([d.code for d in valid_departments], "department code", "code"))
    problems.extend(_duplicates([i.item_id for i in valid_items], "item id", "itemId"))
    checked = Catalog.model_construct(departments=valid_departments, items=valid_items)
    where_of = {i.item_id: s.where for i, s in zip(valid_items, item_sources, strict=True)}
    for message in catalog_reference_problems(checked):
        item_id = message.split()[1].rstrip(":") if message.startswith("item ") else ""
        problems.append(Problem(where_of.get(item_id, "catalog"), "", message))
    if problems:
        return ReadResult(None, problems)
    return ReadResult(Catalog(departments=valid_departments, items=valid_items))


def _duplicates(values: list[str], what: str, column: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for value in values:
        if value in seen:
            problems.append(Problem("catalog", column, f"{what} {value} appears twice"))
        seen.add(value)
    return problems


def _problems(exc: ValidationError, source: _Source) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        where = source.where
        if len(loc) >= 2 and loc[0] in source.children and loc[1].isdigit():
            rows = source.children[loc[0]]
            index = int(loc[1])
            if index < len(rows):
                where, loc = rows[index], loc[2:]
        elif loc and loc[0] == "result":
            loc = [_result_column(loc[1:])] if len(loc) > 1 else loc
        problems.append(Problem(where, ".".join(loc), error["msg"]))
    return problems


def _result_column(rest: list[str]) -> str:
    inverse = {target: source for source, target in _RESULT_COLUMNS.items()}
    return inverse.get(rest[0], f"result.{'.'.join(rest)}")


# -- writing --------------------------------------------------------------------------


def write_csv_folder(catalog: Catalog, folder: Path) -> None:
    """The catalog in the CSV layout above (what a zone edits and imports back)."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(
        folder / "departments.csv",
        DEPARTMENT_COLUMNS,
        [d.model_dump(mode="json", by_alias=True) for d in catalog.departments],
    )
    items = [_item_row(i) for i in catalog.items]
    _write(folder / "items.csv", ITEM_COLUMNS, items)
    for file, list_name, columns in CHILD_FILES:
        rows = []
        for item in catalog.items:
            for child in item.model_dump(mode="json", by_alias=True)[list_name]:
                if list_name == "formFields":
                    child["options"] = "|".join(
                        f"{o['value']}:{o['labelZh']}:{o['labelEn']}" for o in child["options"]
                    )
                rows.append({"itemId": item.item_id, **child})
        _write(folder / file, ["itemId", *columns], rows)


def _item_row(item: CatalogItem) -> dict[str, Any]:
    row = item.model_dump(mode="json", by_alias=True)
    result = row.pop("result")
    row.update({source: result.get(target) for source, target in _RESULT_COLUMNS.items()})
    return row


def _write(file: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _cell(row.get(c)) for c in columns})


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(value)
