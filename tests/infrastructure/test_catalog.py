"""The catalog loaded by the deployment (issue 14): one custom resource whose function
imports the shipped list into the main table, re-sent on an update only when the list
changed, and whose role may reach that table alone."""

from typing import Any

from infra.constructs.catalog import shipped_digest


def import_resources(synth: Any) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = synth.of_type("Custom::OneWindowCatalog")
    return found


def test_one_catalog_import_names_the_shipped_source_and_its_digest(synth: Any) -> None:
    # Given the synthesized stack (default context)
    # When we read its catalog custom resources
    imports = import_resources(synth)
    # Then there is one, for the shipped list, keyed by the list's content
    assert len(imports) == 1
    props = next(iter(imports.values()))["Properties"]
    assert props["Source"] == "shipped"
    assert props["CatalogDigest"] == shipped_digest()
    assert len(props["CatalogDigest"]) == 64


def test_the_import_is_answered_by_the_catalog_function_on_the_main_table(synth: Any) -> None:
    # Given the custom resource's service token
    props = next(iter(import_resources(synth).values()))["Properties"]
    function_id = props["ServiceToken"]["Fn::GetAtt"][0]
    function = synth.resources[function_id]["Properties"]
    # Then it is a function told the main table's name, with a handler in functions/catalog
    table_ids = set(synth.of_type("AWS::DynamoDB::GlobalTable")) | set(
        synth.of_type("AWS::DynamoDB::Table")
    )
    assert function["Environment"]["Variables"]["TABLE_NAME"]["Ref"] in table_ids
    assert function["Handler"].startswith("functions.catalog.")


def test_the_import_role_reaches_no_other_table(synth: Any) -> None:
    # Given the catalog function's role and the policies attached to it
    props = next(iter(import_resources(synth).values()))["Properties"]
    function = synth.resources[props["ServiceToken"]["Fn::GetAtt"][0]]["Properties"]
    role_id = function["Role"]["Fn::GetAtt"][0]
    policies = [
        p["Properties"]
        for p in synth.of_type("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
    ]
    # Then every DynamoDB statement names the main table (or its indexes) only
    table_ids = set(synth.of_type("AWS::DynamoDB::GlobalTable")) | set(
        synth.of_type("AWS::DynamoDB::Table")
    )
    dynamo = [
        s
        for p in policies
        for s in p["PolicyDocument"]["Statement"]
        if any(str(a).startswith("dynamodb:") for a in _list(s["Action"]))
    ]
    assert dynamo
    for statement in dynamo:
        for resource in _list(statement["Resource"]):
            assert _names_one_of(resource, table_ids), resource


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _names_one_of(resource: Any, ids: set[str]) -> bool:
    text = str(resource)
    return any(i in text for i in ids)
