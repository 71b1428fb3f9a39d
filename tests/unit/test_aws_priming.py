"""Priming a client at init: every operation is answered in this process (this tier
refuses sockets, so a request that left would fail the test), nothing stays registered,
and the client's later calls go out as before (botocore's Stubber answers them)."""

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from shared.adapters import aws

DYNAMODB_OPERATIONS = ("Query", "GetItem", "PutItem", "UpdateItem", "TransactWriteItems")


@pytest.fixture(autouse=True)
def fresh_clients() -> Iterator[None]:
    aws.reset_clients()
    yield
    aws.reset_clients()


def _handlers(events: Any, operation: str) -> list[Any]:
    """Every handler the client would call for one operation's send and parse."""
    names = ("before-send", "before-parse", "before-call", "after-call", "needs-retry")
    return [
        handler
        for name in names
        for handler in events._emitter._handlers.prefix_search(f"{name}.dynamodb.{operation}")
    ]


def test_priming_answers_every_operation_in_process() -> None:
    assert aws.prime("dynamodb", *DYNAMODB_OPERATIONS) == len(DYNAMODB_OPERATIONS)
    assert aws.prime("s3", "HeadObject", "PutObject") == 2
    assert aws.prime("cognito-idp", "AdminAddUserToGroup") == 1


def test_priming_leaves_the_client_as_it_found_it() -> None:
    db = aws.client("dynamodb")
    emitter = db._endpoint._event_emitter
    before = {op: _handlers(db.meta.events, op) for op in DYNAMODB_OPERATIONS}

    aws.prime("dynamodb", *DYNAMODB_OPERATIONS)

    assert db._endpoint._event_emitter is emitter is db.meta.events
    assert {op: _handlers(db.meta.events, op) for op in DYNAMODB_OPERATIONS} == before


def test_a_later_call_still_goes_to_the_service() -> None:
    aws.prime("dynamodb", "GetItem")
    db = aws.client("dynamodb")
    key = {"PK": {"S": "APP#1"}, "SK": {"S": "HEADER"}}
    with Stubber(db) as stub:
        stub.add_response(
            "get_item", {"Item": {"status": {"S": "SUBMITTED"}}}, {"TableName": "t", "Key": key}
        )
        assert db.get_item(TableName="t", Key=key)["Item"] == {"status": {"S": "SUBMITTED"}}
        stub.assert_no_pending_responses()


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_a_later_call_without_an_answer_would_leave_the_process() -> None:
    """The canned answers end with priming: the next request is really sent (and this
    tier's socket guard refuses it)."""
    aws.prime("dynamodb", "GetItem")
    with pytest.raises(Exception, match=r"[Ss]ocket"):
        aws.client("dynamodb").get_item(
            TableName="t", Key={"PK": {"S": "APP#1"}, "SK": {"S": "HEADER"}}
        )


def test_an_unknown_operation_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        aws.prime("dynamodb", "Scan")
