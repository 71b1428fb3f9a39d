"""Opaque page cursors: what a client gets back is what it may send, and nothing else."""

import base64

import pytest

from shared.adapters.pagination import decode_cursor, encode_cursor
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
