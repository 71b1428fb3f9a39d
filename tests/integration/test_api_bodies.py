"""Every route that reads a JSON body refuses a bad one with a 4xx in the error shape:
nested too deep, numbers JSON or DynamoDB cannot hold, too long, not an object, not UTF-8,
or not JSON at all (415). None of them is ever a 5xx."""

import base64
import json
from collections.abc import Iterator

import pytest

from functions.api.app import openapi_document
from functions.api.body import JSON_BODY_ROUTES, MAX_BODY_CHARS
from infra.local.events import rest_event
from tests.integration.conftest import CITIZEN, Caller, Response, System, running_system

APPLICANT = Caller("sub-citizen-bodies", "zhaolei", ("citizen",))
OFFICER = Caller("sub-staff-power-bodies", "staff-power", ("dept-POWER",))
AGENT = Caller("sub-agent-bodies", "agent-sun", ("agent",))
ROUTES = [
    pytest.param("/applications", APPLICANT, id="create"),
    pytest.param("/bundles/BND-BUSINESS-OPENING/screening", APPLICANT, id="screening"),
    pytest.param("/catalog/items/SD-KFQ-0001/screening", APPLICANT, id="item-screening"),
    pytest.param("/bundles/BND-BUSINESS-OPENING/applications", APPLICANT, id="bundle-filing"),
    pytest.param(
        "/bundle-applications/01J0000000000000000000000A/materials",
        APPLICANT,
        id="bundle-material",
    ),
    pytest.param(
        "/bundle-applications/01J0000000000000000000000A/draft", APPLICANT, id="bundle-draft"
    ),
    pytest.param(
        "/bundle-tasks/01J0000000000000000000000A/decision", OFFICER, id="bundle-decision"
    ),
    pytest.param("/applications/01J0000000000000000000000A/draft", APPLICANT, id="draft"),
    pytest.param("/applications/01J0000000000000000000000A/commitment", APPLICANT, id="commitment"),
    pytest.param("/applications/01J0000000000000000000000A/materials", APPLICANT, id="materials"),
    pytest.param("/applications/01J0000000000000000000000A/materials/reuse", APPLICANT, id="reuse"),
    pytest.param(
        "/applications/01J0000000000000000000000A/materials/certificate",
        APPLICANT,
        id="use-certificate",
    ),
    pytest.param(
        "/applications/01J0000000000000000000000A/materials/certificate/undo",
        APPLICANT,
        id="undo-certificate",
    ),
    pytest.param("/certificates/KFQ-LIC-20260101-ABCDEFGH/revocation", OFFICER, id="revocation"),
    pytest.param(
        "/applications/01J0000000000000000000000A/confirmation", APPLICANT, id="confirmation"
    ),
    pytest.param(
        "/applications/01J0000000000000000000000A/confirmation/preview",
        APPLICANT,
        id="confirmation-preview",
    ),
    pytest.param(
        "/applications/01J0000000000000000000000A/assist-sessions", AGENT, id="assist-session"
    ),
    pytest.param(
        "/applications/01J0000000000000000000000A/assist-sessions/01J0000000000000000000000S/end",
        AGENT,
        id="assist-session-end",
    ),
    pytest.param("/projects", OFFICER, id="project"),
    pytest.param("/projects/01J0000000000000000000000A/cases", OFFICER, id="project-case"),
    pytest.param("/projects/01J0000000000000000000000A/log", OFFICER, id="project-log"),
    pytest.param("/applications/01J0000000000000000000000A/feedback", APPLICANT, id="feedback"),
    pytest.param("/tasks/01J0000000000000000000000A-POWER/decision", OFFICER, id="decision"),
    pytest.param("/tasks/decisions", OFFICER, id="decisions"),
    pytest.param(
        "/tasks/01J0000000000000000000000A-POWER/supplement-request",
        OFFICER,
        id="supplement-request",
    ),
    pytest.param("/tasks/01J0000000000000000000000A-POWER/assignment", OFFICER, id="assignment"),
    pytest.param("/delegations", OFFICER, id="delegations"),
    pytest.param(
        "/window/tasks/01J0000000000000000000000A/decision", OFFICER, id="window-decision"
    ),
    pytest.param(
        "/tasks/01J0000000000000000000000A-POWER/special-procedures",
        OFFICER,
        id="special-procedure",
    ),
    pytest.param(
        "/tasks/01J0000000000000000000000A-POWER/special-procedures/P1/end",
        OFFICER,
        id="special-procedure-end",
    ),
    pytest.param("/tasks/01J0000000000000000000000A-POWER/extensions", OFFICER, id="extension"),
]
BAD_BODIES = [
    pytest.param("[" * 999 + "]" * 999, "nested", id="array-999-deep"),
    pytest.param('{"a":' * 999 + "1" + "}" * 999, "nested", id="object-999-deep"),
    pytest.param('{"rating": ' + "9" * 5000 + "}", "digits", id="integer-5000-digits"),
    pytest.param('{"rating": ' + "9" * 39 + "}", "digits", id="integer-beyond-dynamodb"),
    pytest.param('{"rating": NaN}', "NaN", id="nan"),
    pytest.param('{"rating": -Infinity}', "Infinity", id="infinity"),
    pytest.param('{"rating": 1e400}', "number", id="float-overflow"),
    pytest.param('{"comment": "' + "x" * MAX_BODY_CHARS + '"}', "longer", id="huge"),
    pytest.param("[1, 2]", "dictionary", id="array"),
    pytest.param('"text"', "dictionary", id="string"),
    pytest.param("42", "dictionary", id="number"),
    pytest.param("null", "required", id="null"),
    pytest.param("{", "not valid JSON", id="truncated"),
]


