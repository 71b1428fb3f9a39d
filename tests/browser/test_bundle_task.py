"""同类事项合并审批 in the staff console, in Chinese and in English, and in Chinese at a phone's
width (375 px, nothing scrolling sideways): a construction permit
stage with special fire design (BND-CONSTRUCTION-3) filed and submitted over HTTP has the
housing department review the drawing review (SD-KFQ-0217) and the fire design review
(SD-KFQ-0005) in its first wave, and the permit (SD-KFQ-0006) after them. A housing officer
finds both first-wave reviews in the inbox tagged as a bundle's, opens the bundle task from the
tag: the bundle's name, the department and its three items, two pending and the permit not
reached the department yet. A rejection without its reason is flagged before anything is sent;
then both pending items are approved with one click and the results dialog lists both
approved, the task reloaded with nothing left to decide. axe-core checks each screen. The
bundle's members are concluded over HTTP at the end (the browser tier shares one system)."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect

from infra.local.client import (
    PDF_SAMPLE,
    SAMPLE_ENTERPRISE,
    OneWindowClient,
    sample_form,
    uploaded_materials,
)
from tests.browser.support import (
    DESKTOP,
    Accessibility,
    concluded_through_the_api,
    onboard_officer,
    readable,
    shot,
    wait_until,
)
from tests.browser.test_bundle_screening import PHONE_375, assert_no_sideways_scroll
from tests.browser.test_inbox import inbox_with, row_of, staff_page
from tests.browser.test_journey import CASE_TIMEOUT

BUNDLE = "BND-CONSTRUCTION-3"
DRAWINGS = "SD-KFQ-0217"  # 施工图设计文件审查: HOUSING, with CIVILDEF
FIRE_DESIGN = "SD-KFQ-0005"  # 特殊建设工程消防设计审查: HOUSING, with FIRE
PERMIT = "SD-KFQ-0006"  # 建筑工程施工许可: HOUSING, with NATRES and HRSS; waits for both
ANSWERS = {"specialFire": "yes", "civilDefence": "no"}
DEPARTMENT = "HOUSING"

BUNDLE_TAG = {"zh": "一件事", "en": "Bundle"}
NOT_REACHED = {"zh": "尚未流转到本部门", "en": "Not reached the department yet"}
HOUSING = {"zh": "住房和城乡建设局", "en": "Housing"}
APPROVED = {"zh": "已同意", "en": "Approved"}
NEEDS_REASON = {"zh": "不同意须写明理由", "en": "Give a reason to reject"}


def filed_bundle_through_the_api(client: OneWindowClient) -> dict[str, Any]:
    """Over HTTP, as tests/integration/test_bundle_workflow.py files one in process: the
    bundle filed for an enterprise (the fields the items share once, each member's own), its
    required materials uploaded (a shared one once on the bundle application, the others on
    their member's case) and submitted: the bundle application's view as filed."""
    detail = client.call("GET", f"/bundles/{BUNDLE}")
    shared = set(detail["sharedFields"])
    items = (DRAWINGS, FIRE_DESIGN, PERMIT)
    catalog = {i: client.catalog_item(i) for i in items}
    forms = {i: sample_form(catalog[i]) for i in items}
    shared_form: dict[str, Any] = {}
    for item_id in items:
        shared_form |= {k: v for k, v in forms[item_id].items() if k in shared}
    view: dict[str, Any] = client.call(
        "POST",
        f"/bundles/{BUNDLE}/applications",
        body={
            "applicant": SAMPLE_ENTERPRISE,
            "answers": ANSWERS,
            "sharedForm": shared_form,
            "forms": {i: {k: v for k, v in forms[i].items() if k not in shared} for i in items},
            "channel": "web",
            "delivery": {"mode": "electronic"},
        },
    )
    assert view["waves"] == [[DRAWINGS, FIRE_DESIGN], [PERMIT]], readable(view)
    members = {m["itemId"]: m["applicationId"] for m in view["members"]}
    for material in view["materials"]:
        if not material["required"]:
            continue
        code = material["code"]
        file_name = f"{code.lower()}.pdf"
        if material["shared"]:
            _post_file(
                client,
                f"/bundle-applications/{view['bundleCaseId']}/materials",
                code,
                "application/pdf",
                file_name,
            )
            continue
        (item_id,) = material["itemIds"]
        rule = next(m for m in catalog[item_id]["materials"] if m["code"] == code)
        client.upload(members[item_id], code, PDF_SAMPLE, rule["contentTypes"][0], file_name)
    submitted = client.call("POST", f"/bundle-applications/{view['bundleCaseId']}/submit")
    assert submitted["status"] == "RUNNING", readable(submitted)
    return view


def _post_file(
    client: OneWindowClient, grant_path: str, code: str, content_type: str, file_name: str
) -> None:
    grant = client.call(
        "POST",
        grant_path,
        body={
            "materialCode": code,
            "fileName": file_name,
            "contentType": content_type,
            "size": len(PDF_SAMPLE),
        },
    )
    posted = client.session.post(
        grant["url"],
        data=grant["fields"],
        files={"file": (file_name, PDF_SAMPLE, content_type)},
        timeout=client.timeout,
    )
    assert posted.status_code in (200, 201, 204), posted.text


def reviewed_by(
    citizen: OneWindowClient, clerk: OneWindowClient, application_id: str, department: str
) -> None:
    """The member once the department's review of it is pending: accepted at the window
    first when acceptance puts it there (its originals checked), as alone."""

    def step() -> bool:
        view: dict[str, Any] = citizen.application(application_id)
        if view["status"] == "SUBMITTED" and view.get("atWindowSince"):
            item = citizen.catalog_item(view["itemId"])
            originals = [m["code"] for m in uploaded_materials(item) if m.get("originals")]
            body = {"outcome": "accept", "checkedOriginals": originals}
            path = f"/window/tasks/{application_id}/decision"
            clerk.call("POST", path, body=body, expect=(200, 409))
            return False
        assert view["status"] in ("SUBMITTED", "IN_APPROVAL"), readable(view)
        return any(
            r["department"] == department and r["status"] == "PENDING"
            for r in view.get("reviews") or []
        )

    wait_until(step, f"{department}'s review of {application_id}", timeout=CASE_TIMEOUT)


@pytest.mark.parametrize(
    ("locale", "viewport"),
    [("zh", DESKTOP), ("en", DESKTOP), ("zh", PHONE_375)],
    ids=["zh", "en", "zh-phone"],
)
def test_housing_decides_its_items_of_a_bundle_filing_in_one_task(
    locale: str,
    viewport: dict[str, int],
    web_system: dict[str, str],
    people: dict[str, str],
    password: str,
    id_token_of: Callable[[str], str],
    browser_context: Callable[..., BrowserContext],
    a11y: Accessibility,
    axe_available: bool,
) -> None:
    api = OneWindowClient(web_system["ApiUrl"])
    citizen = api.as_user(id_token_of(people["citizen"]))
    clerk = api.as_user(id_token_of(people["window"]))
    bundle = citizen.call("GET", f"/bundles/{BUNDLE}")
    # Given a bundle filing whose first wave both wait on the housing department
    view = filed_bundle_through_the_api(citizen)
    bundle_case = view["bundleCaseId"]
    members = {m["itemId"]: m["applicationId"] for m in view["members"]}
    try:
        for item_id in (DRAWINGS, FIRE_DESIGN):
            reviewed_by(citizen, clerk, members[item_id], DEPARTMENT)
        officer_email = onboard_officer(web_system, DEPARTMENT)

        # When a housing officer opens the inbox
        officer = staff_page(browser_context, officer_email, password, locale, viewport)
        first_wave = [members[DRAWINGS], members[FIRE_DESIGN]]
        inbox_with(officer, first_wave)

        # Then both reviews are tagged as the bundle's
        for application_id in first_wave:
            tag = row_of(officer, application_id).get_by_test_id("inbox-bundle")
            expect(tag).to_have_attribute("data-bundle-case-id", bundle_case)
            expect(tag).to_have_text(BUNDLE_TAG[locale])
        a11y.check(officer, "console inbox, a bundle's reviews")
        shot(officer, "console-inbox-bundle", locale)

        # When the officer opens the bundle task from the tag
        row_of(officer, members[DRAWINGS]).get_by_test_id("inbox-bundle").click()
        officer.wait_for_url(f"**/console/bundle-tasks/{bundle_case}")

        # Then it names the bundle and the department, with its three items
        page = officer.get_by_test_id("bundle-task")
        expect(page.get_by_test_id("bundle-task-name")).to_have_text(
            bundle["nameZh"] if locale == "zh" else bundle["nameEn"]
        )
        department = page.get_by_test_id("bundle-task-department")
        expect(department).to_have_attribute("data-department", DEPARTMENT)
        expect(department).to_contain_text(HOUSING[locale])
        expect(page.get_by_test_id("bundle-task-pending")).to_have_attribute("data-pending", "2")
        rows = page.get_by_test_id("bundle-item")
        expect(rows).to_have_count(3)
        for n, item_id in enumerate((DRAWINGS, FIRE_DESIGN, PERMIT)):
            expect(rows.nth(n)).to_have_attribute("data-item-id", item_id)
            expect(rows.nth(n)).to_have_attribute("data-application-id", members[item_id])
        pending = {
            i: page.locator(f'[data-testid="bundle-item"][data-item-id="{i}"]') for i in members
        }
        for item_id in (DRAWINGS, FIRE_DESIGN):
            row = pending[item_id]
            expect(row).to_have_attribute("data-task-status", "PENDING")
            expect(row).to_have_attribute("data-wave", "1")
            expect(row.get_by_test_id("bundle-item-due")).to_be_visible()
            expect(row.get_by_test_id("bundle-item-open")).to_have_attribute(
                "href", f"/console/tasks/{members[item_id]}-{DEPARTMENT}"
            )
        permit = pending[PERMIT]
        expect(permit).to_have_attribute("data-task-status", "none")
        expect(permit).to_have_attribute("data-wave", "2")
        expect(permit).to_have_attribute("data-member-status", "SUBMITTED")
        expect(permit.get_by_test_id("bundle-item-not-reached")).to_have_text(NOT_REACHED[locale])
        expect(permit.get_by_test_id("bundle-item-decision")).to_have_count(0)
        expect(permit.get_by_test_id("bundle-item-open")).to_have_count(0)
        a11y.check(officer, "console bundle task")
        assert_no_sideways_scroll(officer, viewport, "the bundle task")
        shot(officer, "console-bundle-task", locale)

        # When the officer rejects one without a reason
        pending[FIRE_DESIGN].get_by_test_id("bundle-item-reject").check()
        page.get_by_test_id("bundle-task-submit").click()

        # Then it is flagged beside that item before anything is sent
        error = pending[FIRE_DESIGN].get_by_test_id("bundle-item-comment-error")
        expect(error).to_contain_text(NEEDS_REASON[locale])
        expect(pending[FIRE_DESIGN].get_by_test_id("bundle-item-comment")).to_be_focused()
        a11y.check(officer, "console bundle task, a rejection without its reason")
        shot(officer, "console-bundle-task-reason", locale)

        # When the officer approves both pending items in one click
        for item_id in (DRAWINGS, FIRE_DESIGN):
            pending[item_id].get_by_test_id("bundle-item-approve").check()
        expect(error).to_have_count(0)
        page.get_by_test_id("bundle-task-submit").click()

        # Then the results list both approved
        results = officer.get_by_test_id("bundle-task-results")
        expect(results).to_be_visible()
        expect(results).to_have_attribute("data-succeeded", "2")
        expect(results).to_have_attribute("data-failed", "0")
        outcomes = results.get_by_test_id("bundle-task-result")
        expect(outcomes).to_have_count(2)
        for item_id in (DRAWINGS, FIRE_DESIGN):
            outcome = results.locator(
                f'[data-testid="bundle-task-result"][data-item-id="{item_id}"]'
            )
            expect(outcome).to_have_attribute("data-ok", "true")
            expect(outcome.get_by_test_id("bundle-task-result-message")).to_have_text(
                APPROVED[locale]
            )
        # (axe reads the dialog once its fade-in is over)
        officer.wait_for_function(
            "() => !document.querySelector('.dialog-fade-enter-active, .dialog-fade-enter-from')"
        )
        a11y.check(officer, "console bundle task, the results")
        shot(officer, "console-bundle-task-results", locale)
        results_close = officer.get_by_test_id("bundle-task-results-close")
        results_close.click()
        expect(results).to_be_hidden()

        # And the task, reloaded, has nothing left to decide; the permit still to come
        expect(page.get_by_test_id("bundle-task-pending")).to_have_attribute("data-pending", "0")
        for item_id in (DRAWINGS, FIRE_DESIGN):
            expect(pending[item_id]).not_to_have_attribute("data-task-status", "PENDING")
            expect(pending[item_id].get_by_test_id("bundle-item-closed")).to_be_visible()
        expect(permit.get_by_test_id("bundle-item-later")).to_be_visible()
        expect(page.get_by_test_id("bundle-task-submit")).to_be_disabled()
        housing = api.as_user(id_token_of(officer_email))
        task = housing.call("GET", f"/bundle-tasks/{bundle_case}")
        assert task["pending"] == 0, readable(task)
    finally:
        # Tidy: every member taken to its end, so that no later test's queues count them
        concluded_through_the_api(
            web_system,
            id_token_of(people["citizen"]),
            id_token_of,
            id_token_of(people["window"]),
            list(members.values()),
            timeout=300,
        )

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
