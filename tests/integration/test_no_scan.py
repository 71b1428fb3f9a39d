"""No request path scans DynamoDB: every API route, and whole cases through the state
machine (every stage function), run while moto's DynamoDB backend records each Scan and
each PartiQL statement (a SELECT without a key is a scan too), and none is made.

The guard sits in moto's backend rather than on one boto3 client, so it sees every caller:
the repository, Powertools' idempotency layer, any client created later.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto.dynamodb.models import DynamoDBBackend

from infra.constants import ROUTES
from infra.local.events import match_route
from tests.integration.conftest import CITIZEN, ENTERPRISE, Caller, Response, System, staff
from tests.integration.journeys import PDF, decide_all, submitted_case, texted_code

STANDARD = "SD-KFQ-0010"  # lead POWER, co-departments WATER and URBAN
GUARDED = ("scan", "execute_statement", "batch_execute_statement", "execute_transaction")


@pytest.fixture
def scans(system: System, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Records every Scan or PartiQL call moto's DynamoDB serves from now on (the system is
    provisioned already: setting it up is not a request path)."""
    seen: list[str] = []
    for name in GUARDED:
        original = getattr(DynamoDBBackend, name)

        def recording(
            self: DynamoDBBackend, *args: Any, _name: str = name, _orig: Any = original, **kw: Any
        ) -> Any:
            seen.append(_name)
            return _orig(self, *args, **kw)

        monkeypatch.setattr(DynamoDBBackend, name, recording)
    yield seen


@pytest.fixture
def routes(system: System, monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, str]]:
    """The API Gateway resources the test reached, journeys' calls included."""
    reached: set[tuple[str, str]] = set()
    api = system.api

    def recording(method: str, path: str, **kwargs: Any) -> Response:
        matched = match_route(method, path)
        assert matched is not None, f"{method} {path} is no route"
        reached.add((method, matched[0].resource))
        return api(method, path, **kwargs)

    monkeypatch.setattr(system, "api", recording)
    return reached


def test_the_guard_sees_a_scan_and_a_partiql_select(system: System, scans: list[str]) -> None:
    # Given the guard is installed
    table = system.outputs["TableName"]

    # When something scans the table, or selects from it without a key
    boto3.client("dynamodb").scan(TableName=table, Limit=1)
    boto3.client("dynamodb").execute_statement(Statement=f'SELECT * FROM "{table}"')

    # Then both are recorded: the other test's empty record means something
    assert scans == ["scan", "execute_statement"]


