"""The case's clock in a real browser: a citizen files SD-KFQ-0010 (lead POWER, co-departments
WATER and URBAN; the item lists an on-site inspection of 2 working days that is not counted
in the time limit). The water department's officer starts the inspection from the task page
with a reason and sees the clock stopped there and in the inbox; the citizen's case page says
so, with the reason; the officer ends it. The power company's officer, the lead department,
extends the case by 5 working days and both clocks' remaining days go up by 5; a second
extension from a page still showing the form is refused with the API's reason; a co-department
sees no extension form. axe-core checks the task page with its time-limits panel and the case
page."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import ITEM
from tests.browser.support import Accessibility, poll, readable, screenshot
from tests.browser.test_journey import (
    CASE_TIMEOUT,
    NAMES,
    api_get,
    file_the_application,
    prefer_locale,
    sign_in,
)

WATER_NAME = {"zh": "水务集团", "en": "Water Supply Group"}
POWER_NAME = {"zh": "国网供电公司", "en": "State Grid Power Supply Company"}
INSPECTION = {"zh": "现场勘查", "en": "On-site survey"}  # the item's own name for it
NOT_COUNTED = {"zh": "不计入办理时限", "en": "not counted in the time limit"}
LABELS = {
    "special_procedure_started": {"zh": "启动特别程序", "en": "Special procedure started"},
    "special_procedure_ended": {"zh": "特别程序结束", "en": "Special procedure ended"},
    "extended": {"zh": "延长办理时限", "en": "Time limits extended"},
}
REASON = "需现场核查供水管网接入条件"
OUTCOME = "现场具备接入条件，可以接水"
EXTENSION_REASON = "需协调配电网改造方案，延期五个工作日"
EXTENSION_DAYS = 5


def open_task(
    new_context: Callable[..., BrowserContext],
    email: str,
    password: str,
    application_id: str,
    locale: str,
) -> Page:
    """An officer signed in, the case's task open from their inbox (once it is there)."""
    context = new_context(locale=locale)
    prefer_locale(context, locale)
    page = context.new_page()
    sign_in(page, email, password)
    page.goto("/console/inbox")
    row = inbox_row(page, application_id)

    def listed() -> bool:
        if row.count():
            return True
        page.reload()
        expect(
            page.get_by_test_id("inbox-table").or_(page.get_by_test_id("inbox-empty"))
        ).to_be_visible()
        return bool(row.count())

    poll(
        listed,
        timeout=CASE_TIMEOUT,
        interval_ms=1500,
        page=page,
        what=f"{email}: the task of {application_id} in the inbox",
    )
    row.get_by_test_id("inbox-open").click()
    expect(page.get_by_test_id("task-application-id")).to_have_text(application_id)
    expect(page.get_by_test_id("clock-panel")).to_be_visible()
    return page


def inbox_row(page: Page, application_id: str) -> Locator:
    return page.locator(f'[data-testid="inbox-row"][data-application-id="{application_id}"]')


def show(section: Locator) -> None:
    """Scrolls a section to the top of the viewport (what the screenshot shows)."""
    section.evaluate("el => el.scrollIntoView({block: 'start'})")


