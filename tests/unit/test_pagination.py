"""Opaque page cursors: what a client gets back is what it may send, and nothing else."""

import base64
import json

import pytest

from shared.adapters.pagination import CursorScope, decode_cursor, encode_cursor
from shared.errors import ValidationFailed
from shared.models.common import Stage
from tests.unit.fakes import CITIZEN, InMemoryRepository, new_application

LAST_KEY = {
    "PK": {"S": "APP#01JAPP0000000000000000000A"},
    "SK": {"S": "APP"},
    "GSI1PK": {"S": "OWNER#sub-citizen-1"},
    "GSI1SK": {"S": "01JAPP0000000000000000000A"},
}


def test_a_cursor_round_trips() -> None:
    # Given DynamoDB's LastEvaluatedKey
    # When it is encoded for the client and decoded from its next request
    cursor = encode_cursor(LAST_KEY)

    # Then the same key comes back, from a URL-safe token without padding
    assert cursor is not None
    assert decode_cursor(cursor) == LAST_KEY
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor


def test_no_key_means_no_cursor() -> None:
    assert encode_cursor(None) is None
    assert encode_cursor({}) is None
    assert decode_cursor(None) is None
    assert decode_cursor("") is None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "%%%",
        "a",  # not a whole base64 quantum
        _b64(b"not json"),
        _b64(b"[1, 2, 3]"),  # JSON, but not a key
        _b64(b'{"PK": "APP#1"}'),  # a key whose values are not typed attributes
        _b64(b"\xff\xfe\xfd"),  # not UTF-8
    ],
)
def test_a_garbage_cursor_is_a_validation_error_naming_cursor(cursor) -> None:
    with pytest.raises(ValidationFailed) as raised:
        decode_cursor(cursor)
    assert raised.value.field == "cursor"
    assert raised.value.status_code == 422


def test_pages_follow_one_another_to_the_end() -> None:
    # Given a case with 23 events on its timeline
    repo = InMemoryRepository.with_shipped_catalog()
    application = new_application()
    for n in range(23):
        application.record(Stage.APPLICATION, f"event-{n}", "system")
    repo.create_application(application)

    # When the timeline is read 7 events at a time, following the cursors
    seen, cursor = [], None
    while True:
        page = repo.list_timeline(application.application_id, 7, cursor)
        seen.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break

    # Then every event comes exactly once, in order, and the last page has no cursor
    assert [e.action for e in seen] == [f"event-{n}" for n in range(23)]


def test_a_foreign_cursor_is_refused_by_the_repository() -> None:
    repo = InMemoryRepository.with_shipped_catalog()
    repo.create_application(new_application())
    with pytest.raises(ValidationFailed) as raised:
        repo.list_owner_applications(CITIZEN.sub, 5, encode_cursor(LAST_KEY))
    assert raised.value.field == "cursor"


def test_an_owners_applications_are_paged_newest_first() -> None:
    # Given a citizen's five applications (ULIDs sort by time) and someone else's
    repo = InMemoryRepository.with_shipped_catalog()
    ids = [f"01JAPP00000000000000000{n:03d}" for n in range(5)]
    for application_id in ids:
        repo.create_application(new_application(application_id=application_id))
    repo.create_application(
        new_application(application_id="01JAPP00000000000000000999", owner_id="sub-other")
    )

    # When the citizen lists them two at a time
    first = repo.list_owner_applications(CITIZEN.sub, 2, None)
    second = repo.list_owner_applications(CITIZEN.sub, 2, first.next_cursor)
    last = repo.list_owner_applications(CITIZEN.sub, 2, second.next_cursor)

    # Then the newest come first and only the citizen's own are listed
    listed = [a.application_id for page in (first, second, last) for a in page.items]
    assert listed == list(reversed(ids))
    assert last.next_cursor is None


# --- cursors bound to the query that made them ------------------------------------------

OWNER_LIST = CursorScope(
    "GSI1", {":pk": {"S": "OWNER#sub-citizen-1"}}, ("GSI1PK", "OWNER#sub-citizen-1")
)


def test_a_scoped_cursor_round_trips_for_its_own_query() -> None:
    cursor = encode_cursor(LAST_KEY, OWNER_LIST)
    assert decode_cursor(cursor, OWNER_LIST) == LAST_KEY


@pytest.mark.parametrize(
    "other",
    [
        # another citizen's list: same index, another partition
        CursorScope(
            "GSI1", {":pk": {"S": "OWNER#sub-citizen-2"}}, ("GSI1PK", "OWNER#sub-citizen-2")
        ),
        # a department's inbox: same index, another list
        CursorScope("GSI1", {":pk": {"S": "INBOX#ECOENV"}}, ("GSI1PK", "INBOX#ECOENV")),
        # the same partition on another index, and a sort-key bound that differs
        CursorScope(
            "GSI2", {":pk": {"S": "OWNER#sub-citizen-1"}}, ("GSI2PK", "OWNER#sub-citizen-1")
        ),
        CursorScope(
            "GSI1",
            {":pk": {"S": "OWNER#sub-citizen-1"}, ":before": {"S": "2026"}},
            ("GSI1PK", "OWNER#sub-citizen-1"),
        ),
    ],
)
def test_a_cursor_is_refused_by_any_other_query(other: CursorScope) -> None:
    cursor = encode_cursor(LAST_KEY, OWNER_LIST)
    with pytest.raises(ValidationFailed) as raised:
        decode_cursor(cursor, other)
    assert raised.value.field == "cursor"


def _forged(key: dict, scope: CursorScope) -> str:
    raw = json.dumps({"k": key, "q": scope.fingerprint()}).encode()
    return _b64(raw)


@pytest.mark.parametrize(
    "key",
    [
        {"GSI1PK": {"S": "OWNER#sub-citizen-1"}},  # part of a key: it crashed the local engine
        {k: v for k, v in LAST_KEY.items() if k != "SK"},
        {"PK": {"S": "APP#1"}, "SK": {"S": "TL#1"}},  # a table key, not the index's
        {**LAST_KEY, "GSI2PK": {"S": "CASE#SUBMITTED"}},  # more than the key
        {**LAST_KEY, "GSI1PK": {"S": "OWNER#sub-citizen-2"}},  # fingerprint right, partition not
        {**LAST_KEY, "GSI1SK": {"N": "1"}},  # not a string
    ],
)
def test_a_cursor_must_be_exactly_the_key_of_its_query(key: dict) -> None:
    with pytest.raises(ValidationFailed) as raised:
        decode_cursor(_forged(key, OWNER_LIST), OWNER_LIST)
    assert raised.value.field == "cursor"


def test_a_bare_key_is_not_a_cursor_of_a_scoped_query() -> None:
    # A cursor of the earlier format (a bare key) has no fingerprint to check
    with pytest.raises(ValidationFailed):
        decode_cursor(encode_cursor(LAST_KEY), OWNER_LIST)
