"""The officers' inbox in a real browser, in Chinese and in English: three cases of SD-KFQ-0010
(lead POWER, co-departments WATER and URBAN) filed over HTTP wait on the water department. One
water officer claims the first from the inbox; a colleague sees it held by them, without a claim
button, and its task page says who may decide it; the department's lead reassigns it to the
colleague from the task page. The first officer selects all three and approves the selection:
the results dialog lists two approved and the held one refused with the API's reason, and the
inbox no longer lists the two. The colleague, now holding the first, asks the applicant for a
supplement with a one-time list from the time-limits panel; the clock stops, the panel shows the
list and its due date; on the case page the citizen reads it, uploads what it names and submits
it; the clock runs again and the request shows as answered on both sides. The officer delegates
to the colleague while away, then ends it. axe-core checks each screen. The cases are concluded
over HTTP at the end (the browser tier shares one system: nothing here is left to go late)."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import DEPARTMENTS, ITEM
from tests.browser.support import (
    DESKTOP,
    Accessibility,
    decide_through_the_api,
    file_through_the_api,
    poll,
    readable,
    screenshot,
    username_of,
)
from tests.browser.test_journey import CASE_TIMEOUT, api_get, prefer_locale, sign_in
from tests.browser.test_supplement import upload

YOU = {"zh": "由您办理中", "en": "Held by you"}
# The API's user names are opaque ids under the e-mail sign-in (cognito:username): another
# officer's hold is worded without it (the id is in data-holder and the title).
HELD_BY_OTHER = {"zh": "由其他工作人员办理中", "en": "Held by another officer"}
SUPPLEMENT = ("PROPERTY_PROOF", "产权证明页码不全，请补充第3页")
PROPERTY_PROOF = {
    "zh": "用电用水地址产权证明或租赁合同",
    "en": "Property title or lease of the supply address",
}
SUPPLIED = {"zh": "申请人已补正", "en": "The applicant supplied it"}


def staff_page(
    new_context: Callable[..., BrowserContext],
    email: str,
    password: str,
    locale: str,
    viewport: dict[str, int] = DESKTOP,
) -> Page:
    context = new_context(locale=locale, viewport=viewport)
    prefer_locale(context, locale)
    page = context.new_page()
    sign_in(page, email, password)
    return page


def row_of(page: Page, application_id: str) -> Locator:
    return page.locator(f'[data-testid="inbox-row"][data-application-id="{application_id}"]')


def inbox_with(page: Page, application_ids: list[str]) -> None:
    """The inbox, reloaded until every one of the cases' tasks is listed."""
    page.goto("/console/inbox")

    def listed() -> bool:
        page.reload()
        expect(
            page.get_by_test_id("inbox-table").or_(page.get_by_test_id("inbox-empty"))
        ).to_be_visible()
        return all(row_of(page, a).count() for a in application_ids)

    poll(
        listed,
        timeout=CASE_TIMEOUT,
        interval_ms=1500,
        page=page,
        what=f"the tasks of {application_ids} in the inbox",
    )


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_officers_hold_reassign_and_batch_decide_and_ask_for_a_supplement_mid_approval(
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
    officer_name, colleague_name, lead_name = (
        username_of(id_token_of(people[role])) for role in ("WATER", "WATER-2", "lead-WATER")
    )
    token = id_token_of(people["citizen"])
    # Given three similar cases waiting on the water department
    cases = [
        file_through_the_api(web_system, token, ITEM, {"mode": "electronic"}) for _ in range(3)
    ]
    held, second, third = cases
    held_task = f"{held}-WATER"

    officer = staff_page(browser_context, people["WATER"], password, locale)
    inbox_with(officer, cases)

    # When one officer claims the first from the inbox
    row = row_of(officer, held)
    expect(row.get_by_test_id("inbox-holder")).to_have_attribute("data-holder", "")
    row.get_by_test_id("inbox-claim").click()

    # Then the inbox says they hold it, and they may release it
    expect(row.get_by_test_id("inbox-holder")).to_have_attribute("data-holder", officer_name)
    expect(row.get_by_test_id("inbox-holder")).to_have_text(YOU[locale])
    expect(row.get_by_test_id("inbox-release")).to_be_visible()
    expect(row.get_by_test_id("inbox-claim")).to_have_count(0)
    expect(officer.get_by_test_id("inbox-action-notice")).to_contain_text(held)
    a11y.check(officer, "console inbox, a task claimed")
    screenshot(officer, "console-inbox-claimed", locale)

    # And a colleague sees who holds it, and cannot claim or release it
    colleague = staff_page(browser_context, people["WATER-2"], password, locale)
    inbox_with(colleague, [held])
    theirs = row_of(colleague, held)
    expect(theirs).to_have_attribute("data-holder", officer_name)
    expect(theirs.get_by_test_id("inbox-holder")).to_have_text(HELD_BY_OTHER[locale])
    expect(theirs.get_by_test_id("inbox-claim")).to_have_count(0)
    expect(theirs.get_by_test_id("inbox-release")).to_have_count(0)
    # And its task page names the holder and who may decide it; no assignment for an officer
    theirs.get_by_test_id("inbox-open").click()
    expect(colleague.get_by_test_id("task-application-id")).to_have_text(held)
    expect(colleague.get_by_test_id("task-holder")).to_have_attribute("data-holder", officer_name)
    expect(colleague.get_by_test_id("decision-held")).to_be_visible()
    expect(colleague.get_by_test_id("task-claim")).to_have_count(0)
    expect(colleague.get_by_test_id("task-assign-form")).to_have_count(0)

    # When the department's lead reassigns it to the colleague from the task page
    lead = staff_page(browser_context, people["lead-WATER"], password, locale)
    lead.goto(f"/console/tasks/{held_task}")
    expect(lead.get_by_test_id("task-holder")).to_have_attribute("data-holder", officer_name)
    expect(lead.get_by_test_id("task-release")).to_be_visible()  # a lead may release it
    lead.get_by_test_id("task-assign-submit").click()
    expect(lead.get_by_test_id("task-assign-error")).to_be_visible()
    lead.get_by_test_id("task-assign-input").fill(colleague_name)
    lead.get_by_test_id("task-assign-submit").click()

    # Then the colleague holds it, assigned by the lead
    expect(lead.get_by_test_id("task-holder")).to_have_attribute("data-holder", colleague_name)
    expect(lead.get_by_test_id("task-assigned-by")).to_be_visible()
    expect(lead.get_by_test_id("task-hold-notice")).to_contain_text(colleague_name)
    expect(lead.get_by_test_id("decision-held")).to_have_count(0)  # a lead decides any
    assigned = api_get(web_system, id_token_of(people["WATER"]), f"/tasks/{held_task}")["task"]
    assert (assigned["claimedBy"], assigned["assignedBy"]) == (colleague_name, lead_name), readable(
        assigned
    )
    a11y.check(lead, "console task, a lead's assignment")
    lead.get_by_test_id("task-summary").evaluate("el => el.scrollIntoView({block: 'center'})")
    screenshot(lead, "console-task-assigned", locale)

    # When the first officer selects the three and approves them at once
    officer.reload()
    for application_id in cases:
        row_of(officer, application_id).get_by_test_id("inbox-select").check()
    expect(officer.get_by_test_id("batch-count")).to_have_attribute("data-count", "3")
    # (rejecting needs the comment: refused before anything is sent)
    officer.get_by_test_id("batch-reject").click()
    expect(officer.get_by_test_id("batch-comment-error")).to_be_visible()
    officer.get_by_test_id("batch-comment").fill(
        "材料齐全，同意。" if locale == "zh" else "Materials complete; approved."
    )
    a11y.check(officer, "console inbox, three selected")
    officer.get_by_test_id("batch-approve").click()

    # Then the results list each task's outcome: two approved, the held one refused with why
    results = officer.get_by_test_id("batch-results")
    expect(results).to_be_visible()
    expect(results).to_have_attribute("data-succeeded", "2")
    expect(results).to_have_attribute("data-failed", "1")
    refused = results.locator(f'[data-testid="batch-result"][data-task-id="{held_task}"]')
    expect(refused).to_have_attribute("data-ok", "false")
    expect(refused).to_have_attribute("data-status", "409")
    expect(refused.get_by_test_id("batch-result-message")).to_contain_text(colleague_name)
    for application_id in (second, third):
        ok = results.locator(f'[data-testid="batch-result"][data-task-id="{application_id}-WATER"]')
        expect(ok).to_have_attribute("data-ok", "true")
    # (axe reads the dialog once its fade-in is over)
    officer.wait_for_function(
        "() => !document.querySelector('.dialog-fade-enter-active, .dialog-fade-enter-from')"
    )
    a11y.check(officer, "console inbox, batch results")
    screenshot(officer, "console-batch-results", locale)
    officer.get_by_test_id("batch-results-close").click()
    expect(results).to_be_hidden()

    # And the inbox lists the held one only, still selected
    expect(row_of(officer, second)).to_have_count(0)
    expect(row_of(officer, third)).to_have_count(0)
    expect(row_of(officer, held)).to_have_attribute("data-holder", colleague_name)
    expect(row_of(officer, held).get_by_test_id("inbox-select")).to_be_checked()
    water_token = id_token_of(people["WATER"])
    for application_id in (second, third):
        review = api_get(web_system, water_token, f"/tasks/{application_id}-WATER")
        assert review["task"]["status"] != "PENDING", readable(review["task"])

    # When the colleague, holding it, asks the applicant for a supplement from the time limits
    colleague.reload()
    panel = colleague.get_by_test_id("clock-panel")
    expect(panel).to_have_attribute("data-paused", "false")
    form = colleague.get_by_test_id("clock-supplement-form")
    code, reason = SUPPLEMENT
    entry = form.get_by_test_id("clock-supplement-row")
    expect(entry).to_have_count(1)
    entry.get_by_test_id("clock-supplement-field").select_option(value=code)
    form.get_by_test_id("clock-supplement-submit").click()
    expect(entry.get_by_test_id("clock-supplement-reason-error")).to_be_visible()
    entry.get_by_test_id("clock-supplement-reason").fill(reason)
    a11y.check(colleague, "console task, the supplement's one-time list")
    form.get_by_test_id("clock-supplement-submit").click()

    # Then the clock stops; the panel shows the list and its due date
    expect(colleague.get_by_test_id("clock-notice")).to_be_visible()
    expect(panel).to_have_attribute("data-paused", "true")
    banner = colleague.get_by_test_id("clock-paused")
    expect(banner).to_have_attribute("data-department", "WATER")
    asked = banner.get_by_test_id("clock-supplement-missing").locator("li")
    expect(asked).to_have_count(1)
    expect(asked).to_have_attribute("data-field", code)
    expect(asked).to_contain_text(PROPERTY_PROOF[locale])
    expect(asked).to_contain_text(reason)
    expect(banner.get_by_test_id("clock-supplement-due")).to_have_attribute(
        "data-due", re.compile(r"^\d{4}-")
    )
    expect(colleague.get_by_test_id("clock-supplement-form")).to_have_count(0)
    expect(colleague.get_by_test_id("clock-supplement-open")).to_be_visible()
    expect(colleague.get_by_test_id("task-due-paused")).to_be_visible()
    a11y.check(colleague, "console task, a supplement asked")
    panel.evaluate("el => el.scrollIntoView({block: 'start'})")
    screenshot(colleague, "console-supplement-requested", locale)

    # And the citizen reads the department's list on the case page, the clock stopped
    citizen = staff_page(browser_context, people["citizen"], password, locale)
    citizen.goto(f"/cases/{held}")
    notice = citizen.get_by_test_id("case-supplement")
    expect(notice).to_be_visible()
    expect(notice).to_have_attribute("data-department", "WATER")
    expect(citizen.get_by_test_id("case-page")).to_have_attribute("data-status", "IN_APPROVAL")
    expect(citizen.get_by_test_id("case-clock")).to_have_attribute("data-paused", "true")
    wanted = notice.get_by_test_id("case-missing").locator("li")
    expect(wanted).to_have_count(1)
    expect(wanted).to_have_attribute("data-field", code)
    expect(wanted).to_contain_text(PROPERTY_PROOF[locale])
    expect(notice.get_by_test_id("case-supplement-due")).to_be_visible()
    # Only what was asked for is offered for upload
    expect(notice.get_by_test_id("material-APPLICATION_FORM")).to_have_count(0)
    a11y.check(citizen, "case page, a supplement asked in approval")
    notice.evaluate("el => el.scrollIntoView({block: 'start'})")
    screenshot(citizen, "case-supplement-requested", locale)

    # When the citizen uploads it and submits the supplement
    upload(citizen, notice, code, tmp_path)
    notice.get_by_test_id("case-resubmit").click()

    # Then the clock runs again and the request shows as answered
    expect(citizen.get_by_test_id("case-supplement")).to_have_count(0, timeout=20_000)
    expect(citizen.get_by_test_id("resubmit-error")).to_have_count(0)
    answered = citizen.get_by_test_id("case-supplement-answered")
    expect(answered).to_be_visible()
    expect(answered.get_by_test_id("case-supplement-answer")).to_have_attribute(
        "data-department", "WATER"
    )
    expect(citizen.get_by_test_id("case-clock")).to_have_attribute("data-paused", "false")
    expect(citizen.get_by_test_id("case-page")).to_have_attribute("data-status", "IN_APPROVAL")
    timeline = citizen.get_by_test_id("case-timeline")
    for action in ("supplement_requested", "supplemented"):
        expect(timeline.locator(f'[data-action="{action}"]').first).to_be_attached()
    a11y.check(citizen, "case page, a supplement answered")

    colleague.reload()
    expect(panel).to_have_attribute("data-paused", "false")
    expect(colleague.get_by_test_id("clock-paused")).to_have_count(0)
    history = colleague.locator('[data-testid="clock-history-pause"][data-kind="supplement"]')
    expect(history).to_have_attribute("data-open", "false")
    expect(history.get_by_test_id("clock-history-outcome")).to_have_text(SUPPLIED[locale])
    expect(history.get_by_test_id("clock-history-missing")).to_contain_text(reason)
    expect(colleague.get_by_test_id("clock-supplement-form")).to_be_visible()
    case = api_get(web_system, token, f"/applications/{held}")
    (pause,) = [p for p in case["clock"]["pauses"] if p["kind"] == "supplement"]
    assert pause["outcome"] == "supplemented" and not case["clock"]["paused"], readable(pause)

    # When the first officer, going away, delegates to the colleague and later ends it
    officer.get_by_test_id("console-nav-delegation").click()
    officer.wait_for_url("**/console/delegation")
    expect(officer.get_by_test_id("delegation-none")).to_be_visible()
    expect(officer.get_by_test_id("delegation-username")).to_have_text(officer_name)
    officer.get_by_test_id("delegation-delegate").fill(officer_name)
    officer.get_by_test_id("delegation-submit").click()
    expect(officer.get_by_test_id("delegation-delegate-error")).to_be_visible()
    officer.get_by_test_id("delegation-delegate").fill(colleague_name)
    officer.get_by_test_id("delegation-reason").fill("年休假" if locale == "zh" else "Annual leave")
    officer.get_by_test_id("delegation-submit").click()
    current = officer.get_by_test_id("delegation-current")
    expect(current).to_have_attribute("data-delegate", colleague_name)
    expect(current).to_have_attribute("data-department", "WATER")
    a11y.check(officer, "console delegation, in force")
    screenshot(officer, "console-delegation", locale)
    officer.reload()
    expect(officer.get_by_test_id("delegation-current")).to_have_attribute(
        "data-delegate", colleague_name
    )
    officer.get_by_test_id("delegation-end").click()
    expect(officer.get_by_test_id("delegation-none")).to_be_visible()
    expect(officer.get_by_test_id("delegation-notice")).to_be_visible()

    # Tidy: the cases are concluded, so that no later test's late lists count them
    for department in DEPARTMENTS:
        decider = id_token_of(people["lead-WATER"] if department == "WATER" else people[department])
        for application_id in cases:
            if department == "WATER" and application_id != held:
                continue
            decide_through_the_api(web_system, decider, f"{application_id}-{department}")

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