def remaining(page: Page, prefix: str, clock: str) -> int:
    value = page.get_by_test_id(f"{prefix}-{clock}").get_attribute("data-remaining")
    assert value is not None and value.lstrip("-").isdigit(), value
    return int(value)


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_special_procedure_stops_the_clock_and_the_lead_department_extends_it(
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
    # Given a case filed by the citizen for the joint connection
    citizen_context = browser_context(locale=locale)
    prefer_locale(citizen_context, locale)
    citizen = citizen_context.new_page()
    sign_in(citizen, people["citizen"], password)
    citizen.goto(f"/catalog/{ITEM}")
    expect(citizen.get_by_test_id("guide-title")).to_have_text(NAMES[locale])
    application_id = file_the_application(citizen, locale, tmp_path, None)
    token = id_token_of(people["citizen"])

    # When the water department's officer opens its task: both clocks run, nothing held
    water = open_task(browser_context, people["WATER"], password, application_id, locale)
    panel = water.get_by_test_id("clock-panel")
    expect(panel).to_have_attribute("data-paused", "false")
    expect(water.get_by_test_id("clock-paused")).to_have_count(0)
    expect(water.get_by_test_id("clock-history-empty")).to_be_visible()
    # A co-department grants no extension: it is told who does
    expect(water.get_by_test_id("clock-extend-form")).to_have_count(0)
    expect(water.get_by_test_id("clock-extend-lead-only")).to_contain_text(POWER_NAME[locale])

    # The reason is required before anything is sent
    start_form = water.get_by_test_id("clock-start-form")
    kind = water.get_by_test_id("clock-start-kind")
    expect(kind.locator("option[value=inspection]")).to_contain_text(INSPECTION[locale])
    kind.select_option(value="inspection")
    water.get_by_test_id("clock-start-submit").click()
    expect(water.get_by_test_id("clock-start-reason-error")).to_be_visible()
    expect(water.get_by_test_id("clock-start-reason")).to_have_attribute("aria-invalid", "true")

    # When it starts the inspection with a reason
    water.get_by_test_id("clock-start-reason").fill(REASON)
    water.get_by_test_id("clock-start-submit").click()

    # Then the panel says the clock is stopped: which procedure, whose, why
    expect(water.get_by_test_id("clock-notice")).to_be_visible()
    expect(panel).to_have_attribute("data-paused", "true")
    banner = water.get_by_test_id("clock-paused")
    expect(banner).to_have_count(1)
    expect(banner).to_have_attribute("data-department", "WATER")
    expect(banner).to_contain_text(INSPECTION[locale])
    expect(banner).to_contain_text(WATER_NAME[locale])
    expect(banner.get_by_test_id("clock-paused-reason")).to_contain_text(REASON)
    expect(start_form).to_have_count(0)
    expect(water.get_by_test_id("clock-end-form")).to_be_visible()
    expect(water.get_by_test_id("task-due-paused")).to_be_visible()
    history = water.get_by_test_id("clock-history-pause")
    expect(history).to_have_attribute("data-open", "true")
    expect(history).to_contain_text(NOT_COUNTED[locale])
    a11y.check(water, "console task, clock stopped")
    show(panel)
    screenshot(water, "console-clock-paused", locale)

    # And the inbox tags the task as stopped
    water.get_by_test_id("task-back").click()
    row = inbox_row(water, application_id)
    expect(row).to_have_attribute("data-paused", "true")
    expect(row.get_by_test_id("inbox-due-paused")).to_be_visible()
    a11y.check(water, "console inbox, a task stopped")
    screenshot(water, "console-inbox-paused", locale)

    # And the citizen's case page says why, and that it is not counted
    citizen.goto(f"/cases/{application_id}")
    notice = citizen.get_by_test_id("case-clock-paused")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(INSPECTION[locale])
    expect(notice).to_contain_text(WATER_NAME[locale])
    expect(notice.get_by_test_id("case-clock-reason")).to_contain_text(REASON)
    expect(notice.get_by_test_id("case-clock-not-counted")).to_contain_text(NOT_COUNTED[locale])
    started = citizen.get_by_test_id("case-timeline").locator(
        '[data-action="special_procedure_started"]'
    )
    expect(started).to_contain_text(LABELS["special_procedure_started"][locale])
    a11y.check(citizen, "case page, clock stopped")
    show(citizen.get_by_test_id("case-clock"))
    screenshot(citizen, "case-clock-paused", locale)

    # When the water department ends its inspection (an outcome is required)
    row.get_by_test_id("inbox-open").click()
    water.get_by_test_id("clock-end-submit").click()
    expect(water.get_by_test_id("clock-end-outcome-error")).to_be_visible()
    water.get_by_test_id("clock-end-outcome").fill(OUTCOME)
    water.get_by_test_id("clock-end-submit").click()

    # Then the clock runs again and the history keeps who did what and why
    expect(panel).to_have_attribute("data-paused", "false")
    expect(water.get_by_test_id("clock-paused")).to_have_count(0)
    expect(history).to_have_attribute("data-open", "false")
    expect(history.get_by_test_id("clock-history-outcome")).to_have_text(OUTCOME)
    expect(water.get_by_test_id("clock-start-form")).to_be_visible()  # it may start another

    # When the power company, the lead department, opens its task (in two browsers)
    power = open_task(browser_context, people["POWER"], password, application_id, locale)
    stale = open_task(browser_context, people["POWER"], password, application_id, locale)
    extend_form = power.get_by_test_id("clock-extend-form")
    expect(extend_form).to_be_visible()
    expect(power.get_by_test_id("clock-paused")).to_have_count(0)
    promised, statutory = (remaining(power, "clock", c) for c in ("promised", "statutory"))

    # More than the law allows is refused before anything is sent
    power.get_by_test_id("clock-extend-days").fill("16")
    power.get_by_test_id("clock-extend-reason").fill(EXTENSION_REASON)
    power.get_by_test_id("clock-extend-submit").click()
    expect(power.get_by_test_id("clock-extend-days-error")).to_be_visible()

    # When it extends the case by 5 working days
    power.get_by_test_id("clock-extend-days").fill(str(EXTENSION_DAYS))
    power.get_by_test_id("clock-extend-submit").click()

    # Then both clocks have 5 more working days, and the form says why it is gone
    expect(power.get_by_test_id("clock-notice")).to_be_visible()
    expect(power.get_by_test_id("clock-promised")).to_have_attribute(
        "data-remaining", str(promised + EXTENSION_DAYS)
    )
    expect(power.get_by_test_id("clock-statutory")).to_have_attribute(
        "data-remaining", str(statutory + EXTENSION_DAYS)
    )
    expect(extend_form).to_have_count(0)
    expect(power.get_by_test_id("clock-extend-closed")).to_have_attribute("data-reason", "extended")
    extension = power.get_by_test_id("clock-history-extension")
    expect(extension).to_have_attribute("data-days", str(EXTENSION_DAYS))
    expect(extension).to_contain_text(EXTENSION_REASON)
    expect(power.get_by_test_id("clock-history-pause")).to_contain_text(OUTCOME)
    a11y.check(power, "console task, clock extended")
    show(power.get_by_test_id("clock-panel"))
    screenshot(power, "console-clock-extended", locale)

    # And the other browser, still showing the form, is told why the API refused a second one
    stale.get_by_test_id("clock-extend-days").fill("3")
    stale.get_by_test_id("clock-extend-reason").fill("再延期三个工作日")
    stale.get_by_test_id("clock-extend-submit").click()
    expect(stale.get_by_test_id("clock-conflict")).to_contain_text("one extension")
    expect(stale.get_by_test_id("clock-extend-form")).to_have_count(0)
    expect(stale.get_by_test_id("clock-extend-closed")).to_have_attribute("data-reason", "extended")
    expect(stale.get_by_test_id("clock-promised")).to_have_attribute(
        "data-remaining", str(promised + EXTENSION_DAYS)
    )
    a11y.check(stale, "console task, a second extension refused")

    # And a co-department still sees no extension form
    water.reload()
    expect(water.get_by_test_id("clock-panel")).to_be_visible()
    expect(water.get_by_test_id("clock-extend-form")).to_have_count(0)
    expect(water.get_by_test_id("clock-extend-lead-only")).to_be_visible()
    expect(water.get_by_test_id("clock-promised")).to_have_attribute(
        "data-remaining", str(promised + EXTENSION_DAYS)
    )

    # And the citizen reads the extension and its reason, the clock running again
    citizen.reload()
    expect(citizen.get_by_test_id("case-clock-paused")).to_have_count(0)
    granted = citizen.get_by_test_id("case-clock-extension")
    expect(granted).to_have_attribute("data-days", str(EXTENSION_DAYS))
    expect(granted).to_contain_text(POWER_NAME[locale])
    expect(granted.get_by_test_id("case-clock-extension-reason")).to_contain_text(EXTENSION_REASON)
    expect(citizen.get_by_test_id("case-clock-promised")).to_have_attribute(
        "data-remaining", str(promised + EXTENSION_DAYS)
    )
    expect(citizen.get_by_test_id("case-clock-procedures")).to_contain_text(OUTCOME)
    timeline = citizen.get_by_test_id("case-timeline")
    for action, label in LABELS.items():
        expect(timeline.locator(f'[data-action="{action}"]').first).to_contain_text(label[locale])
    a11y.check(citizen, "case page, clock extended")
    show(citizen.get_by_test_id("case-clock"))
    screenshot(citizen, "case-clock-extended", locale)

    case = api_get(web_system, token, f"/applications/{application_id}")
    clock = case["clock"]
    assert clock["extensionDays"] == EXTENSION_DAYS and not clock["paused"], readable(clock)
    (pause,) = clock["pauses"]
    assert pause["procedure"] == "inspection" and pause["outcome"] == OUTCOME, readable(pause)

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
