"""同类事项合并审批 over the API while the bundle machine runs: the construction permit stage
with special fire design (BND-CONSTRUCTION-3) has the housing department review the
drawing review and the fire design review in the same wave, and the permit after them.
Housing sees one bundle task covering all three, decides the two pending items in one
request, and the permit joins the task when its wave comes. Another department's officer
sees only its own items; a department with none, a draft and an unknown item are refused."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.conftest import CITIZEN, ENTERPRISE, System, running_system, staff
from tests.integration.journeys import complete_form
from tests.integration.test_bundle_workflow import in_review, submit, upload_materials

BUNDLE = "BND-CONSTRUCTION-3"
DRAWINGS = "SD-KFQ-0217"  # 施工图设计文件审查: HOUSING, with CIVILDEF
FIRE_DESIGN = "SD-KFQ-0005"  # 特殊建设工程消防设计审查: HOUSING, with FIRE
PERMIT = "SD-KFQ-0006"  # 建筑工程施工许可: HOUSING, with NATRES and HRSS; waits for both
ANSWERS = {"specialFire": "yes", "civilDefence": "no"}
APPROVE = {"decision": "approve", "comment": "符合条件"}


@pytest.fixture(scope="module")
def system() -> Iterator[System]:
    with running_system() as running:
        yield running


def filed(system: System) -> dict[str, Any]:
    detail = system.api("GET", f"/bundles/{BUNDLE}")
    assert detail.status == 200, detail.body
    shared = set(detail.body["sharedFields"])
    items = (DRAWINGS, FIRE_DESIGN, PERMIT)
    shared_form: dict[str, Any] = {}
    for item_id in items:
        shared_form |= {k: v for k, v in complete_form(item_id).items() if k in shared}
    response = system.api(
        "POST",
        f"/bundles/{BUNDLE}/applications",
        caller=CITIZEN,
        body={
            "applicant": ENTERPRISE,
            "answers": ANSWERS,
            "sharedForm": shared_form,
            "forms": {
                i: {k: v for k, v in complete_form(i).items() if k not in shared} for i in items
            },
            "channel": "web",
            "delivery": {"mode": "electronic"},
        },
    )
    assert response.status == 201, response.body
    view: dict[str, Any] = response.body
    assert view["waves"] == [[DRAWINGS, FIRE_DESIGN], [PERMIT]], view["waves"]
    return view


def bundle_task(system: System, view: dict[str, Any], department: str) -> Any:
    return system.api("GET", f"/bundle-tasks/{view['bundleCaseId']}", caller=staff(department))


def decide_single(system: System, application_id: str, department: str) -> None:
    answer = system.api(
        "POST",
        f"/tasks/{application_id}-{department}/decision",
        caller=staff(department),
        body=APPROVE,
    )
    assert answer.status == 200, answer.body


def test_one_department_decides_its_items_of_a_bundle_in_one_task(system: System) -> None:
    view = filed(system)
    ids = {m["itemId"]: m["applicationId"] for m in view["members"]}

    # Given a draft, no department has a task of it
    assert bundle_task(system, view, "HOUSING").status == 404

    upload_materials(system, view)
    assert submit(system, view).status == 200
    for item_id in (DRAWINGS, FIRE_DESIGN):
        in_review(system, ids[item_id])
        system.wait_for(ids[item_id], lambda a: "HOUSING" in a.reviews)

    # When housing opens its task of the bundle
    task = bundle_task(system, view, "HOUSING")

    # Then it covers the three items it reviews, two pending now, the permit not yet
    assert task.status == 200, task.body
    items = {i["itemId"]: i for i in task.body["items"]}
    assert list(items) == [DRAWINGS, FIRE_DESIGN, PERMIT]
    assert task.body["pending"] == 2
    assert items[PERMIT]["task"] is None and items[PERMIT]["memberStatus"] == "SUBMITTED"
    assert items[DRAWINGS]["task"]["bundleCaseId"] == view["bundleCaseId"]
    # And the inbox rows of those members say which bundle they belong to
    inbox = system.api("GET", "/tasks", caller=staff("HOUSING"), query={"limit": "100"})
    rows = [t for t in inbox.body["items"] if t["applicationId"] in ids.values()]
    assert {t["bundleCaseId"] for t in rows} == {view["bundleCaseId"]}

    # And the fire department sees only its own item of the bundle
    fire = bundle_task(system, view, "FIRE")
    assert [i["itemId"] for i in fire.body["items"]] == [FIRE_DESIGN]
    # A department reviewing nothing of it is told it is not found
    assert bundle_task(system, view, "TAX").status == 404

    # When housing decides both pending items in one request (an unknown item refused)
    wrong = system.api(
        "POST",
        f"/bundle-tasks/{view['bundleCaseId']}/decision",
        caller=staff("HOUSING"),
        body={"decisions": [{"itemId": "SD-KFQ-0001", **APPROVE}]},
    )
    assert wrong.status == 422 and wrong.body["fields"][0]["field"] == "decisions.0.itemId"
    decided = system.api(
        "POST",
        f"/bundle-tasks/{view['bundleCaseId']}/decision",
        caller=staff("HOUSING"),
        body={
            "decisions": [
                {"itemId": DRAWINGS, **APPROVE},
                {"itemId": FIRE_DESIGN, **APPROVE},
                {"itemId": PERMIT, **APPROVE},
            ]
        },
    )

    # Then the two are decided and the permit, not reached yet, is refused on its own
    assert decided.status == 200, decided.body
    assert [r["status"] for r in decided.body["results"]] == [200, 200, 404]
    assert bundle_task(system, view, "HOUSING").body["pending"] == 0

    # When the co-departments decide too, the permit's wave comes and joins the task
    decide_single(system, ids[DRAWINGS], "CIVILDEF")
    decide_single(system, ids[FIRE_DESIGN], "FIRE")
    in_review(system, ids[PERMIT])
    system.wait_for(ids[PERMIT], lambda a: "HOUSING" in a.reviews)
    later = bundle_task(system, view, "HOUSING").body
    permit = next(i for i in later["items"] if i["itemId"] == PERMIT)
    assert later["pending"] == 1 and permit["task"]["status"] == "PENDING"