@pytest.fixture(scope="module")
def system() -> Iterator[System]:
    with running_system() as running:
        yield running


def _assert_error_shape(answer: Response, status: int, message_part: str = "") -> None:
    assert answer.status == status, answer.body
    assert set(answer.body) == {"error", "message", "fields"}, answer.body
    assert answer.body["fields"] and answer.body["fields"][0]["field"] == "body", answer.body
    assert message_part in answer.body["fields"][0]["message"], answer.body


def test_the_guarded_routes_are_exactly_those_that_read_a_json_body() -> None:
    # The body guard's list of routes is the document's list of operations with a body
    paths = json.loads(openapi_document())["paths"]
    with_body = {
        (method.upper(), path)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    assert with_body == set(JSON_BODY_ROUTES)
    assert len(ROUTES) == len(JSON_BODY_ROUTES)


@pytest.mark.parametrize(("path", "caller"), ROUTES)
@pytest.mark.parametrize(("body", "said"), BAD_BODIES)
def test_a_bad_body_is_a_422_naming_the_body(
    system: System, path: str, caller: Caller, body: str, said: str
) -> None:
    # When a client sends a body no route can use
    answer = system.api("POST", path, body=body, caller=caller)

    # Then the answer is a 422 in the error shape, naming the body and why
    _assert_error_shape(answer, 422, said)


@pytest.mark.parametrize(("path", "caller"), ROUTES)
@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(base64.b64encode(b'\xff\xfe{"rating": 5}').decode(), id="not-utf8"),
        pytest.param("not base64!", id="not-base64"),
    ],
)
def test_a_body_that_is_not_utf8_text_is_a_422(
    system: System, path: str, caller: Caller, encoded: str
) -> None:
    # Given a body API Gateway passed on base64-encoded (a binary media type)
    event = rest_event("POST", path, body="", claims=caller.claims)
    event.update(body=encoded, isBase64Encoded=True)

    # When it reaches the API
    raw = system.invoke_api(event)

    # Then it is refused as a body that is not text, not a server error
    answer = Response(int(raw["statusCode"]), json.loads(raw["body"]))
    _assert_error_shape(answer, 422, "UTF-8")


@pytest.mark.parametrize(("path", "caller"), ROUTES)
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param("text/plain", '{"rating": 5}', id="text"),
        pytest.param("application/x-www-form-urlencoded", "rating=5", id="form-that-validates"),
        pytest.param("application/x-www-form-urlencoded", "x=1", id="form"),
        pytest.param("multipart/form-data", '{"rating": 5}', id="multipart-without-boundary"),
        pytest.param("multipart/form-data; boundary=b", "--b--", id="multipart"),
        pytest.param("application/jsonp", '{"rating": 5}', id="json-lookalike"),
    ],
)
def test_a_body_that_is_not_json_is_a_415(
    system: System, path: str, caller: Caller, content_type: str, body: str
) -> None:
    # When a client sends a body of another media type
    answer = system.api(
        "POST", path, body=body, caller=caller, headers={"Content-Type": content_type}
    )

    # Then it is refused as unsupported, whether or not its fields would have validated
    _assert_error_shape(answer, 415, "application/json")
    assert answer.body["error"] == "unsupported_media_type"


def test_json_with_a_charset_is_json(system: System) -> None:
    # When a client names the charset of its JSON body
    answer = system.api(
        "POST",
        "/applications/01J0000000000000000000000A/feedback",
        body={"rating": 5},
        caller=CITIZEN,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )

    # Then the body is read (the case does not exist: a 404, not a 415)
    assert answer.status == 404, answer.body


def test_no_token_outranks_a_bad_media_type(system: System) -> None:
    # When a caller without a token sends a form to a JSON route
    answer = system.api(
        "POST",
        "/applications",
        body="itemId=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    # Then the answer is the 401, telling nothing about the body
    assert answer.status == 401 and answer.body["error"] == "unauthorized"
