"""Who may call what: every route of the contract against every kind of caller.

One system serves the whole table (provisioning costs about a second): a case of CITIZEN's
that ran to completion and was rated, and a second case waiting on department reviews.
Each row is chosen so it leaves that state as it found it.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from infra.constants import ROUTES
from shared.names import PUBLIC_RESOURCES
from tests.integration.conftest import (
    CITIZEN,
    OTHER_CITIZEN,
    Caller,
    System,
    running_system,
    staff,
)
from tests.integration.journeys import decide_all, submitted_case

STANDARD = "SD-KFQ-0010"  # lead POWER, co-departments WATER and URBAN
OPS = Caller("sub-ops-1", "ops-zhao", ("ops",))
OPENING_ANSWERS = {
    "entityKind": "company",
    "hasEmployees": "yes",
    "needsInvoices": "yes",
    "needsBankAccount": "yes",
}
CALLERS: dict[str, Caller | None] = {
    "anonymous": None,
    "owner": CITIZEN,
    "other-citizen": OTHER_CITIZEN,
    "dept-staff": staff("POWER"),
    "other-dept-staff": staff("HEALTH"),
    "ops": OPS,
}


@dataclass(frozen=True)
class World:
    system: System
    completed: str  # CITIZEN's case: completed, rated 4
    pending: str  # CITIZEN's case: waiting on POWER, WATER and URBAN
    certificate_no: str
    verification_code: str
    project_id: str  # a key project (stewarded by another) that CITIZEN's completed case is in
    bundle_case: str  # CITIZEN's business-opening bundle application, its members drafts


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with running_system() as system:
        completed = submitted_case(system, STANDARD)
        system.wait_for_status(completed, "IN_APPROVAL")
        decide_all(system, completed, STANDARD)
        system.wait_for_status(completed, "COMPLETED")
        rated = system.api(
            "POST", f"/applications/{completed}/feedback", caller=CITIZEN, body={"rating": 4}
        )
        assert rated.status == 200, rated.body
        result = system.api("GET", f"/applications/{completed}/result", caller=CITIZEN)
        assert result.status == 200, result.body
        pending = submitted_case(system, STANDARD)
        system.wait_for(pending, lambda a: len(a.reviews) == 3)
        project = system.api("POST", "/projects", caller=OPS, body=_project("0000001"))
        assert project.status == 201, project.body
        project_id = project.body["projectId"]
        linked = system.api(
            "POST",
            f"/projects/{project_id}/cases",
            caller=CITIZEN,
            body={"applicationId": completed},
        )
        assert linked.status == 201, linked.body
        bundle = system.api(
            "POST",
            "/bundles/BND-BUSINESS-OPENING/applications",
            caller=CITIZEN,
            body=_bundle_filing(),
        )
        assert bundle.status == 201, bundle.body
        yield World(
            system,
            completed,
            pending,
            result.body["certificateNo"],
            result.body["verificationCode"],
            project_id,
            bundle.body["bundleCaseId"],
        )


def _bundle_filing() -> dict[str, Any]:
    return {
        "applicant": {
            "kind": "enterprise",
            "name": "山东海川新材料有限公司",
            "creditCode": "91350100M000100Y43",
            "legalRepresentative": "李娜",
        },
        "answers": OPENING_ANSWERS,
        "channel": "web",
        "delivery": {"mode": "electronic"},
    }


def _project(number: str) -> dict[str, Any]:
    return {
        "projectCode": f"2026-370600-26-03-{number[-6:]}",
        "nameZh": "年产5万吨高性能复合材料项目",
        "enterprise": {"name": "山东海川新材料有限公司", "creditCode": "91350100M000100Y43"},
        "site": "烟台经济技术开发区长江路以北",
        "investmentWanYuan": 120000,
        "steward": "steward-auth",
    }


def _request(world: World, method: str, resource: str) -> dict[str, Any]:
    """A well-formed request for the route, on the completed case and its POWER task."""
    path = (
        resource.replace("{applicationId}", world.completed)
        .replace("{taskId}", f"{world.completed}-POWER")
        .replace("{itemId}", STANDARD)
        .replace("{certificateNo}", world.certificate_no)
        .replace("{procedureId}", "P1")
        .replace("{bundleId}", "BND-BUSINESS-OPENING")
        .replace("{projectId}", world.project_id)
        .replace("{sessionId}", "01J0000000000000000000000S")
        .replace("{bundleCaseId}", world.bundle_case)
    )
    bodies: dict[str, Any] = {
        "/applications": {
            "itemId": STANDARD,
            "applicant": {
                "kind": "enterprise",
                "name": "山东海川新材料有限公司",
                "creditCode": "91350100M000100Y43",
                "legalRepresentative": "李娜",
            },
            "channel": "web",
            "delivery": {"mode": "pickup"},
        },
        "/applications/{applicationId}/materials": {
            "materialCode": "APPLICATION_FORM",
            "fileName": "form.pdf",
            "contentType": "application/pdf",
            "size": 1024,
        },
        "/applications/{applicationId}/materials/reuse": {"materialCode": "BUSINESS_LICENCE"},
        "/applications/{applicationId}/materials/certificate": {
            "materialCode": "BUSINESS_LICENCE",
            "certificateNo": world.certificate_no,
        },
        "/applications/{applicationId}/materials/certificate/undo": {
            "materialCode": "BUSINESS_LICENCE"
        },
        "/certificates/{certificateNo}/revocation": {"reason": "以欺骗手段取得，依法撤销"},
        "/applications/{applicationId}/draft": {"version": 1, "form": {}},
        "/applications/{applicationId}/commitment": {
            "materials": ["PROPERTY_PROOF"],
            "signer": "李娜",
            "agreed": True,
        },
        "/applications/{applicationId}/feedback": {"rating": 5},
        "/tasks/{taskId}/decision": {"decision": "approve", "comment": "符合条件"},
        "/tasks/{taskId}/assignment": {"assignee": "staff-power-2"},
        "/delegations": {
            "department": "POWER",
            "delegate": "staff-power-2",
            "endsAt": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
        },
        "/window/tasks/{taskId}/decision": {"outcome": "accept"},
        "/tasks/decisions": {
            "decisions": [
                {"taskId": f"{world.completed}-POWER", "decision": "approve", "comment": "符合条件"}
            ]
        },
        "/tasks/{taskId}/special-procedures": {"kind": "inspection", "reason": "现场核查"},
        "/tasks/{taskId}/special-procedures/{procedureId}/end": {"outcome": "核查完毕"},
        "/tasks/{taskId}/extensions": {"days": 5, "reason": "需联合踏勘"},
        "/tasks/{taskId}/supplement-request": {
            "missing": [{"field": "PROPERTY_PROOF", "reason": "页码不全"}]
        },
        "/bundles/{bundleId}/screening": {"answers": OPENING_ANSWERS},
        "/bundles/{bundleId}/applications": _bundle_filing(),
        "/bundle-applications/{bundleCaseId}/draft": {"sharedForm": {"contactName": "李娜"}},
        "/bundle-tasks/{bundleCaseId}/decision": {
            "decisions": [{"itemId": "SD-KFQ-0001", "decision": "approve", "comment": "符合条件"}]
        },
        "/bundle-applications/{bundleCaseId}/materials": {
            "materialCode": "BANK_ACCOUNT",
            "fileName": "licence.pdf",
            "contentType": "application/pdf",
            "size": 1024,
        },
        "/projects": _project("0000002"),
        "/projects/{projectId}/cases": {"applicationId": world.completed},
        "/projects/{projectId}/log": {"kind": "call", "on": "2026-01-05", "summary": "电话回访"},
        "/catalog/items/{itemId}/screening": {"applicantKind": "enterprise"},
        "/applications/{applicationId}/confirmation": {"code": "123456"},
        "/applications/{applicationId}/confirmation/preview": {"code": "123456"},
        "/applications/{applicationId}/assist-sessions": {"channel": "video"},
        "/applications/{applicationId}/assist-sessions/{sessionId}/end": {"notes": "结束"},
    }
    queries = {
        "/verify/{certificateNo}": {"code": world.verification_code},
        "/audit": {"actor": "staff-power"},
        "/audit/export": {"applicationId": world.completed},
    }
    query = queries.get(resource)
    body = bodies.get(resource) if method == "POST" else None
    return {"method": method, "path": path, "body": body, "query": query}


# Expected status per route, for the callers in CALLERS' order:
# anonymous, owner, other citizen, staff of POWER, staff of HEALTH, ops.
# Owner's 409s prove the owner got past authorization to the case's state rules (the case
# is completed and rated); the decision by POWER's officer is a retry of their own approval.
# Only citizens file for themselves: service agents file for someone on the agent channels.
EXPECTED: dict[tuple[str, str], tuple[int, int, int, int, int, int]] = {
    ("GET", "/openapi.json"): (200, 200, 200, 200, 200, 200),
    ("GET", "/catalog/items"): (200, 200, 200, 200, 200, 200),
    ("GET", "/catalog/items/{itemId}"): (200, 200, 200, 200, 200, 200),
    ("POST", "/catalog/items/{itemId}/screening"): (200, 200, 200, 200, 200, 200),
    ("GET", "/verify/{certificateNo}"): (200, 200, 200, 200, 200, 200),
    ("GET", "/stats/items"): (200, 200, 200, 200, 200, 200),
    ("GET", "/stats/departments"): (200, 200, 200, 200, 200, 200),
    ("GET", "/bundles"): (200, 200, 200, 200, 200, 200),
    ("GET", "/bundles/{bundleId}"): (200, 200, 200, 200, 200, 200),
    ("POST", "/bundles/{bundleId}/screening"): (200, 200, 200, 200, 200, 200),
    ("POST", "/applications"): (401, 201, 201, 403, 403, 403),
    ("GET", "/applications"): (401, 200, 200, 200, 200, 200),
    ("GET", "/applications/{applicationId}"): (401, 200, 404, 404, 404, 404),
    ("GET", "/applications/{applicationId}/timeline"): (401, 200, 404, 404, 404, 404),
    ("POST", "/applications/{applicationId}/draft"): (401, 409, 404, 404, 404, 404),
    ("POST", "/applications/{applicationId}/commitment"): (401, 409, 404, 404, 404, 404),
    ("GET", "/applications/{applicationId}/commitment-terms"): (401, 200, 404, 404, 404, 404),
    ("POST", "/applications/{applicationId}/materials"): (401, 409, 404, 404, 404, 404),
    ("POST", "/applications/{applicationId}/materials/reuse"): (401, 409, 404, 404, 404, 404),
    ("GET", "/applications/{applicationId}/reusable-materials"): (401, 200, 404, 404, 404, 404),
    ("GET", "/applications/{applicationId}/certificates"): (401, 200, 404, 404, 404, 404),
    ("POST", "/applications/{applicationId}/materials/certificate"): (
        401,
        409,
        404,
        404,
        404,
        404,
    ),
    ("POST", "/applications/{applicationId}/materials/certificate/undo"): (
        401,
        409,
        404,
        404,
        404,
        404,
    ),
    # The completed case's certificate was issued by its item's lead department, POWER
    ("GET", "/certificates/{certificateNo}"): (401, 403, 403, 200, 403, 403),
    # Key projects: the company's account (CITIZEN filed its case) reads its project but
    # not the steward's log; ops is the centre; department staff are not in it. The case
    # posted is the project's already (409 for whoever may link it).
    ("POST", "/projects"): (401, 403, 403, 403, 403, 201),
    ("GET", "/projects"): (401, 200, 200, 403, 403, 200),
    ("GET", "/projects/{projectId}"): (401, 200, 404, 404, 404, 200),
    ("GET", "/projects/{projectId}/roadmap"): (401, 200, 404, 404, 404, 200),
    ("GET", "/projects/{projectId}/cases"): (401, 200, 404, 404, 404, 200),
    ("POST", "/projects/{projectId}/cases"): (401, 409, 404, 404, 404, 409),
    ("GET", "/projects/{projectId}/log"): (401, 403, 404, 404, 404, 200),
    ("POST", "/projects/{projectId}/log"): (401, 403, 404, 404, 404, 403),
    ("POST", "/certificates/{certificateNo}/revocation"): (401, 403, 403, 200, 403, 403),
    # 帮办代办: the completed case was filed on the web, by its owner: the agent's actions
    # are 403 for the owner (not its agent), the confirmation finds no filing awaiting it,
    # and only service agents (none of these callers) have a list of filings.
    ("POST", "/applications/{applicationId}/confirmation-code"): (401, 403, 404, 404, 404, 404),
    ("POST", "/applications/{applicationId}/confirmation"): (401, 404, 404, 404, 404, 404),
    ("POST", "/applications/{applicationId}/confirmation/preview"): (
        401,
        404,
        404,
        404,
        404,
        404,
    ),
    ("GET", "/applications/{applicationId}/assist-sessions"): (401, 200, 404, 404, 404, 404),
    ("POST", "/applications/{applicationId}/assist-sessions"): (401, 403, 404, 404, 404, 404),
    ("POST", "/applications/{applicationId}/assist-sessions/{sessionId}/end"): (
        401,
        403,
        404,
        404,
        404,
        404,
    ),
    ("GET", "/agent/applications"): (401, 403, 403, 403, 403, 403),
    # A bundle is filed by its applicant (any citizen, for themselves); read by its owner.
    ("POST", "/bundles/{bundleId}/applications"): (401, 201, 201, 403, 403, 403),
    ("GET", "/bundle-applications"): (401, 200, 200, 200, 200, 200),
    ("GET", "/bundle-applications/{bundleCaseId}"): (401, 200, 404, 404, 404, 404),
    ("POST", "/bundle-applications/{bundleCaseId}/materials"): (401, 200, 404, 404, 404, 404),
    ("POST", "/bundle-applications/{bundleCaseId}/draft"): (401, 200, 404, 404, 404, 404),
    # The owner's filing here lacks its uploads: refused with nothing written.
    ("POST", "/bundle-applications/{bundleCaseId}/submit"): (401, 422, 404, 404, 404, 404),
    # A department's task across a bundle: staff only; this filing is a draft, so none yet.
    ("GET", "/bundle-tasks/{bundleCaseId}"): (401, 403, 403, 404, 404, 403),
    ("POST", "/bundle-tasks/{bundleCaseId}/decision"): (401, 403, 403, 404, 404, 403),
    ("POST", "/applications/{applicationId}/submit"): (401, 409, 404, 404, 404, 404),
    ("GET", "/applications/{applicationId}/result"): (401, 200, 404, 404, 404, 404),
    ("POST", "/applications/{applicationId}/feedback"): (401, 409, 404, 404, 404, 404),
    # The case's parties (the applicant, a reviewing department, the centre): others 404.
    ("GET", "/applications/{applicationId}/audit"): (401, 200, 404, 200, 404, 200),
    # An actor's trail: supervisors and ops; the export: ops only.
    ("GET", "/audit"): (401, 403, 403, 403, 403, 200),
    ("GET", "/audit/export"): (401, 403, 403, 403, 403, 200),
    ("GET", "/tasks"): (401, 403, 403, 200, 200, 403),
    # Each decision answered on its own: HEALTH's staff get a 403 inside the 200.
    ("POST", "/tasks/decisions"): (401, 403, 403, 200, 200, 403),
    ("GET", "/tasks/{taskId}"): (401, 403, 403, 200, 403, 403),
    ("GET", "/tasks/{taskId}/materials"): (401, 403, 403, 200, 403, 403),
    ("POST", "/tasks/{taskId}/decision"): (401, 403, 403, 200, 403, 403),
    # The clock of a decided task: POWER's officer gets past authorization to its state.
    ("POST", "/tasks/{taskId}/special-procedures"): (401, 403, 403, 409, 403, 403),
    ("POST", "/tasks/{taskId}/special-procedures/{procedureId}/end"): (
        401,
        403,
        403,
        409,
        403,
        403,
    ),
    ("POST", "/tasks/{taskId}/extensions"): (401, 403, 403, 409, 403, 403),
    ("POST", "/tasks/{taskId}/supplement-request"): (401, 403, 403, 409, 403, 403),
    ("POST", "/tasks/{taskId}/claim"): (401, 403, 403, 409, 403, 403),
    ("POST", "/tasks/{taskId}/release"): (401, 403, 403, 409, 403, 403),
    ("POST", "/tasks/{taskId}/assignment"): (401, 403, 403, 409, 403, 403),
    ("POST", "/delegations"): (401, 403, 403, 200, 403, 403),
    ("GET", "/delegations/current"): (401, 200, 200, 200, 200, 200),
    ("POST", "/delegations/current/end"): (401, 200, 200, 200, 200, 200),
    # Window clerks only (none of these callers is one).
    ("GET", "/window/tasks"): (401, 403, 403, 403, 403, 403),
    ("GET", "/window/tasks/{taskId}"): (401, 403, 403, 403, 403, 403),
    ("GET", "/window/tasks/{taskId}/materials"): (401, 403, 403, 403, 403, 403),
    ("POST", "/window/tasks/{taskId}/decision"): (401, 403, 403, 403, 403, 403),
    # The centre's supervisors only (none of these callers is one, nor a lead).
    ("GET", "/supervision/overdue"): (401, 403, 403, 403, 403, 403),
}
TABLE = [
    pytest.param(caller, method, resource, status, id=f"{caller}:{method} {resource}")
    for (method, resource), statuses in EXPECTED.items()
    for caller, status in zip(CALLERS, statuses, strict=True)
]


def test_the_table_covers_every_route_of_the_contract() -> None:
    # Given the API contract CDK and the local gateway deploy
    routes = {(method, path) for method, path, _ in ROUTES}

    # Then the authorization table has a row for each route and no other
    assert set(EXPECTED) == routes
    # And the routes the API treats as public are exactly the contract's public ones
    assert {path for _, path, public in ROUTES if public} == PUBLIC_RESOURCES


@pytest.mark.parametrize(("caller", "method", "resource", "expected"), TABLE)
def test_who_may_call_what(
    world: World, caller: str, method: str, resource: str, expected: int
) -> None:
    # Given a caller and a well-formed request for one route
    request = _request(world, method, resource)

    # When the caller sends it
    answer = world.system.api(**request, caller=CALLERS[caller])

    # Then the status is the one the access rules give, with a JSON error when refused
    assert answer.status == expected, answer.body
    if expected >= 400:
        assert answer.body["error"] and answer.body["message"]


PROTECTED = [(m, r) for m, r, public in ROUTES if not public]


@pytest.mark.parametrize(("method", "resource"), PROTECTED, ids=[f"{m} {r}" for m, r in PROTECTED])
def test_no_token_is_401_even_when_the_request_is_also_malformed(
    world: World, method: str, resource: str
) -> None:
    # Given a request without a token whose query and body are both invalid
    request = _request(world, method, resource)
    request["query"] = {"limit": "0", "cursor": "!"}
    if method == "POST":
        request["body"] = "{not json"

    # When it reaches the API
    answer = world.system.api(**request, caller=None)

    # Then it is refused for the missing token, telling nothing about the input
    assert answer.status == 401, answer.body
    assert answer.body["error"] == "unauthorized" and answer.body["fields"] == []


def test_a_citizen_never_sees_another_citizens_cases(world: World) -> None:
    # When the other citizen lists their applications and asks for the owner's case
    listed = world.system.api("GET", "/applications", caller=OTHER_CITIZEN)
    direct = world.system.api("GET", f"/applications/{world.pending}", caller=OTHER_CITIZEN)

    # Then neither of the owner's cases shows up, and the case is reported absent
    ids = {a["applicationId"] for a in listed.body["items"]}
    assert not ids & {world.completed, world.pending}
    assert direct.status == 404 and world.pending in direct.body["message"]

    # And the owner sees both
    own = world.system.api("GET", "/applications", caller=CITIZEN, query={"limit": "100"})
    assert {world.completed, world.pending} <= {a["applicationId"] for a in own.body["items"]}


def test_staff_inbox_holds_only_their_own_departments_tasks(world: World) -> None:
    # When POWER's officer and HEALTH's officer read their inboxes
    power = world.system.api("GET", "/tasks", caller=staff("POWER"))
    health = world.system.api("GET", "/tasks", caller=staff("HEALTH"))

    # Then POWER sees the pending case's POWER review and nothing of other departments
    assert power.status == 200 and health.status == 200
    assert f"{world.pending}-POWER" in [t["taskId"] for t in power.body["items"]]
    assert {t["department"] for t in power.body["items"]} == {"POWER"}
    assert health.body["items"] == []


def test_staff_cannot_read_or_decide_another_departments_tasks(world: World) -> None:
    # When HEALTH's officer asks for POWER's inbox and decides POWER's pending review
    inbox = world.system.api("GET", "/tasks", caller=staff("HEALTH"), query={"department": "POWER"})
    decision = world.system.api(
        "POST",
        f"/tasks/{world.pending}-POWER/decision",
        caller=staff("HEALTH"),
        body={"decision": "reject", "comment": "材料不全"},
    )

    # Then both are forbidden, and the review is still pending for POWER
    assert inbox.status == 403 and inbox.body["fields"][0]["field"] == "department"
    assert decision.status == 403 and decision.body["fields"][0]["field"] == "taskId"
    task = world.system.repo.get_task(f"{world.pending}-POWER")
    assert task is not None and task.status == "PENDING" and task.decision is None
    case = world.system.application(world.pending)
    assert case.reviews["POWER"].status == "PENDING"
