"""GET /openapi.json: the document clients generate code from describes the whole contract."""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from functions.api.app import openapi_document
from infra.constants import ROUTES
from tests.integration.conftest import System


def test_the_served_document_lists_every_route_and_the_request_schemas(system: System) -> None:
    # When anyone fetches the OpenAPI document, without a token
    answer = system.api("GET", "/openapi.json")

    # Then it is an OpenAPI 3 document of this API
    assert answer.status == 200, answer.body
    document = answer.body
    assert document["openapi"].startswith("3.") and document["info"]["title"] == "OneWindow API"

    # And every route of the contract is in it, with its method
    for method, path, _ in ROUTES:
        assert path in document["paths"], path  # {param} is written the same way in both
        assert method.lower() in document["paths"][path], (method, path)

    # And the body a client sends to file an application is described field by field
    schemas = document["components"]["schemas"]
    create = schemas["CreateApplicationRequest"]
    assert set(create["required"]) >= {"itemId", "applicant", "channel", "delivery"}
    assert {
        "PersonApplicant",
        "EnterpriseApplicant",
        "DecisionRequest",
        "FeedbackRequest",
        "MaterialUploadRequest",
    } <= set(schemas)
    request_body = document["paths"]["/applications"]["post"]["requestBody"]
    assert request_body["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CreateApplicationRequest"
    )


def test_the_document_has_no_route_outside_the_contract() -> None:
    # Given the document `make openapi` prints
    paths = json.loads(openapi_document())["paths"]

    # Then each documented operation is one API Gateway routes to the function
    contract = {(m.lower(), p) for m, p, _ in ROUTES}
    documented = {(m, p) for p, ops in paths.items() for m in ops}
    assert documented == contract
    assert all(not re.search(r"<\w+>", p) for p in paths)  # no resolver-style placeholders


# -- What client generators rely on, asserted for every operation ---------------------------
DOCUMENT = json.loads(openapi_document())
OPERATIONS = [
    pytest.param(method, path, operation, id=f"{method.upper()} {path}")
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
]
PUBLIC = {(m.lower(), p) for m, p, public in ROUTES if public}
ERROR_REF = "#/components/schemas/Error"


def _refs(schema: dict[str, Any]) -> set[str]:
    return {schema["$ref"]} if "$ref" in schema else {s["$ref"] for s in schema.get("anyOf", [])}


def test_the_error_body_is_a_named_component_with_its_real_fields() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    error = schemas["Error"]
    assert set(error["required"]) == {"error", "message", "fields"}
    assert error["properties"]["fields"]["items"]["$ref"] == "#/components/schemas/FieldError"
    assert set(schemas["FieldError"]["required"]) == {"field", "message"}
    # Powertools' own validation error shapes are not what the API answers
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas


def test_the_security_scheme_is_the_cognito_id_token_in_the_authorization_header() -> None:
    scheme = DOCUMENT["components"]["securitySchemes"]["CognitoIdToken"]
    assert scheme["type"] == "apiKey" and scheme["in"] == "header"
    assert scheme["name"] == "Authorization"
    assert scheme["x-amazon-apigateway-authtype"] == "cognito_user_pools"


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS)
def test_each_operation_says_who_may_call_it(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    # Public routes of the contract need no token; every other one needs the ID token,
    # and only those can be refused for the want of one
    if (method, path) in PUBLIC:
        assert operation["security"] == []
        assert "401" not in operation["responses"]
    else:
        assert operation["security"] == [{"CognitoIdToken": []}]
        assert "401" in operation["responses"]


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS)
def test_each_error_status_is_documented_with_the_error_body(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    answers = operation["responses"]
    errors = {status: r for status, r in answers.items() if status.startswith(("4", "5"))}
    for status, answer in errors.items():
        schema = answer["content"]["application/json"]["schema"]
        assert ERROR_REF in _refs(schema), (status, schema)
    # Only what can happen: a 415 where a body is read, a 422 where input can be wrong
    takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
    assert ("415" in answers) == ("requestBody" in operation)
    assert ("422" in answers) == takes_input
    assert "429" in answers  # API Gateway's stage throttling applies to every route
    assert not {"500", "502"} & set(answers)
    successes = [s for s in answers if s.startswith("2")]
    assert len(successes) == 1
    assert answers[successes[0]]["content"]["application/json"]["schema"], successes


def _walk(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, child in node.items():
            yield from _walk(child, f"{where}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _walk(child, f"{where}/{index}")


def test_every_list_in_the_document_says_what_it_holds() -> None:
    # An array without a typed `items` becomes `unknown[]` in a generated client
    for where, node in _walk(DOCUMENT):
        if node.get("type") == "array":
            assert node.get("items"), where
        if "items" in node and isinstance(node["items"], dict):
            assert node["items"] != {}, where


def test_every_reference_resolves() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    for where, node in _walk(DOCUMENT):
        ref = node.get("$ref")
        if isinstance(ref, str):
            assert ref.removeprefix("#/components/schemas/") in schemas, where


def test_filing_documents_the_idempotency_key_header() -> None:
    create = DOCUMENT["paths"]["/applications"]["post"]
    (key,) = [p for p in create["parameters"] if p["in"] == "header"]
    assert key["name"] == "Idempotency-Key" and key["required"] is False
    string = next(s for s in key["schema"]["anyOf"] if s.get("type") == "string")
    assert string["maxLength"] == 128 and string["pattern"]
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ApplicationSummary"
    )


def test_the_documented_header_rules_are_the_ones_enforced(system: System) -> None:
    # When a key breaks the documented pattern (not printable ASCII)
    answer = system.create("SD-KFQ-0010", headers={"Idempotency-Key": "键-1"})

    # Then it is refused naming the header as clients send it
    assert answer.status == 422, answer.body
    assert [f["field"] for f in answer.body["fields"]] == ["Idempotency-Key"]


def test_the_served_document_is_the_generated_one(system: System) -> None:
    assert system.api("GET", "/openapi.json").body == DOCUMENT
