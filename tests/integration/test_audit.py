"""The audit trail on the real system: every change of a case, by whom and through what,
each field before and after, chained by hashes; read by the case's parties, an actor's by
the centre, exported as CSV by ops; a record altered in the table breaks the chain."""

import csv
import io
import itertools
import json

import boto3

from tests.integration.conftest import CITIZEN, OTHER_CITIZEN, Caller, System, staff
from tests.integration.journeys import decide_all, submitted_case

ITEM = "SD-KFQ-0010"  # lead POWER with co-departments WATER and URBAN
SUPERVISOR = Caller("sub-supervisor", "supervisor", ("supervisor",))
OPS = Caller("sub-ops", "ops-on-duty", ("ops",))


def _concluded_case(system: System) -> str:
    application_id = submitted_case(system, ITEM)
    system.wait_for(application_id, lambda a: len(a.reviews) == 3)
    decide_all(system, application_id, ITEM)
    system.wait_execution(application_id)
    return application_id


def _whole_trail(system: System, application_id: str, caller: Caller = CITIZEN) -> list[dict]:
    records, cursor = [], None
    while True:
        query = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        page = system.api(
            "GET", f"/applications/{application_id}/audit", caller=caller, query=query
        )
        assert page.status == 200, page.body
        assert page.body["chain"]["intact"], page.body["chain"]
        records.extend(page.body["items"])
        cursor = page.body.get("nextCursor")
        if not cursor:
            return records


def test_a_case_trail_names_each_actor_and_each_change_in_order(system: System) -> None:
    # Given a case filed, accepted, decided by three departments and concluded
    application_id = _concluded_case(system)

    # When the applicant reads its audit trail
    trail = _whole_trail(system, application_id)

    # Then the records run from 1 without a gap, each linked to the one before
    assert [r["seq"] for r in trail] == list(range(1, len(trail) + 1))
    assert trail[0]["previousHash"] == "0" * 64
    assert all(r["previousHash"] == p["hash"] for p, r in itertools.pairwise(trail))
    # And the filing is the applicant's, through the route they called
    created = next(r for r in trail if r["record"] == "HEADER" and r["change"] == "created")
    assert (created["actor"], created["via"]) == (CITIZEN.username, "POST /applications")
    # And acceptance is the system's, through the acceptance function, status before/after
    accepted = next(
        r
        for r in trail
        if r["record"] == "HEADER"
        and {"field": "status", "before": "SUBMITTED", "after": "IN_APPROVAL"} in r["changes"]
    )
    assert accepted["actor"] == "system" and accepted["via"].endswith("acceptance")
    # And each department's decision is its officer's, the review's status before and after
    for department in ("POWER", "WATER", "URBAN"):
        decided = next(
            r
            for r in trail
            if r["record"] == f"REVIEW#{department}"
            and any(c["field"] == "status" and c["after"] == "APPROVED" for c in r["changes"])
        )
        assert decided["actor"] == staff(department).username
        assert decided["via"] == "POST /tasks/{taskId}/decision"
        assert decided["requestId"]
    # And no task token or other secret is in the trail
    assert "taskToken" not in json.dumps(trail)


def test_only_the_parties_read_a_case_trail(system: System) -> None:
    application_id = submitted_case(system, ITEM)
    system.wait_for(application_id, lambda a: len(a.reviews) == 3)
    path = f"/applications/{application_id}/audit"
    for reader in (CITIZEN, staff("POWER"), staff("WATER"), SUPERVISOR, OPS):
        assert system.api("GET", path, caller=reader).status == 200, reader
    # A stranger and a department that has no part in it are told there is no such case
    for stranger in (OTHER_CITIZEN, staff("TAX")):
        answer = system.api("GET", path, caller=stranger)
        assert answer.status == 404, answer.body
        assert answer.body["fields"][0]["field"] == "applicationId"


