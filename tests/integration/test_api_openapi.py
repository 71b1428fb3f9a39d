"""GET /openapi.json: the document clients generate code from describes the whole contract."""

import json
import re

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
