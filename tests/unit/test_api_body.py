"""The JSON body guard on its own: what it lets through and what it refuses, and why."""

import pytest
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from functions.api.body import MAX_DEPTH, is_json, loads


def test_a_real_filing_passes_unchanged() -> None:
    text = '{"itemId": "SD-KFQ-0010", "form": {"area": 12.5, "floors": 3, "ok": true}}'
    assert loads(text) == {"itemId": "SD-KFQ-0010", "form": {"area": 12.5, "floors": 3, "ok": True}}


def test_nesting_up_to_the_limit_passes_and_one_more_level_is_refused() -> None:
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    with pytest.raises(RequestValidationError) as refused:
        loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert refused.value.errors()[0]["loc"] == ("body",)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[" * 100_000 + "]" * 100_000, id="deeper-than-the-recursion-limit"),
        pytest.param("9" * 5000, id="integer-of-5000-digits"),
        pytest.param("-" + "9" * 39, id="negative-integer-of-39-digits"),
        pytest.param("[NaN]", id="nan"),
        pytest.param("1e126", id="beyond-dynamodb"),
    ],
)
def test_what_python_or_dynamodb_cannot_take_is_refused_as_the_body(text: str) -> None:
    with pytest.raises(RequestValidationError) as refused:
        loads(text)
    assert refused.value.errors()[0]["loc"] == ("body",)


@pytest.mark.parametrize(
    ("content_type", "json"),
    [
        (None, True),
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/jsonp", False),
        ("text/plain", False),
        ("application/x-www-form-urlencoded", False),
    ],
)
def test_only_application_json_is_json(content_type: str | None, json: bool) -> None:
    assert is_json(content_type) is json
