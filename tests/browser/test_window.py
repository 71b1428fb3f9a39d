"""The window (前台受理) in a real browser, in Chinese and in English: a citizen files SD-KFQ-0018
(公众聚集场所投入使用、营业前消防安全检查, reviewed by FIRE; handled online short of 全程网办, so
a complete case waits for a window clerk), to be picked up at the centre. The window clerk's
console opens on the queue, with the day the case is accepted by law; the clerk opens the case
(applicant, form, materials previewed, why a clerk decides) and returns it with a two-entry
one-time list, the form refusing an entry without its reason first. The citizen reads the list
on the case page, uploads what it names and resubmits; the case is back in the queue, and the
clerk accepts it, having checked the application form against its original. A second case,
filed over HTTP, is not accepted, with two written reasons the citizen reads. axe-core checks
the queue, the case screen with each form, and the case pages."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.support import (
    Accessibility,
    file_through_the_api,
    poll,
    readable,
    screenshot,
    small_pdf,
    username_of,
)
from tests.browser.test_journey import CASE_TIMEOUT, api_get, prefer_locale, sign_in
from tests.browser.test_supplement import upload, wait_for_status

ITEM = "SD-KFQ-0018"
NAMES = {
    "zh": "公众聚集场所投入使用、营业前消防安全检查",
    "en": "Fire-safety inspection of a crowded venue before opening",
}
REQUIRED_MATERIALS = (
    "APPLICATION_FORM",
    "BUSINESS_LICENCE",
    "ID_CARD",
    "FIRE_ACCEPTANCE",
    "COMMITMENT",
)
APPLICANT = {
    "name": "烟台海川会展服务有限公司",
    "creditCode": "91350100M000100Y43",
    "legalRepresentative": "李娜",
    "phone": "13800138000",
}
FORM = {
    "enterpriseName": "烟台海川会展服务有限公司",
    "creditCode": "91350100M000100Y43",
    "venueName": "海川会展中心",
    "venueAddress": "烟台经济技术开发区长江路100号",
    "venueArea": "1200",
    "contactPhone": "13800138000",
}
SELECTS = {"venueType": "HALL", "procedureChoice": "STANDARD"}
# The one-time list the clerk writes: two optional materials the case turns out to need.
RETURNED = (
    ("VENUE_PLAN", "场所仅占建筑局部：请提供标注疏散通道的平面布置图"),
    ("FIRE_RULES", "选择一般程序办理：请提供消防安全制度和应急疏散预案"),
)
MATERIAL_NAMES = {
    "VENUE_PLAN": {
        "zh": "场所平面布置图及消防设施平面图",
        "en": "Floor plan of the venue with fire facilities",
    },
    "FIRE_RULES": {
        "zh": "消防安全制度、灭火和应急疏散预案",
        "en": "Fire-safety rules and evacuation plan",
    },
}
REFUSAL = (
    "场所为企业内部食堂，不属于公众聚集场所，无需办理本项检查",
    "如场所今后对外营业，请重新申请",
)
ACCEPTED = {"zh": "已受理", "en": "Accepted"}
WINDOW = {"zh": "窗口受理", "en": "Window acceptance"}


def file_for_the_window(page: Page, locale: str, tmp_path: Path) -> str:
    """From the item's guide to a submitted case, to be picked up at the centre: its id."""
    page.goto(f"/catalog/{ITEM}")
    expect(page.get_by_test_id("guide-title")).to_have_text(NAMES[locale])
    page.get_by_test_id("guide-apply").click()
    expect(page.get_by_test_id("apply-form")).to_be_visible(timeout=20_000)
    # The item is for enterprises only: no choice of applicant kind is offered.
    expect(page.get_by_test_id("apply-kind-person")).to_have_count(0)
    page.get_by_test_id("applicant-name").fill(APPLICANT["name"])
    page.get_by_test_id("applicant-credit-code").fill(APPLICANT["creditCode"])
    page.get_by_test_id("applicant-legal-representative").fill(APPLICANT["legalRepresentative"])
    page.get_by_test_id("applicant-phone").fill(APPLICANT["phone"])
    for name, value in FORM.items():
        page.get_by_test_id(f"field-{name}").fill(value)
    for name, value in SELECTS.items():
        page.get_by_test_id(f"field-{name}").select_option(value=value)
    page.get_by_test_id("delivery-pickup").check()
    for code in REQUIRED_MATERIALS:
        pdf = tmp_path / f"{code.lower()}.pdf"
        pdf.write_bytes(small_pdf(f"OneWindow window material {code}"))
        chooser = page.get_by_test_id(f"material-file-{code}")
        expect(chooser).to_be_enabled(timeout=20_000)
        chooser.set_input_files(pdf)
        expect(page.get_by_test_id(f"material-status-{code}")).to_contain_text(
            pdf.name, timeout=30_000
        )
    page.get_by_test_id("apply-submit").click()
    page.wait_for_url("**/cases/*", timeout=30_000)
    return page.url.split("/cases/")[1].split("?")[0].strip("/")


