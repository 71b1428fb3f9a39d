"""Bad input gets a clear 4xx JSON answer naming the field: never a 500, never a
half-written record."""

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.conftest import (
    ADDRESS,
    CITIZEN,
    ENTERPRISE,
    PERSON,
    Caller,
    Response,
    System,
    running_system,
)

STANDARD = "SD-KFQ-0010"  # mail, pickup or electronic; persons and enterprises
ELECTRONIC_ONLY = "SD-KFQ-0003"
# Files nothing but failing requests, so its list of applications must stay empty.
APPLICANT = Caller("sub-citizen-validation", "wangfang", ("citizen",))


@dataclass(frozen=True)
class World:
    system: System
    draft: str  # CITIZEN's case of STANDARD, still a draft


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with running_system() as system:
        created = system.create(STANDARD)
        assert created.status == 201, created.body
        yield World(system, created.body["applicationId"])


def _valid_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "itemId": STANDARD,
        "applicant": PERSON,
        "form": {},
        "channel": "web",
        "delivery": {"mode": "mail", "address": ADDRESS},
    }
    body.update(changes)
    return body


def _fields(answer: Response) -> list[str]:
    return [f["field"] for f in answer.body.get("fields", [])]


def _assert_refused(answer: Response, status: int, *names: str) -> None:
    assert answer.status == status, answer.body
    assert isinstance(answer.body, dict)  # a JSON object, whatever went wrong
    assert answer.body["error"] and answer.body["message"]
    fields = _fields(answer)
    for name in names:
        assert any(name in field for field in fields), (name, answer.body)


BAD_CREATES = [
    pytest.param(
        _valid_body(applicant={**PERSON, "idNumber": "110105194912310021"}),
        422,
        ("applicant", "idNumber"),
        id="resident-id-check-character",
    ),
    pytest.param(
        _valid_body(applicant={**PERSON, "idNumber": "1101051949"}),
        422,
        ("applicant", "idNumber"),
        id="resident-id-too-short",
    ),
    pytest.param(
        _valid_body(applicant={**ENTERPRISE, "creditCode": "91350100M000100Y44"}),
        422,
        ("applicant", "creditCode"),
        id="credit-code-check-character",
    ),
    pytest.param(
        _valid_body(applicant={**PERSON, "phone": "12345"}),
        422,
        ("applicant", "phone"),
        id="phone-malformed",
    ),
    pytest.param(
        _valid_body(applicant={**PERSON, "kind": "robot"}),
        422,
        ("applicant",),
        id="applicant-kind-unknown",
    ),
    pytest.param(_valid_body(itemId="SD-KFQ-9999"), 404, ("itemId",), id="item-unknown"),
    pytest.param(_valid_body(itemId="sd kfq"), 422, ("itemId",), id="item-id-malformed"),
    pytest.param(
        _valid_body(delivery={"mode": "mail"}), 422, ("delivery",), id="mail-without-address"
    ),
    pytest.param(
        _valid_body(delivery={"mode": "mail", "address": {**ADDRESS, "postalCode": "1"}}),
        422,
        ("delivery", "postalCode"),
        id="address-postal-code",
    ),
    pytest.param(
        _valid_body(delivery={"mode": "drone"}),
        422,
        ("delivery", "mode"),
        id="delivery-mode-unknown",
    ),
    pytest.param(
        _valid_body(itemId=ELECTRONIC_ONLY, applicant=ENTERPRISE),
        422,
        ("delivery.mode",),
        id="delivery-mode-not-offered-by-item",
    ),
    pytest.param(
        _valid_body(form={"favouriteColour": "blue"}), 422, ("form",), id="form-field-unknown"
    ),
    pytest.param(
        _valid_body(form={"contactName": {"first": "Wei"}}),
        422,
        ("form",),
        id="form-value-not-scalar",
    ),
    pytest.param(
        _valid_body(channel="assisted"), 422, ("channel",), id="assisted-channel-by-citizen"
    ),
    pytest.param(_valid_body(channel="fax"), 422, ("channel",), id="channel-unknown"),
    pytest.param(_valid_body(itemId=10), 422, ("itemId",), id="item-id-wrong-type"),
    pytest.param(_valid_body(applicant="张伟"), 422, ("applicant",), id="applicant-wrong-type"),
    pytest.param(_valid_body(delivery=["mail"]), 422, ("delivery",), id="delivery-wrong-type"),
    pytest.param(_valid_body(status="COMPLETED"), 422, ("status",), id="extra-field"),
    pytest.param(
        {"itemId": STANDARD}, 422, ("applicant", "channel", "delivery"), id="fields-missing"
    ),
    pytest.param('{"itemId": "SD-KFQ-0010",', 422, ("body",), id="malformed-json"),
    pytest.param("[1, 2]", 422, ("body",), id="json-array"),
    pytest.param(None, 422, ("body",), id="no-body"),
]


