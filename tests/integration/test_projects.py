"""Key projects over the API: a steward registers a project, the company's cases join its
timeline, the roadmap moves on as stages conclude (the first two construction stages
walked through), and the steward keeps a dated, signed log; who sees what."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from shared.domain.workdays import local_date
from shared.models.common import utc_now
from tests.integration.conftest import (
    ADDRESS,
    CITIZEN,
    ENTERPRISE,
    OTHER_CITIZEN,
    Caller,
    System,
    running_system,
    staff,
)
from tests.integration.journeys import decide_all, item, submitted_case

STEWARD = Caller("sub-steward-1", "steward-wang", ("agent",))
OTHER_STEWARD = Caller("sub-steward-2", "steward-liu", ("agent",))
SUPERVISOR = Caller("sub-supervisor", "supervisor", ("supervisor",))
CLERK = Caller("sub-window", "window-clerk", ("window",))
STAGE_1 = ["SD-KFQ-0003", "SD-KFQ-0202", "SD-KFQ-0203"]  # a filed (备案) project
STAGE_2 = ["SD-KFQ-0204", "SD-KFQ-0004"]
_codes = iter(range(10_000, 99_999))


def beijing_today() -> date:
    """The zone's calendar day, which the log's "not a future day" is judged by."""
    return local_date(utc_now())


def project_body(**changes: Any) -> dict[str, Any]:
    body = {
        "projectCode": f"2026-370600-26-03-0{next(_codes)}",
        "nameZh": "年产5万吨高性能复合材料项目",
        "enterprise": {"name": ENTERPRISE["name"], "creditCode": ENTERPRISE["creditCode"]},
        "site": "烟台经济技术开发区长江路以北、天山路以东",
        "investmentWanYuan": 120000,
        "park": "新材料产业园",
        "situations": {"investment": "enterprise_filing", "specialFire": "yes"},
        "operatingItems": ["SD-KFQ-0226"],
    }
    return {**body, **changes}


@pytest.fixture(scope="module")
def system() -> Iterator[System]:
    with running_system() as running:
        yield running


def registered(system: System, **changes: Any) -> dict[str, Any]:
    answer = system.api("POST", "/projects", caller=STEWARD, body=project_body(**changes))
    assert answer.status == 201, answer.body
    return dict(answer.body)


def roadmap(system: System, project_id: str, caller: Caller = STEWARD) -> dict[str, Any]:
    answer = system.api("GET", f"/projects/{project_id}/roadmap", caller=caller)
    assert answer.status == 200, answer.body
    return dict(answer.body)


def stage(road: dict[str, Any], key: str) -> dict[str, Any]:
    return next(s for s in road["stages"] if s["key"] == key)


def filed(system: System, item_id: str) -> str:
    """The company files the item, delivered as the item offers first."""
    mode = item(item_id).delivery_modes[0].value
    delivery = {"mode": mode, **({"address": ADDRESS} if mode == "mail" else {})}
    return submitted_case(system, item_id, delivery=delivery)


def concluded_case(system: System, project_id: str, item_id: str) -> str:
    """The company files the item, puts the case on the project, and it is approved."""
    case = filed(system, item_id)
    linked = system.api(
        "POST", f"/projects/{project_id}/cases", caller=CITIZEN, body={"applicationId": case}
    )
    assert linked.status == 201, linked.body
    waiting = system.wait_for(
        case, lambda a: a.status.value == "IN_APPROVAL" or a.at_window_since is not None
    )
    if waiting.at_window_since is not None:  # an item seen at the window (its originals)
        originals = [m.code for m in item(item_id).materials if m.uploaded and m.originals]
        accept = {"outcome": "accept", "checkedOriginals": originals}
        decided = system.api("POST", f"/window/tasks/{case}/decision", caller=CLERK, body=accept)
        assert decided.status == 200, decided.body
    system.wait_for_status(case, "IN_APPROVAL")
    decide_all(system, case, item_id)
    system.wait_for_status(case, "DELIVERED", "COMPLETED")
    return case


def test_a_project_walks_through_two_stages_and_its_roadmap_follows(system: System) -> None:
    project = registered(system)
    pid = project["projectId"]
    assert project["steward"] == STEWARD.username and project["lifecycle"] == "planning"
    assert project["nextStage"] == "approval_and_land"

    fresh = roadmap(system, pid)
    first = stage(fresh, "approval_and_land")
    assert first["state"] == "next" and [i["itemId"] for i in first["items"]] == STAGE_1
    assert first["daysLeft"] == first["days"] == 11
    assert stage(fresh, "engineering_planning")["state"] == "later"
    assert stage(fresh, "deregistration")["state"] == "as_needed"
    assert [i["itemId"] for i in stage(fresh, "operating_licences")["items"]] == ["SD-KFQ-0226"]

    # When the first item is filed and joins the project, its stage is running
    filing = concluded_case(system, pid, STAGE_1[0])
    running = stage(roadmap(system, pid), "approval_and_land")
    assert running["state"] == "running"
    assert running["items"][0]["state"] == "done"
    assert running["items"][0]["applicationId"] == filing
    assert running["daysLeft"] == 10

    # When the rest of the stage concludes, the project is under construction
    for item_id in STAGE_1[1:]:
        concluded_case(system, pid, item_id)
    after_one = roadmap(system, pid)
    assert stage(after_one, "approval_and_land")["state"] == "done"
    assert stage(after_one, "approval_and_land")["concludedAt"]
    assert stage(after_one, "engineering_planning")["state"] == "next"
    assert after_one["lifecycle"] == "construction"
    assert after_one["criticalPathDays"] == fresh["criticalPathDays"] - 11

    # And once the second stage concludes, the third is next
    for item_id in STAGE_2:
        concluded_case(system, pid, item_id)
    after_two = roadmap(system, pid)
    assert stage(after_two, "engineering_planning")["state"] == "done"
    assert stage(after_two, "construction_permit")["state"] == "next"
    view = system.api("GET", f"/projects/{pid}", caller=STEWARD).body
    assert view["nextStage"] == "construction_permit" and view["lifecycle"] == "construction"

    # Every case is on the project's timeline, newest first, named, a page at a time
    first_page = system.api(
        "GET", f"/projects/{pid}/cases", caller=STEWARD, query={"limit": "3"}
    ).body
    second_page = system.api(
        "GET",
        f"/projects/{pid}/cases",
        caller=STEWARD,
        query={"limit": "3", "cursor": first_page["nextCursor"]},
    ).body
    timeline = [c["itemId"] for c in first_page["items"] + second_page["items"]]
    assert timeline == list(reversed(STAGE_1 + STAGE_2))
    assert second_page["nextCursor"] is None
    assert first_page["items"][0]["itemNameZh"] == "建设工程规划许可证核发"

    # The company's account sees its project and roadmap; another account does not
    mine = system.api("GET", "/projects", caller=CITIZEN).body
    assert pid in [p["projectId"] for p in mine["items"]]
    assert roadmap(system, pid, caller=CITIZEN)["lifecycle"] == "construction"
    assert system.api("GET", f"/projects/{pid}", caller=OTHER_CITIZEN).status == 404
    assert system.api("GET", f"/projects/{pid}", caller=OTHER_STEWARD).status == 404


def test_the_steward_opens_the_audit_trail_of_the_projects_cases_only(system: System) -> None:
    pid = registered(system)["projectId"]
    linked, unlinked = filed(system, "SD-KFQ-0003"), filed(system, "SD-KFQ-0202")
    body = {"applicationId": linked}
    assert system.api("POST", f"/projects/{pid}/cases", caller=STEWARD, body=body).status == 201
    trail = system.api("GET", f"/applications/{linked}/audit", caller=STEWARD)
    assert trail.status == 200 and trail.body["items"], trail.body
    assert system.api("GET", f"/applications/{unlinked}/audit", caller=STEWARD).status == 404
    assert system.api("GET", f"/applications/{linked}/audit", caller=OTHER_STEWARD).status == 404


def test_the_stewards_log_is_dated_signed_and_theirs(system: System) -> None:
    pid = registered(system)["projectId"]
    consultation = {
        "kind": "consultation",
        "on": beijing_today().isoformat(),
        "summary": "组织自然资源、住建、消防部门对设计方案开展前置会诊",
        "departments": ["NATRES", "HOUSING", "FIRE"],
        "participants": "王晓（审批管家）、企业项目负责人",
        "conclusion": "方案符合控规，消防设计按特殊建设工程报审",
    }
    written = system.api("POST", f"/projects/{pid}/log", caller=STEWARD, body=consultation)
    assert written.status == 201, written.body
    assert written.body["signedBy"] == STEWARD.username and len(written.body["digest"]) == 64
    call = {"kind": "call", "on": beijing_today().isoformat(), "summary": "电话提醒准备施工图"}
    assert system.api("POST", f"/projects/{pid}/log", caller=STEWARD, body=call).status == 201

    log = system.api("GET", f"/projects/{pid}/log", caller=SUPERVISOR)
    assert log.status == 200
    assert [e["kind"] for e in log.body["items"]] == ["call", "consultation"]

    no_conclusion = {**consultation, "conclusion": ""}
    tomorrow = {**call, "on": (beijing_today() + timedelta(days=1)).isoformat()}
    no_departments = {**consultation, "departments": []}
    for body, field in [
        (no_conclusion, "conclusion"),
        (tomorrow, "on"),
        (no_departments, "departments"),
        ({**call, "kind": "lunch"}, "body.kind"),
    ]:
        refused = system.api("POST", f"/projects/{pid}/log", caller=STEWARD, body=body)
        assert refused.status == 422, refused.body
        assert refused.body["fields"][0]["field"] == field
    assert (
        system.api("POST", f"/projects/{pid}/log", caller=staff("POWER"), body=call).status == 404
    )


def test_registration_is_checked_and_a_project_code_registers_once(system: System) -> None:
    body = project_body()
    assert system.api("POST", "/projects", caller=STEWARD, body=body).status == 201
    again = system.api("POST", "/projects", caller=OTHER_STEWARD, body=body)
    assert again.status == 409 and again.body["fields"][0]["field"] == "projectCode"
    for changes, field in [
        ({"projectCode": "2026-37-XX"}, "body.projectCode"),
        ({"situations": {"investment": "lottery"}}, "situations.investment"),
        ({"situations": {"colour": "red"}}, "situations.colour"),
        ({"operatingItems": ["SD-KFQ-9999"]}, "operatingItems.0"),
        (
            {"enterprise": {"name": "某公司", "creditCode": "91350100M000100Y44"}},
            "body.enterprise.creditCode",
        ),
    ]:
        refused = system.api("POST", "/projects", caller=STEWARD, body=project_body(**changes))
        assert refused.status == 422, refused.body
        assert refused.body["fields"][0]["field"] == field, refused.body
    assert system.api("POST", "/projects", caller=CITIZEN, body=project_body()).status == 403
    unnamed = system.api("POST", "/projects", caller=SUPERVISOR, body=project_body())
    assert unnamed.status == 422 and unnamed.body["fields"][0]["field"] == "steward"
    named = system.api(
        "POST", "/projects", caller=SUPERVISOR, body=project_body(steward=STEWARD.username)
    )
    assert named.status == 201 and named.body["steward"] == STEWARD.username


def test_only_the_enterprises_cases_join_and_each_joins_once(system: System) -> None:
    other = {"name": "烟台蓝海科技有限公司", "creditCode": "91370600MA3C4XYA1G"}
    pid = registered(system, enterprise=other)["projectId"]
    case = filed(system, "SD-KFQ-0003")
    body = {"applicationId": case}
    foreign = system.api("POST", f"/projects/{pid}/cases", caller=STEWARD, body=body)
    assert foreign.status == 422 and foreign.body["fields"][0]["field"] == "applicationId"

    mine = registered(system)["projectId"]
    assert system.api("POST", f"/projects/{mine}/cases", caller=STEWARD, body=body).status == 201
    twice = system.api("POST", f"/projects/{mine}/cases", caller=CITIZEN, body=body)
    assert twice.status == 409 and twice.body["fields"][0]["field"] == "applicationId"
    strangers = system.api("POST", f"/projects/{mine}/cases", caller=OTHER_CITIZEN, body=body)
    assert strangers.status == 404


def test_lists_are_each_callers_own(system: System) -> None:
    pid = registered(system)["projectId"]
    steward = system.api("GET", "/projects", caller=STEWARD, query={"limit": "100"}).body
    centre = system.api("GET", "/projects", caller=SUPERVISOR, query={"limit": "100"}).body
    other = system.api("GET", "/projects", caller=OTHER_STEWARD, query={"limit": "100"}).body
    assert pid in [p["projectId"] for p in steward["items"]]
    assert pid in [p["projectId"] for p in centre["items"]]
    assert pid not in [p["projectId"] for p in other["items"]]
    assert system.api("GET", "/projects", caller=staff("POWER")).status == 403