def test_a_record_altered_in_the_table_breaks_the_chain_from_there(system: System) -> None:
    # Given a case with a trail
    application_id = submitted_case(system, ITEM)
    system.wait_for(application_id, lambda a: len(a.reviews) == 3)
    trail = _whole_trail(system, application_id)
    # When someone with table access rewrites who filed it (record 1)
    ddb = boto3.client("dynamodb")
    table = system.outputs["AuditTableName"]
    key = {"PK": {"S": f"APP#{application_id}"}, "SK": {"S": f"{1:012d}"}}
    original = ddb.get_item(TableName=table, Key=key)["Item"]
    doc = json.loads(original["doc"]["S"])
    doc["actor"] = "somebody-else"
    ddb.put_item(TableName=table, Item={**original, "doc": {"S": json.dumps(doc)}})
    # Then the trail reads as broken at that record
    path = f"/applications/{application_id}/audit"
    page = system.api("GET", path, caller=CITIZEN, query={"limit": "100"})
    assert page.body["chain"] == {"intact": False, "checked": 1, "brokenAt": 1}
    # And once it is put back, a record removed from the middle breaks the next one's link
    ddb.put_item(TableName=table, Item=original)
    assert system.api("GET", path, caller=CITIZEN).body["chain"]["intact"] is True
    assert len(trail) > 4
    ddb.delete_item(TableName=table, Key={**key, "SK": {"S": f"{3:012d}"}})
    gap = system.api("GET", path, caller=CITIZEN, query={"limit": "100"})
    assert gap.body["chain"] == {"intact": False, "checked": 3, "brokenAt": 4}


def test_the_centre_reads_what_one_actor_did_and_nobody_else_does(system: System) -> None:
    application_id = _concluded_case(system)
    officer = staff("POWER")
    answer = system.api("GET", "/audit", caller=SUPERVISOR, query={"actor": officer.username})
    assert answer.status == 200, answer.body
    assert answer.body["chain"]["intact"]
    assert answer.body["items"], answer.body
    assert {r["actor"] for r in answer.body["items"]} == {officer.username}
    assert {r["subject"] for r in answer.body["items"]} == {f"APP#{application_id}"}
    # A period that excludes everything finds nothing; a reversed one is refused
    empty = system.api(
        "GET",
        "/audit",
        caller=SUPERVISOR,
        query={"actor": officer.username, "until": "2020-01-01T00:00:00Z"},
    )
    assert empty.status == 200 and empty.body["items"] == []
    reversed_period = system.api(
        "GET",
        "/audit",
        caller=SUPERVISOR,
        query={
            "actor": officer.username,
            "since": "2026-01-02T00:00:00Z",
            "until": "2026-01-01T00:00:00Z",
        },
    )
    assert reversed_period.status == 422
    assert reversed_period.body["fields"][0]["field"] == "since"
    # The system's own writes are in each case's trail, not listed by actor
    system_listed = system.api("GET", "/audit", caller=SUPERVISOR, query={"actor": "system"})
    assert system_listed.status == 200 and system_listed.body["items"] == []
    # An officer may not read a colleague's trail
    refused = system.api("GET", "/audit", caller=officer, query={"actor": "staff-water"})
    assert refused.status == 403, refused.body


def test_ops_export_a_trail_as_csv_a_page_at_a_time(system: System) -> None:
    application_id = _concluded_case(system)
    trail = _whole_trail(system, application_id)
    rows: list[dict[str, str]] = []
    cursor = None
    pages = 0
    while True:
        query = {"applicationId": application_id, "limit": "10"}
        if cursor:
            query["cursor"] = cursor
        answer = system.api("GET", "/audit/export", caller=OPS, query=query)
        assert answer.status == 200, answer.body
        assert answer.headers["Content-Type"].startswith("text/csv")
        rows.extend(csv.DictReader(io.StringIO(answer.body)))
        pages += 1
        cursor = answer.headers.get("X-Next-Cursor")
        if not cursor:
            break
    assert pages > 1
    assert [int(r["seq"]) for r in rows] == [r["seq"] for r in trail]
    assert [r["hash"] for r in rows] == [r["hash"] for r in trail]
    # Not for a supervisor; exactly one of the two filters
    denied = system.api(
        "GET", "/audit/export", caller=SUPERVISOR, query={"applicationId": application_id}
    )
    assert denied.status == 403
    both = system.api(
        "GET",
        "/audit/export",
        caller=OPS,
        query={"applicationId": application_id, "actor": "system"},
    )
    assert both.status == 422 and both.body["fields"][0]["field"] == "applicationId"