@pytest.mark.parametrize(("body", "status", "fields"), BAD_CREATES)
def test_a_refused_application_is_answered_clearly_and_not_written(
    world: World, body: Any, status: int, fields: tuple[str, ...]
) -> None:
    # Given an application with one thing wrong
    # When the applicant files it
    answer = world.system.api("POST", "/applications", body=body, caller=APPLICANT)

    # Then the answer names what is wrong
    _assert_refused(answer, status, *fields)

    # And no application was written
    listed = world.system.api("GET", "/applications", caller=APPLICANT)
    assert listed.status == 200 and listed.body["items"] == []


def test_the_field_named_for_a_bad_resident_id_explains_the_check_character(world: World) -> None:
    # When a person files with an ID number whose check character is wrong
    answer = world.system.api(
        "POST",
        "/applications",
        caller=APPLICANT,
        body=_valid_body(applicant={**PERSON, "idNumber": "11010519491231002Y"}),
    )

    # Then the message says it is the check character, so the applicant knows what to fix
    assert answer.status == 422
    assert "check character" in answer.body["fields"][0]["message"]


def test_an_impossible_birth_date_in_a_resident_id_is_said_as_such(world: World) -> None:
    # When a person files with an ID number born on 31 February
    answer = world.system.api(
        "POST",
        "/applications",
        caller=APPLICANT,
        body=_valid_body(applicant={**PERSON, "idNumber": "110105194902310021"}),
    )

    # Then the message names the date, not the check character
    assert answer.status == 422
    message = answer.body["fields"][0]["message"]
    assert "19490231, is not a date" in message and "check character" not in message


def test_a_body_that_is_not_json_is_named_as_the_body(world: World) -> None:
    # When a client sends a truncated JSON body
    answer = world.system.api("POST", "/applications", body='{"itemId": "SD-', caller=APPLICANT)

    # Then the one error names the body itself (not a character offset) and says why
    assert answer.status == 422, answer.body
    assert _fields(answer) == ["body"]
    assert "not valid JSON" in answer.body["fields"][0]["message"]


def _material(**changes: Any) -> dict[str, Any]:
    return {
        "materialCode": "APPLICATION_FORM",
        "fileName": "form.pdf",
        "contentType": "application/pdf",
        "size": 2048,
        **changes,
    }


BAD_MATERIALS = [
    pytest.param(_material(materialCode="TAX_RETURN"), ("materialCode",), id="code-not-of-item"),
    pytest.param(_material(materialCode="form"), ("materialCode",), id="code-malformed"),
    pytest.param(
        _material(contentType="application/x-msdownload"),
        ("contentType",),
        id="content-type-not-allowed",
    ),
    pytest.param(_material(size=10 * 1024 * 1024 + 1), ("size",), id="size-over-item-max"),
    pytest.param(_material(size=0), ("size",), id="size-zero"),
    pytest.param(_material(size="big"), ("size",), id="size-wrong-type"),
    pytest.param(_material(fileName=""), ("fileName",), id="file-name-empty"),
]


@pytest.mark.parametrize(("body", "fields"), BAD_MATERIALS)
def test_a_refused_material_gets_no_upload_url_and_is_not_recorded(
    world: World, body: dict[str, Any], fields: tuple[str, ...]
) -> None:
    # Given the applicant's draft
    # When they ask to upload a material the item does not accept
    answer = world.system.api(
        "POST", f"/applications/{world.draft}/materials", caller=CITIZEN, body=body
    )

    # Then the answer names the field and carries no upload URL
    _assert_refused(answer, 422, *fields)
    assert "url" not in answer.body

    # And the case records no material
    case = world.system.api("GET", f"/applications/{world.draft}", caller=CITIZEN)
    assert case.body["materials"] == {}


def _forged_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


BAD_QUERIES = [
    pytest.param("/applications", {"cursor": "not-a-cursor!"}, "cursor", id="applications-cursor"),
    pytest.param(
        "/applications",
        {"cursor": _forged_cursor([1, 2])},
        "cursor",
        id="applications-cursor-not-an-object",
    ),
    pytest.param("/applications", {"limit": "0"}, "limit", id="applications-limit-0"),
    pytest.param("/applications", {"limit": "101"}, "limit", id="applications-limit-101"),
    pytest.param("/applications", {"limit": "ten"}, "limit", id="applications-limit-not-number"),
    pytest.param("/catalog/items", {"cursor": "%%%"}, "cursor", id="catalog-cursor"),
    pytest.param("/catalog/items", {"limit": "1000"}, "limit", id="catalog-limit"),
    pytest.param("/catalog/items", {"type": "tax_evasion"}, "type", id="catalog-type-unknown"),
    pytest.param("/catalog/items", {"q": "消" * 51}, "q", id="catalog-q-too-long"),
    pytest.param("/tasks", {"cursor": "zzz"}, "cursor", id="tasks-cursor"),
    pytest.param("/tasks", {"limit": "-1"}, "limit", id="tasks-limit"),
    pytest.param("/tasks", {"department": "power dept"}, "department", id="tasks-department"),
]