def test_no_api_route_or_stage_ever_scans(
    system: System, scans: list[str], routes: set[tuple[str, str]]
) -> None:
    # Given a draft saved as the applicant goes, and a standard case filed (with an
    # Idempotency-Key) and approved by every department, its task opened by the lead's
    # officer before deciding
    draft = ok(system.create(STANDARD))["applicationId"]
    version = ok(system.api("GET", f"/applications/{draft}", caller=CITIZEN))["version"]
    ok(
        system.api(
            "POST",
            f"/applications/{draft}/draft",
            caller=CITIZEN,
            body={"version": version, "form": {"contactName": "李娜"}},
        )
    )
    # (the draft's applicant reads the terms, then commits to supply the property proof
    # after acceptance)
    ok(system.api("GET", f"/applications/{draft}/commitment-terms", caller=CITIZEN))
    promise = {"materials": ["PROPERTY_PROOF"], "signer": "李娜", "agreed": True}
    ok(system.api("POST", f"/applications/{draft}/commitment", caller=CITIZEN, body=promise))
    application_id = submitted_case(
        system, STANDARD, headers={"Idempotency-Key": "no-scan-standard-case"}
    )
    system.wait_for(application_id, lambda a: len(a.reviews) == 3)
    ok(system.api("GET", f"/tasks/{application_id}-POWER", caller=staff("POWER")))
    system.wait_for_status(application_id, "IN_APPROVAL")
    # (the water department's inspection stops the clock and ends; the lead extends it)
    water = f"/tasks/{application_id}-WATER"
    inspection = {"kind": "inspection", "reason": "现场核查"}
    ok(system.api("POST", f"{water}/special-procedures", caller=staff("WATER"), body=inspection))
    ended = {"outcome": "核查完毕"}
    ok(system.api("POST", f"{water}/special-procedures/P1/end", caller=staff("WATER"), body=ended))
    extension = {"days": 5, "reason": "需联合踏勘"}
    lead = f"/tasks/{application_id}-POWER/extensions"
    ok(system.api("POST", lead, caller=staff("POWER"), body=extension))
    decide_all(system, application_id, STANDARD)
    # (a batch that repeats POWER's decision: answered as the single route would)
    repeat = {"taskId": f"{application_id}-POWER", "decision": "approve", "comment": "符合条件"}
    batch = {"decisions": [repeat]}
    ok(system.api("POST", "/tasks/decisions", caller=staff("POWER"), body=batch))
    system.wait_for_status(application_id, "COMPLETED")

    # When the applicant follows, reads, verifies and rates it (a low rating opens a ticket)
    ok(system.api("GET", f"/applications/{application_id}", caller=CITIZEN))
    timeline = ok(
        system.api(
            "GET", f"/applications/{application_id}/timeline", caller=CITIZEN, query={"limit": "3"}
        )
    )
    ok(
        system.api(
            "GET",
            f"/applications/{application_id}/timeline",
            caller=CITIZEN,
            query={"limit": "3", "cursor": timeline["nextCursor"], "order": "desc"},
        )
    )
    result = ok(system.api("GET", f"/applications/{application_id}/result", caller=CITIZEN))
    ok(
        system.api(
            "GET",
            f"/verify/{result['certificateNo']}",
            query={"code": result["verificationCode"]},
        )
    )
    # (免证办: a seal filing's offers of the applicant's certificates; the issuing
    # department reads the certificate and revokes it)
    seal = ok(system.create("SD-KFQ-0101"))["applicationId"]
    ok(system.api("GET", f"/applications/{seal}/certificates", caller=CITIZEN))
    undo = {"materialCode": "BUSINESS_LICENCE"}
    ok(
        system.api(
            "POST", f"/applications/{seal}/materials/certificate/undo", caller=CITIZEN, body=undo
        )
    )
    issued = f"/certificates/{result['certificateNo']}"
    ok(system.api("GET", issued, caller=staff("POWER")))
    revocation = {"reason": "以欺骗手段取得，依法撤销"}
    ok(system.api("POST", f"{issued}/revocation", caller=staff("POWER"), body=revocation))
    # (a key project: registered by its steward, the case on its timeline, its roadmap,
    # the steward's log, the company's own list)
    steward = Caller("sub-steward", "steward-wang", ("agent",))
    project = {
        "projectCode": "2026-370600-26-03-000042",
        "nameZh": "年产5万吨高性能复合材料项目",
        "enterprise": {"name": "烟台海川新材料有限公司", "creditCode": "91350100M000100Y43"},
        "site": "烟台经济技术开发区长江路以北",
        "investmentWanYuan": 120000,
        "operatingItems": ["SD-KFQ-0226"],
    }
    pid = ok(system.api("POST", "/projects", caller=steward, body=project))["projectId"]
    case = {"applicationId": application_id}
    ok(system.api("POST", f"/projects/{pid}/cases", caller=steward, body=case))
    ok(system.api("GET", "/projects", caller=steward))
    ok(system.api("GET", "/projects", caller=CITIZEN))
    ok(system.api("GET", f"/projects/{pid}", caller=steward))
    ok(system.api("GET", f"/projects/{pid}/roadmap", caller=CITIZEN))
    ok(system.api("GET", f"/projects/{pid}/cases", caller=CITIZEN, query={"limit": "5"}))
    call = {"kind": "call", "on": "2026-01-05", "summary": "电话回访"}
    ok(system.api("POST", f"/projects/{pid}/log", caller=steward, body=call))
    ok(system.api("GET", f"/projects/{pid}/log", caller=steward))
    # (帮办代办: an agent files for the company, has the code texted, the company previews
    # and confirms it in its own account; a remote-assisted session on it; the agent's list)
    agent = Caller("sub-agent", "agent-sun", ("agent",))
    filed = system.create(STANDARD, caller=agent, channel="remote_assisted")
    by_agent = ok(filed)["applicationId"]
    ok(system.api("POST", f"/applications/{by_agent}/confirmation-code", caller=agent))
    code = {"code": texted_code(ENTERPRISE["phone"])}
    confirming = f"/applications/{by_agent}/confirmation"
    ok(system.api("POST", f"{confirming}/preview", caller=CITIZEN, body=code))
    ok(system.api("POST", confirming, caller=CITIZEN, body=code))
    sessions = f"/applications/{by_agent}/assist-sessions"
    session = ok(system.api("POST", sessions, caller=agent, body={"channel": "phone"}))
    notes = {"notes": "电话指导上传", "materialsTaken": ["ID_CARD"]}
    ok(system.api("POST", f"{sessions}/{session['sessionId']}/end", caller=agent, body=notes))
    ok(system.api("GET", sessions, caller=CITIZEN))
    ok(system.api("GET", "/agent/applications", caller=agent))
    not_a_licence = {"materialCode": "BUSINESS_LICENCE", "certificateNo": result["certificateNo"]}
    wrong_item = system.api(
        "POST", f"/applications/{seal}/materials/certificate", caller=CITIZEN, body=not_a_licence
    )
    assert wrong_item.status == 404, wrong_item.body
    ok(
        system.api(
            "POST",
            f"/applications/{application_id}/feedback",
            caller=CITIZEN,
            body={"rating": 1, "comment": "太慢了"},
        )
    )

    # And every list is read, a second page by its cursor included
    first = ok(system.api("GET", "/applications", caller=CITIZEN, query={"limit": "1"}))
    if first["nextCursor"]:
        ok(
            system.api(
                "GET",
                "/applications",
                caller=CITIZEN,
                query={"limit": "1", "cursor": first["nextCursor"]},
            )
        )
    ok(system.api("GET", "/tasks", caller=staff("POWER"), query={"department": "POWER"}))
    ok(system.api("GET", f"/tasks/{application_id}-POWER/materials", caller=staff("POWER")))
    # (claim, release, a lead's assignment and a delegation, on a case of their own)
    held = submitted_case(system, STANDARD)
    system.wait_for(held, lambda a: len(a.reviews) == 3)
    power_lead = Caller("sub-lead-power", "lead-power", ("dept-POWER", "lead-POWER"))
    ok(system.api("POST", f"/tasks/{held}-POWER/claim", caller=staff("POWER")))
    ok(system.api("POST", f"/tasks/{held}-POWER/release", caller=staff("POWER")))
    assignee = {"assignee": "staff-power"}
    ok(system.api("POST", f"/tasks/{held}-POWER/assignment", caller=power_lead, body=assignee))
    # (the water department asks for a supplement mid-approval; the applicant sends it)
    notice = {"missing": [{"field": "PROPERTY_PROOF", "reason": "页码不全"}]}
    water_held = f"/tasks/{held}-WATER/supplement-request"
    ok(system.api("POST", water_held, caller=staff("WATER"), body=notice))
    system.upload(held, "PROPERTY_PROOF", PDF, "application/pdf", file_name="p3.pdf")
    ok(system.api("POST", f"/applications/{held}/submit", caller=CITIZEN))
    until = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    away = {"department": "POWER", "delegate": "lead-power", "endsAt": until}
    ok(system.api("POST", "/delegations", caller=staff("POWER"), body=away))
    ok(system.api("GET", "/delegations/current", caller=staff("POWER")))
    ok(system.api("POST", "/delegations/current/end", caller=staff("POWER")))
    # (a case whose item needs a person, accepted at the window)
    clerk = Caller("sub-window", "window-clerk", ("window",))
    at_window = submitted_case(system, "SD-KFQ-0018", delivery={"mode": "pickup"})
    system.wait_for(at_window, lambda a: a.at_window_since is not None)
    ok(system.api("GET", "/window/tasks", caller=clerk))
    ok(system.api("GET", f"/window/tasks/{at_window}", caller=clerk))
    ok(system.api("GET", f"/window/tasks/{at_window}/materials", caller=clerk))
    accept = {"outcome": "accept", "checkedOriginals": ["APPLICATION_FORM", "BUSINESS_LICENCE"]}
    ok(system.api("POST", f"/window/tasks/{at_window}/decision", caller=clerk, body=accept))
    system.wait_for(at_window, lambda a: "FIRE" in a.reviews)
    # (the checked licence, offered to the applicant's next case and reused there)
    reusing = ok(system.create("SD-KFQ-0002"))["applicationId"]
    ok(system.api("GET", f"/applications/{reusing}/reusable-materials", caller=CITIZEN))
    licence = {"materialCode": "BUSINESS_LICENCE"}
    ok(system.api("POST", f"/applications/{reusing}/materials/reuse", caller=CITIZEN, body=licence))
    supervisor = Caller("sub-supervisor", "supervisor", ("supervisor",))
    ok(system.api("GET", "/supervision/overdue", caller=supervisor))
    ok(system.api("GET", "/supervision/overdue", caller=power_lead, query={"department": "POWER"}))
    ok(system.api("GET", f"/applications/{at_window}/audit", caller=CITIZEN))
    ok(system.api("GET", "/audit", caller=supervisor, query={"actor": clerk.username}))
    ops = Caller("sub-ops", "ops", ("ops",))
    exported = system.api("GET", "/audit/export", caller=ops, query={"applicationId": at_window})
    assert exported.status == 200, exported.body
    page = ok(system.api("GET", "/catalog/items", query={"limit": "2"}))
    ok(system.api("GET", "/catalog/items", query={"limit": "2", "cursor": page["nextCursor"]}))
    ok(
        system.api(
            "GET",
            "/catalog/items",
            query={"q": "电", "type": "public_service", "zeroVisit": "true", "department": "POWER"},
        )
    )
    ok(system.api("GET", f"/catalog/items/{STANDARD}"))
    # The bundles and a pre-screening (the container's copy of the catalog revision)
    ok(system.api("GET", "/bundles"))
    ok(system.api("GET", "/bundles/BND-DEREGISTRATION"))
    answers = {"answers": {"investment": "enterprise_filing"}}
    ok(system.api("POST", "/bundles/BND-CONSTRUCTION-1/screening", body=answers))
    # A bundle filed as one, read back, a shared material's upload granted (its members
    # read one by one, bounded by the bundle's size)
    opening = {
        "applicant": ENTERPRISE,
        "answers": {
            "entityKind": "company",
            "hasEmployees": "yes",
            "needsInvoices": "no",
            "needsBankAccount": "no",
        },
        "channel": "web",
        "delivery": {"mode": "electronic"},
    }
    filed = ok(
        system.api(
            "POST", "/bundles/BND-BUSINESS-OPENING/applications", caller=CITIZEN, body=opening
        )
    )
    ok(system.api("GET", f"/bundle-applications/{filed['bundleCaseId']}", caller=CITIZEN))
    ok(system.api("GET", "/bundle-applications", caller=CITIZEN, query={"limit": "5"}))
    shared = {"sharedForm": {"contactName": "李娜"}}
    ok(
        system.api(
            "POST",
            f"/bundle-applications/{filed['bundleCaseId']}/draft",
            caller=CITIZEN,
            body=shared,
        )
    )
    pdf = {"fileName": "a.pdf", "contentType": "application/pdf", "size": 1024}
    ok(
        system.api(
            "POST",
            f"/bundle-applications/{filed['bundleCaseId']}/materials",
            caller=CITIZEN,
            body={"materialCode": "BANK_ACCOUNT", **pdf},
        )
    )
    # Its submit reads the bundle case, each member and its item before refusing what is
    # still missing (the bundle machine's own steps read by key; tests/integration/
    # test_bundle_workflow.py runs them)
    incomplete = system.api(
        "POST", f"/bundle-applications/{filed['bundleCaseId']}/submit", caller=CITIZEN
    )
    assert incomplete.status == 422, incomplete.body
    # A department's bundle task (the bundle case, its members' headers in one batch read,
    # each member's item and task by key); a draft has none, which takes the same first read
    for route in ("", "/decision"):
        method = "POST" if route else "GET"
        body = {"decisions": [{"itemId": "SD-KFQ-0001", "decision": "approve"}]}
        refused = system.api(
            method,
            f"/bundle-tasks/{filed['bundleCaseId']}{route}",
            caller=staff("ADMIN"),
            body=body if route else None,
        )
        assert refused.status == 404, refused.body
    single = {"applicantKind": "enterprise", "situations": []}
    ok(system.api("POST", f"/catalog/items/{STANDARD}/screening", body=single))
    # The published figures, a page of each (counters, never the cases)
    figures = ok(system.api("GET", "/stats/items", query={"limit": "1"}))
    assert figures["items"], figures
    ok(system.api("GET", "/stats/departments", query={"period": "all", "limit": "1"}))
    ok(system.api("GET", "/openapi.json"))

    # And the refusals a caller can provoke answer without scanning either
    unknown = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
    forged = system.api("GET", "/verify/KFQ-LIC-20260101-ABCDEFGH", query={"code": "WRONG1"})
    assert forged.status == 404
    assert system.api("GET", f"/applications/{unknown}", caller=CITIZEN).status == 404
    decision = {"decision": "approve"}
    missing = system.api(
        "POST", f"/tasks/{unknown}-POWER/decision", caller=staff("POWER"), body=decision
    )
    assert missing.status == 404

    # And a case returned for supplement, supplemented and rejected by one co-department
    returned = submitted_case(system, STANDARD, skip={"ID_CARD"})
    system.wait_for_action(returned, "awaiting_supplement")
    system.upload(returned, "ID_CARD", PDF, "application/pdf")
    ok(system.api("POST", f"/applications/{returned}/submit", caller=CITIZEN))
    system.wait_for_status(returned, "IN_APPROVAL")
    decide_all(system, returned, STANDARD, rejecting={"URBAN": "占道施工方案未获批准"})
    system.wait_for_status(returned, "COMPLETED")

    # And a case whose issuance fails for good, so the failure stage runs
    failing = submitted_case(system, STANDARD)
    system.wait_for(failing, lambda a: len(a.reviews) == 3)
    boto3.client("dynamodb").delete_item(
        TableName=system.outputs["TableName"],
        Key={"PK": {"S": f"ITEM#{STANDARD}"}, "SK": {"S": "V#000001"}},
    )
    decide_all(system, failing, STANDARD)
    system.wait_for_status(failing, "FAILED")

    # Then every route was exercised, every stage ran, and nothing scanned
    assert routes == {(method, resource) for method, resource, _ in ROUTES}
    assert system.wait_execution(failing)["status"] == "FAILED"
    assert scans == []


def ok(response: Response) -> Any:
    assert response.status in (200, 201), response.body
    return response.body
