"""The importer: a zone's implementation list (JSON or CSV) into DynamoDB, validated first,
idempotent, versioning what changed."""

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.local.provision import LocalNames, _create_tables
from shared.adapters.aws import reset_clients
from shared.adapters.repository import DynamoRepository
from shared.catalog import DEFAULT_CATALOG_PATH, load_catalog
from shared.catalog_loader import main


@pytest.fixture
def table() -> Iterator[str]:
    with mock_aws():
        reset_clients()
        _create_tables(LocalNames())
        yield LocalNames().table
        reset_clients()


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_CATALOG_PATH.read_text(encoding="utf-8"))
    return data


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _item_records(table: str) -> int:
    items = boto3.client("dynamodb").scan(TableName=table)["Items"]
    return sum(1 for i in items if i["PK"]["S"].startswith("ITEM#"))


def test_loads_every_item_and_a_second_run_writes_nothing(
    table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an empty table; When the shipped list is imported
    assert main(["--table", table]) == 0
    first = capsys.readouterr().out
    records = _item_records(table)

    # Then every item is there at version 1, readable by id, and listed in the search index
    repo = DynamoRepository(table)
    catalog = load_catalog()
    assert f"{len(catalog.items)} new" in first
    stored = repo.get_catalog_item(catalog.items[0].item_id)
    assert stored == catalog.items[0].model_copy(update={"version": 1})
    revision = repo.catalog_revision()
    assert revision is not None and revision.item_count == len(catalog.items)
    listed = {e["itemId"] for e in repo.load_search_entries(revision)}
    assert listed == {i.item_id for i in catalog.items}
    assert repo.get_departments() == catalog.departments

    # When the same list is imported again
    assert main(["--table", table]) == 0
    second = capsys.readouterr().out

    # Then nothing changed: no new version, no new index
    assert f"0 new, 0 changed (new versions), {len(catalog.items)} unchanged" in second
    assert _item_records(table) == records
    again = repo.catalog_revision()
    assert again is not None and again.revision == revision.revision


def test_a_changed_item_gets_a_new_version_and_the_old_one_stays(
    table: str, tmp_path: Path
) -> None:
    # Given the list imported once
    assert main(["--table", table]) == 0
    repo = DynamoRepository(table)

    # When the zone shortens one item's promised limit and drops another item from its list
    data = _raw()
    changed = next(i for i in data["items"] if i["itemId"] == "SD-KFQ-0010")
    changed["promisedDays"] = 3
    data["items"] = [i for i in data["items"] if i["itemId"] != "SD-KFQ-0021"]
    assert main(["--table", table, "--file", str(_write(tmp_path / "c.json", data))]) == 0

    # Then the changed item is version 2, version 1 is still there as it was
    current = repo.get_catalog_item("SD-KFQ-0010")
    first = repo.get_catalog_item("SD-KFQ-0010", 1)
    assert current is not None and current.version == 2 and current.promised_days == 3
    assert first is not None and first.version == 1 and first.promised_days == 5
    # And the untouched items keep their version
    unchanged = repo.get_catalog_item("SD-KFQ-0001")
    assert unchanged is not None and unchanged.version == 1
    # And the dropped item is withdrawn: no longer current or listed, its version readable
    assert repo.get_catalog_item("SD-KFQ-0021") is None
    assert repo.get_catalog_item("SD-KFQ-0021", 1) is not None
    revision = repo.catalog_revision()
    assert revision is not None and revision.revision == 2
    entries = {e["itemId"]: e for e in repo.load_search_entries(revision)}
    assert "SD-KFQ-0021" not in entries and entries["SD-KFQ-0010"]["version"] == 2


def test_an_invalid_list_writes_nothing_and_names_each_row_and_field(
    table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a list whose second item names an unknown department and whose fourth item has
    # a material too large and a resident-ID field of an unknown kind
    data = _raw()
    data["items"][1]["leadDepartment"] = "NOWHERE"
    data["items"][3]["materials"][0]["maxSizeBytes"] = 10**10
    data["items"][3]["formFields"][0]["kind"] = "passport"
    bad = _write(tmp_path / "bad.json", data)

    # When the importer runs on it
    assert main(["--table", table, "--file", str(bad)]) == 2

    # Then every failure is printed with its row and field, and the table stays empty
    err = capsys.readouterr().err
    second, fourth = data["items"][1]["itemId"], data["items"][3]["itemId"]
    assert f"items[1] {second}" in err and "NOWHERE" in err
    assert f"items[3] {fourth}: materials.0.maxSizeBytes" in err
    assert f"items[3] {fourth}: formFields.0.kind" in err
    assert "nothing written" in err
    assert boto3.client("dynamodb").scan(TableName=table)["Count"] == 0


def test_the_csv_layout_round_trips_and_reports_its_rows(
    table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the shipped list exported as CSV files, the zone's editing format
    folder = tmp_path / "list"
    assert main(["--export", str(folder)]) == 0
    assert {p.name for p in folder.iterdir()} >= {"departments.csv", "items.csv", "materials.csv"}

    # When the JSON list is imported, and then the CSV files
    assert main(["--table", table]) == 0
    assert main(["--table", table, "--file", str(folder)]) == 0

    # Then the CSV files hold the very same list: the second import changes nothing
    out = capsys.readouterr().out
    assert f"0 changed (new versions), {len(load_catalog().items)} unchanged" in out

    # When one material row of the CSV has a size that is not a number
    materials = folder / "materials.csv"
    rows = list(csv.DictReader(materials.open(encoding="utf-8")))
    rows[4]["maxSizeBytes"] = "ten megabytes"
    with materials.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["--table", table, "--file", str(folder), "--dry-run"]) == 2

    # Then the failure names the file, the row (the header is row 1) and the column
    err = capsys.readouterr().err
    assert f"materials.csv row 6 ({rows[4]['itemId']}): maxSizeBytes" in err


def test_the_shipped_bundles_are_imported_with_the_list(
    table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--table", table]) == 0
    assert "bundles updated" in capsys.readouterr().out
    repo = DynamoRepository(table)
    assert [b.bundle_id for b in repo.get_bundles()][:2] == [
        "BND-BUSINESS-OPENING",
        "BND-DEREGISTRATION",
    ]
    revision = repo.catalog_revision()

    # Importing the list without bundles removes them and publishes a new revision
    assert main(["--table", table, "--bundles", "none"]) == 0
    assert repo.get_bundles() == []
    after = repo.catalog_revision()
    assert revision is not None and after is not None
    assert after.revision == revision.revision + 1


def test_a_bundle_out_of_order_writes_nothing_and_says_where(
    table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundles = json.loads(DEFAULT_CATALOG_PATH.with_name("bundles.json").read_text("utf-8"))
    opening = bundles["bundles"][0]
    opening["items"][-1]["itemId"] = "SD-KFQ-9999"  # the bank account: nothing waits for it
    opening["items"][1]["after"] = ["SD-KFQ-0103"]  # the seal waits for an item not in it
    bad = _write(tmp_path / "bundles.json", bundles)

    assert main(["--table", table, "--bundles", str(bad)]) == 2
    error = capsys.readouterr().err
    assert "bundles.0: bundle BND-BUSINESS-OPENING: item SD-KFQ-0101 waits for" in error
    assert "validation error" not in error  # one line per problem, not pydantic's report
    assert "nothing written" in error
    assert _item_records(table) == 0
    assert DynamoRepository(table).get_bundles() == []


def test_a_bundle_naming_an_item_the_list_lacks_writes_nothing(
    table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundles = json.loads(DEFAULT_CATALOG_PATH.with_name("bundles.json").read_text("utf-8"))
    bundles["bundles"][0]["items"][-1]["itemId"] = "SD-KFQ-9999"
    bad = _write(tmp_path / "bundles.json", bundles)

    assert main(["--table", table, "--bundles", str(bad)]) == 2
    error = capsys.readouterr().err
    assert "bundle BND-BUSINESS-OPENING names unknown items ['SD-KFQ-9999']" in error
    assert _item_records(table) == 0