@pytest.mark.parametrize(("path", "query", "field"), BAD_QUERIES)
def test_bad_paging_and_filters_are_refused_by_name(
    world: World, path: str, query: dict[str, str], field: str
) -> None:
    # Given a caller allowed on the route (staff for the inbox)
    caller = (
        Caller("sub-staff-power", "staff-power", ("dept-POWER",)) if path == "/tasks" else CITIZEN
    )

    # When they page or filter with a bad value
    answer = world.system.api("GET", path, caller=caller, query=query)

    # Then the answer is a 422 naming that query parameter
    _assert_refused(answer, 422, field)


# A cursor that decodes to a JSON object but not to a key the list handed out. In AWS the
# first is a DynamoDB ValidationException (a 422); the second fails botocore's own
# parameter validation, which the repository does not translate, so it is a 500 there too.
FORGED_CURSORS = [
    pytest.param({"PK": {"S": 1}}, id="key-value-not-a-string"),
    pytest.param({"a": {}}, id="key-of-another-shape"),
]


@pytest.mark.parametrize("cursor", FORGED_CURSORS)
def test_a_forged_cursor_is_refused_by_name(world: World, cursor: Any) -> None:
    # When a client sends a cursor it made up
    answer = world.system.api(
        "GET", "/applications", caller=CITIZEN, query={"cursor": _forged_cursor(cursor)}
    )

    # Then it is refused as a bad cursor, not a server error
    _assert_refused(answer, 422, "cursor")


BAD_FEEDBACK = [
    pytest.param({"rating": 0}, id="rating-0"),
    pytest.param({"rating": 6}, id="rating-6"),
    pytest.param({"rating": "five"}, id="rating-not-a-number"),
    pytest.param({"comment": "好"}, id="rating-missing"),
]


@pytest.mark.parametrize("body", BAD_FEEDBACK)
def test_a_rating_outside_one_to_five_is_refused(world: World, body: dict[str, Any]) -> None:
    # When the applicant rates with a value that is not one of the five levels
    answer = world.system.api(
        "POST", f"/applications/{world.draft}/feedback", caller=CITIZEN, body=body
    )

    # Then the answer names the rating, and the case holds no rating
    _assert_refused(answer, 422, "rating")
    assert world.system.application(world.draft).feedback is None


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"decision": "maybe"}, id="decision-unknown"),
        pytest.param({"decision": "APPROVE"}, id="decision-upper-case"),
        pytest.param({"comment": "ok"}, id="decision-missing"),
        pytest.param({"decision": "approve", "comment": "x" * 2001}, id="comment-too-long"),
        pytest.param({"decision": "reject", "comment": ""}, id="rejection-without-reasons"),
        pytest.param({"decision": "reject", "comment": " \n "}, id="rejection-blank-reasons"),
    ],
)
def test_a_decision_other_than_approve_or_reject_is_refused(
    world: World, body: dict[str, Any]
) -> None:
    # When POWER's officer sends a malformed decision
    answer = world.system.api(
        "POST",
        f"/tasks/{world.draft}-POWER/decision",
        body=body,
        caller=Caller("sub-staff-power", "staff-power", ("dept-POWER",)),
    )

    # Then the answer names the field at fault
    blamed = "comment" if "comment" in body and "decision" in body else "decision"
    _assert_refused(answer, 422, blamed)


@pytest.mark.parametrize(
    ("number", "query", "status", "field"),
    [
        pytest.param(
            "KFQ-LIC-2026", {"code": "ABCD2345"}, 404, "certificateNo", id="number-malformed"
        ),
        pytest.param(
            "KFQ-LIC-20261126-AAAAAAAA",
            {"code": "ABCD2345"},
            404,
            "certificateNo",
            id="number-unknown",
        ),
        pytest.param("KFQ-LIC-20261126-AAAAAAAA", {}, 422, "code", id="code-missing"),
        pytest.param("KFQ-LIC-20261126-AAAAAAAA", {"code": "AB"}, 422, "code", id="code-too-short"),
        pytest.param("K" * 61, {"code": "ABCD2345"}, 422, "certificateNo", id="number-too-long"),
    ],
)
def test_verifying_a_malformed_or_unknown_certificate_is_a_clear_4xx(
    world: World, number: str, query: dict[str, str], status: int, field: str
) -> None:
    # When anyone verifies a certificate number that is malformed or unknown
    answer = world.system.api("GET", f"/verify/{number}", query=query)

    # Then the answer names the field and says nothing about any holder
    _assert_refused(answer, status, field)
    assert "holder" not in answer.body
