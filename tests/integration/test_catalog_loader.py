"""The catalog is data in the repo, loaded into DynamoDB by a command."""

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from infra.local.provision import LocalNames, _create_tables
from shared.adapters.aws import reset_clients
from shared.adapters.repository import DynamoRepository
from shared.catalog import load_catalog
from shared.catalog_loader import main


@pytest.fixture
def table() -> str:
    with mock_aws():
        reset_clients()
        _create_tables(LocalNames())
        yield LocalNames().table
        reset_clients()


def test_loads_every_item_and_can_be_rerun(table: str) -> None:
    # Given an empty table; When the loader runs twice
    assert main(["--table", table]) == 0
    assert main(["--table", table]) == 0

    # Then every catalog item is there once, readable by id
    repo = DynamoRepository(table)
    items = load_catalog().items
    assert repo.get_catalog_item(items[0].item_id) == items[0]
    page = repo.list_catalog(None, None, 100, None)
    assert sorted(i.item_id for i in page.items) == sorted(i.item_id for i in items)


def test_an_invalid_catalog_writes_nothing(table: str, tmp_path: Path) -> None:
    # Given a catalog whose item names an unknown department
    data = json.loads(Path("shared/data/catalog.json").read_text(encoding="utf-8"))
    data["items"][0]["leadDepartment"] = "NOWHERE"
    bad = tmp_path / "catalog.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    # When the loader runs on it; Then it refuses and the table stays empty
    assert main(["--table", table, "--file", str(bad)]) == 2
    assert boto3.client("dynamodb").scan(TableName=table)["Count"] == 0
