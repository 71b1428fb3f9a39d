"""POST /applications with an Idempotency-Key: a retried request files one case, never two."""

from tests.integration.conftest import ADDRESS, CITIZEN, OTHER_CITIZEN, Caller, System

STANDARD = "SD-KFQ-0010"


def _own_ids(system: System, caller: Caller = CITIZEN) -> list[str]:
    listed = system.api("GET", "/applications", caller=caller, query={"limit": "100"})
    assert listed.status == 200, listed.body
    return [a["applicationId"] for a in listed.body["items"]]


def test_a_retry_with_the_same_key_files_one_case_and_a_changed_body_is_refused(
    system: System,
) -> None:
    # Given a citizen whose first request went through but whose client did not hear back
    key = {"Idempotency-Key": "9b2f6c1e-retry-1"}
    first = system.create(STANDARD, headers=key)
    assert first.status == 201, first.body

    # When the client retries the same request with the same key
    retry = system.create(STANDARD, headers=key)

    # Then it gets the same case back, and only one case exists
    assert retry.status == 201, retry.body
    assert retry.body["applicationId"] == first.body["applicationId"]
    assert _own_ids(system) == [first.body["applicationId"]]

    # When the same key comes with a different body
    changed = system.create(STANDARD, headers=key, delivery={"mode": "pickup"})

    # Then it is refused, naming the header, and still only one case exists
    assert changed.status == 422, changed.body
    assert changed.body["fields"][0]["field"] == "Idempotency-Key"
    assert _own_ids(system) == [first.body["applicationId"]]


def test_keys_are_per_caller_and_requests_without_a_key_are_not_deduplicated(
    system: System,
) -> None:
    # When two citizens happen to use the same key for the same request
    key = {"Idempotency-Key": "same-key"}
    mine = system.create(STANDARD, headers=key)
    theirs = system.create(STANDARD, headers=key, caller=OTHER_CITIZEN)

    # Then each gets a case of their own
    assert mine.status == theirs.status == 201
    assert mine.body["applicationId"] != theirs.body["applicationId"]
    assert _own_ids(system, OTHER_CITIZEN) == [theirs.body["applicationId"]]

    # When a citizen files the same request twice without a key
    once = system.create(STANDARD, delivery={"mode": "mail", "address": ADDRESS})
    twice = system.create(STANDARD, delivery={"mode": "mail", "address": ADDRESS})

    # Then these are two cases
    assert once.status == twice.status == 201
    assert once.body["applicationId"] != twice.body["applicationId"]
    assert len(_own_ids(system)) == 3


def test_a_refused_request_does_not_use_up_its_key(system: System) -> None:
    # Given a request refused for an unknown item
    key = {"Idempotency-Key": "fix-and-retry"}
    refused = system.create("SD-KFQ-9999", headers=key)
    assert refused.status == 404 and refused.body["fields"][0]["field"] == "itemId"

    # When the applicant corrects the item and sends it with the same key
    corrected = system.create(STANDARD, headers=key)

    # Then the corrected request files the case
    assert corrected.status == 201, corrected.body
    assert _own_ids(system) == [corrected.body["applicationId"]]


def test_an_oversized_key_is_refused_by_name(system: System) -> None:
    # When a client sends a key longer than 128 characters
    answer = system.create(STANDARD, headers={"Idempotency-Key": "k" * 129})

    # Then it is refused naming the header, and nothing is filed
    assert answer.status == 422 and answer.body["fields"][0]["field"] == "Idempotency-Key"
    assert _own_ids(system) == []
