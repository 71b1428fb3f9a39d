"""The live local API fuzzed from its own OpenAPI document (schemathesis): whatever a
client sends, valid or not, the answer is never a 5xx, its status is one the document lists
for the operation, and its body matches the schema documented for that status.

It runs as a citizen (with a draft case of their own, so the application routes reach
their use cases rather than stopping at 404) and as a department officer. The seed is
fixed and the example database off: a failure reproduces on the next run.
"""

import json
import os
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from functions.api.app import openapi_document
from infra.local.client import SAMPLE_ADDRESS, SAMPLE_ENTERPRISE, OneWindowClient
from infra.local.users import DemoUser, ensure_user, id_token, staff_email

SEED = 20261201
# Per operation, per caller and generation mode: 15 operations, 2 callers.
MAX_EXAMPLES = 25
ITEM = "SD-KFQ-0010"  # lead POWER: the officer below reviews its cases
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            "mode": "all",  # valid input and invalid
        },
    }
)


@pytest.fixture(scope="module")
def aws(local_system: dict[str, str]) -> Iterator[None]:
    """boto3 in this process talks to the embedded endpoint (to sign the users in)."""
    saved = os.environ.get("AWS_ENDPOINT_URL")
    os.environ["AWS_ENDPOINT_URL"] = local_system["AwsEndpointUrl"]
    yield
    if saved is None:
        os.environ.pop("AWS_ENDPOINT_URL", None)
    else:
        os.environ["AWS_ENDPOINT_URL"] = saved


@pytest.fixture(scope="module")
def tokens(local_system: dict[str, str], aws: None) -> dict[str, str]:
    """Real Cognito ID tokens, as the web app would hold them."""
    pool, client_id = local_system["UserPoolId"], local_system["UserPoolClientId"]
    people = {
        "citizen": DemoUser("fuzz-citizen@example.com", "citizen"),
        "officer": DemoUser(staff_email("POWER"), "dept-POWER"),
    }
    for person in people.values():
        ensure_user(pool, person)
    return {role: id_token(client_id, person.email) for role, person in people.items()}


@pytest.fixture(scope="module")
def own_draft(local_system: dict[str, str], tokens: dict[str, str]) -> str:
    citizen = OneWindowClient(local_system["ApiUrl"]).as_user(tokens["citizen"])
    body = {
        "itemId": ITEM,
        "channel": "web",
        "applicant": SAMPLE_ENTERPRISE,
        "delivery": {"mode": "mail", "address": SAMPLE_ADDRESS},
    }
    return str(citizen.create(body)["applicationId"])


# Built at collection from the code (schemathesis' lazy fixture loader does not run under
# pytest 9); the test below proves the live API serves this very document.
DOCUMENT = json.loads(openapi_document())
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


def test_the_live_api_serves_the_document_fuzzed_here(local_system: dict[str, str]) -> None:
    served = requests.get(f"{local_system['ApiUrl']}openapi.json", timeout=10)
    assert served.status_code == 200 and served.json() == DOCUMENT


def _call_and_validate(case: schemathesis.Case, token: str, api_url: str) -> None:
    response = case.call(base_url=api_url.rstrip("/"), headers={"Authorization": token})
    case.validate_response(response, checks=CHECKS, headers={"Authorization": token})


@schema.parametrize()
def test_a_citizen_cannot_break_the_documented_contract(
    case: schemathesis.Case, tokens: dict[str, str], own_draft: str, local_system: dict[str, str]
) -> None:
    # Given a signed-in citizen, whose application routes name their own draft
    if "applicationId" in (case.path_parameters or {}):
        case.path_parameters = {**(case.path_parameters or {}), "applicationId": own_draft}

    # When the generated request reaches the live API
    # Then the answer keeps to the document
    _call_and_validate(case, tokens["citizen"], local_system["ApiUrl"])


@schema.parametrize()
def test_an_officer_cannot_break_the_documented_contract(
    case: schemathesis.Case, tokens: dict[str, str], local_system: dict[str, str]
) -> None:
    # Given a signed-in officer of the lead department
    # When the generated request reaches the live API
    # Then the answer keeps to the document
    _call_and_validate(case, tokens["officer"], local_system["ApiUrl"])