def queue_row(page: Page, application_id: str) -> Locator:
    """The case's row in the window queue, once acceptance has put it there."""
    page.goto("/console/window")
    row = page.locator(f'[data-testid="window-row"][data-application-id="{application_id}"]')

    def listed() -> bool:
        if row.count():
            return True
        page.reload()
        expect(
            page.get_by_test_id("window-table").or_(page.get_by_test_id("window-empty"))
        ).to_be_visible()
        return bool(row.count())

    poll(
        listed,
        timeout=CASE_TIMEOUT,
        interval_ms=1500,
        page=page,
        what=f"case {application_id} in the window queue",
    )
    return row


def open_case(page: Page, application_id: str) -> None:
    queue_row(page, application_id).get_by_test_id("window-open").click()
    expect(page.get_by_test_id("window-application-id")).to_have_text(application_id)
    expect(page.get_by_test_id("window-decision-form")).to_be_visible()


def decided(page: Page, outcome: str) -> None:
    page.wait_for_url(re.compile(r"/console/window\?"))
    expect(page.get_by_test_id("window-confirmation")).to_have_attribute("data-outcome", outcome)


def wait_at_the_window(page: Page, application_id: str) -> None:
    """The case page, reloaded until it says the case waits for a window clerk."""

    def waiting() -> bool:
        page.reload()
        page.get_by_test_id("case-page").wait_for(timeout=15_000)
        return bool(page.get_by_test_id("case-at-window").count())

    poll(
        waiting,
        timeout=CASE_TIMEOUT,
        interval_ms=1500,
        page=page,
        what=f"case {application_id} waiting at the window on its page",
    )


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_window_clerk_returns_a_case_with_the_one_time_list_then_accepts_it(
    locale: str,
    web_system: dict[str, str],
    people: dict[str, str],
    password: str,
    id_token_of: Callable[[str], str],
    browser_context: Callable[..., BrowserContext],
    a11y: Accessibility,
    axe_available: bool,
    tmp_path: Path,
) -> None:
    # Given a complete case of an item that needs a person, filed by the citizen
    citizen_context = browser_context(locale=locale)
    prefer_locale(citizen_context, locale)
    citizen = citizen_context.new_page()
    sign_in(citizen, people["citizen"], password)
    application_id = file_for_the_window(citizen, locale, tmp_path)
    token = id_token_of(people["citizen"])
    wait_at_the_window(citizen, application_id)
    expect(citizen.get_by_test_id("case-status")).to_be_visible()
    a11y.check(citizen, "case page, waiting at the window")

    # When the window clerk opens the console: the window queue, the case in it
    clerk_context = browser_context(locale=locale)
    prefer_locale(clerk_context, locale)
    clerk = clerk_context.new_page()
    sign_in(clerk, people["window"], password)
    clerk.goto("/console")
    clerk.wait_for_url("**/console/window")
    expect(clerk.get_by_test_id("console-nav-window")).to_have_attribute("aria-current", "page")
    expect(clerk.get_by_test_id("console-nav-delegation")).to_have_count(0)
    expect(clerk.get_by_role("heading", level=1)).to_contain_text(WINDOW[locale])
    row = queue_row(clerk, application_id)
    expect(row).to_have_attribute("data-item-id", ITEM)
    deemed = row.get_by_test_id("window-deemed").get_attribute("data-deemed-at")
    waiting = row.get_by_test_id("window-waiting").get_attribute("datetime")
    assert deemed and waiting and deemed > waiting, (deemed, waiting)
    a11y.check(clerk, "window queue")
    screenshot(clerk, "console-window-queue", locale)

    # Then the case screen shows who applied, what, why a clerk decides, the materials
    open_case(clerk, application_id)
    expect(clerk.get_by_test_id("window-reason")).not_to_be_empty()
    expect(
        clerk.get_by_test_id("window-applicant").locator('[data-field="creditCode"]')
    ).to_have_text(APPLICANT["creditCode"])
    expect(clerk.get_by_test_id("window-form").locator('[data-field="venueName"]')).to_have_text(
        FORM["venueName"]
    )
    materials = clerk.get_by_test_id("task-materials").get_by_test_id("material")
    expect(materials).to_have_count(len(REQUIRED_MATERIALS))
    materials.first.get_by_test_id("material-preview-toggle").click()
    expect(clerk.get_by_test_id("material-preview-pdf")).to_be_visible()

    # When the clerk returns it: an entry without its reason is refused before sending
    clerk.get_by_test_id("window-outcome-return").check()
    rows = clerk.get_by_test_id("window-missing-row")
    expect(rows).to_have_count(1)
    (first_code, first_reason), (second_code, second_reason) = RETURNED
    rows.nth(0).get_by_test_id("window-missing-field").select_option(value=first_code)
    rows.nth(0).get_by_test_id("window-missing-reason").fill(first_reason)
    clerk.get_by_test_id("window-missing-add").click()
    expect(rows).to_have_count(2)
    rows.nth(1).get_by_test_id("window-missing-field").select_option(value=second_code)
    clerk.get_by_test_id("window-submit").click()
    expect(rows.nth(1).get_by_test_id("window-missing-reason-error")).to_be_visible()
    expect(rows.nth(1).get_by_test_id("window-missing-reason")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(rows.nth(0).get_by_test_id("window-missing-reason-error")).to_have_count(0)
    rows.nth(1).get_by_test_id("window-missing-reason").fill(second_reason)
    a11y.check(clerk, "window case, the return's one-time list")
    clerk.evaluate("window.scrollTo(0, 0)")
    rows.nth(0).evaluate("el => el.scrollIntoView({block: 'center'})")
    screenshot(clerk, "console-window-return", locale)
    clerk.get_by_test_id("window-submit").click()
    decided(clerk, "return")
    a11y.check(clerk, "window queue, a case returned")

    # Then the citizen reads the clerk's list, everything at once, on the case page
    wait_for_status(
        citizen,
        "RETURNED",
        f"case {application_id} returned by the clerk",
        also="awaiting_supplement",
    )
    notice = citizen.get_by_test_id("case-returned")
    listed = notice.get_by_test_id("case-missing").locator("li")
    expect(listed).to_have_count(len(RETURNED))
    for code, reason in RETURNED:
        entry = listed.and_(citizen.locator(f'[data-field="{code}"]'))
        expect(entry).to_contain_text(MATERIAL_NAMES[code][locale])
        expect(entry).to_contain_text(reason)
    a11y.check(citizen, "case page, returned by the window clerk")
    screenshot(citizen, "case-window-returned", locale)

    # When the citizen uploads what it names and resubmits
    for code, _ in RETURNED:
        upload(citizen, notice, code, tmp_path)
    notice.get_by_test_id("case-resubmit").click()
    expect(citizen.get_by_test_id("resubmit-error")).to_have_count(0)
    expect(citizen.get_by_test_id("case-returned")).to_have_count(0, timeout=20_000)

    # Then the case waits at the window again, and the clerk accepts it, the form's original checked
    wait_at_the_window(citizen, application_id)
    open_case(clerk, application_id)
    expect(clerk.get_by_test_id("task-materials").get_by_test_id("material")).to_have_count(
        len(REQUIRED_MATERIALS) + len(RETURNED)
    )
    clerk.get_by_test_id("window-outcome-accept").check()
    originals = clerk.get_by_test_id("window-originals")
    expect(originals).to_be_visible()
    original = clerk.get_by_test_id("window-original-APPLICATION_FORM")
    original.check()
    expect(original).to_be_checked()
    expect(clerk.get_by_test_id("window-original-COMMITMENT")).not_to_be_checked()
    a11y.check(clerk, "window case, accepting with an original checked")
    clerk.evaluate("window.scrollTo(0, 0)")
    screenshot(clerk, "console-window-accept", locale)
    clerk.get_by_test_id("window-submit").click()
    decided(clerk, "accept")
    expect(
        clerk.locator(f'[data-testid="window-row"][data-application-id="{application_id}"]')
    ).to_have_count(0)

    # And the case goes into approval, the clerk's check recorded
    wait_for_status(citizen, "IN_APPROVAL", f"case {application_id} accepted by the clerk")
    expect(citizen.get_by_test_id("case-at-window")).to_have_count(0)
    expect(citizen.get_by_test_id("case-clock")).to_be_visible()
    timeline = citizen.get_by_test_id("case-timeline")
    expect(timeline.locator('[data-action="at_window"]').first).to_be_attached()
    a11y.check(citizen, "case page, accepted at the window")
    case = api_get(web_system, token, f"/applications/{application_id}")
    clerk_decision = (case.get("acceptance") or {}).get("clerk") or {}
    assert clerk_decision.get("outcome") == "accept", readable(case.get("acceptance"))
    assert clerk_decision.get("checkedOriginals") == ["APPLICATION_FORM"], readable(clerk_decision)
    clerk_name = username_of(id_token_of(people["window"]))
    assert clerk_decision.get("decidedBy") == clerk_name, readable(clerk_decision)

    # When a second case is filed (over HTTP) and the clerk does not accept it
    refused_id = file_through_the_api(web_system, token, ITEM, {"mode": "pickup"})
    open_case(clerk, refused_id)
    clerk.get_by_test_id("window-outcome-not_accept").check()
    clerk.get_by_test_id("window-submit").click()
    expect(clerk.get_by_test_id("window-reason-text-error")).to_be_visible()
    reasons = clerk.get_by_test_id("window-reason-row")
    reasons.nth(0).get_by_test_id("window-reason-text").fill(REFUSAL[0])
    clerk.get_by_test_id("window-reason-add").click()
    reasons.nth(1).get_by_test_id("window-reason-text").fill(REFUSAL[1])
    a11y.check(clerk, "window case, not accepting with reasons")
    clerk.get_by_test_id("window-submit").click()
    decided(clerk, "not_accept")

    # Then the citizen reads the reasons in writing
    citizen.goto(f"/cases/{refused_id}")
    wait_for_status(citizen, "NOT_ACCEPTED", f"case {refused_id} not accepted by the clerk")
    written = citizen.get_by_test_id("case-reasons").locator("li")
    expect(written).to_have_text(list(REFUSAL))
    a11y.check(citizen, "case page, not accepted at the window")

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
