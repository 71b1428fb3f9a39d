"""电子监察 in a real browser, in Chinese and in English: a citizen files SD-KFQ-0010 (lead
POWER, co-departments WATER and URBAN; 5 promised working days, warned 2 before). The local
system's clock moves forward (POST /_local/clock, which runs the deadlines sweep) to just past
the water department's warning time: its officer's inbox and task page show the task due soon
(yellow). Then past the deadline: overdue (red) there, and the citizen's case page says plainly
that the case is past its promised deadline, its timeline the warning and the lateness. The
centre's supervisor lists the three late tasks on the supervision screen (without links: the
task page is the department's), the department filter leaves the water department's; the water
department's lead sees theirs and opens it; a plain officer has no supervision entry and may
not open the screen. axe-core checks each screen.

The clock only moves forward and the browser tier shares one system: each run files its own
case and reads its times from the API, never from today's date; the moves stay within the
case's own deadline (about a working week each run)."""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import DEPARTMENTS, ITEM
from tests.browser.support import Accessibility, poll, readable, screenshot
from tests.browser.test_journey import (
    CASE_TIMEOUT,
    NAMES,
    file_the_application,
    prefer_locale,
    sign_in,
)

WATER_NAME = {"zh": "水务集团", "en": "Water Supply Group"}
YELLOW = {"zh": "临近到期", "en": "Due soon"}
RED = {"zh": "已超期", "en": "Overdue"}
LATE_CASE = {"zh": "已超过承诺办结期限", "en": "Past its promised deadline"}
LABELS = {
    "deadline_warning": {"zh": "临近办理期限", "en": "Deadline near"},
    "review_overdue": {"zh": "审查超期", "en": "Review overdue"},
}
SUPERVISION = {"zh": "超期监察", "en": "Late tasks"}
HOUR = 1 / 24


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def move_clock_past(web_system: dict[str, str], moment: str) -> dict[str, Any]:
    """Moves the local system's time to an hour past `moment` (the gateway's clock control:
    not the API; it runs the deadlines sweep before it answers)."""
    control = web_system["WebUrl"] + "_local/clock"
    now = requests.get(control, timeout=15)
    assert now.status_code == 200, f"GET /_local/clock: {now.status_code} {now.text[:300]}"
    days = (parse(moment) - parse(now.json()["now"])).total_seconds() / 86400 + HOUR
    assert 0 < days <= 366, f"{moment} is not ahead of the system's {now.json()['now']}"
    moved = requests.post(control, json={"advanceDays": days}, timeout=120)
    assert moved.status_code == 200, f"POST /_local/clock: {moved.status_code} {moved.text[:300]}"
    body: dict[str, Any] = moved.json()
    assert parse(body["now"]) > parse(moment), readable(body)
    return body


def task_of(
    web_system: dict[str, str], token: str, application_id: str, page: Page
) -> dict[str, Any]:
    """The case's task in a department's inbox (GET /api/tasks, every page), once there."""

    def find() -> dict[str, Any] | None:
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            answer = requests.get(
                web_system["WebUrl"] + "api/tasks",
                headers={"Authorization": f"Bearer {token}"},
                params=params,
                timeout=15,
            )
            assert answer.status_code == 200, f"GET /tasks: {answer.status_code} {answer.text}"
            body = answer.json()
            for task in body["items"]:
                if task["applicationId"] == application_id:
                    return dict(task)
            cursor = body.get("nextCursor")
            if not cursor:
                return None

    found: dict[str, Any] = poll(
        find,
        timeout=CASE_TIMEOUT,
        interval_ms=1500,
        page=page,
        what=f"the task of {application_id} in the inbox",
    )
    return found


def staff_page(
    new_context: Callable[..., BrowserContext], email: str, password: str, locale: str
) -> Page:
    context = new_context(locale=locale)
    prefer_locale(context, locale)
    page = context.new_page()
    sign_in(page, email, password)
    return page


def inbox_row(page: Page, application_id: str) -> Locator:
    page.goto("/console/inbox")
    expect(page.get_by_test_id("inbox-table")).to_be_visible()
    return page.locator(f'[data-testid="inbox-row"][data-application-id="{application_id}"]')


def late_rows(page: Page, application_id: str) -> Locator:
    return page.locator(f'[data-testid="supervision-row"][data-application-id="{application_id}"]')


def late_departments(page: Page, application_id: str, want: int) -> set[str]:
    """The departments of the case's rows on the late list, paging on (longest late first, a
    page at a time) until `want` are seen: late tasks other tests left fill the first pages,
    and the case, the newest, comes last. Stops on the page that shows its last row."""
    seen: set[str] = set()
    settled = page.get_by_test_id("supervision-page").locator('[aria-busy="false"]')
    while True:
        expect(settled).to_have_count(1)
        expect(page.get_by_test_id("supervision-table")).to_be_visible()
        rows = late_rows(page, application_id)
        seen |= {rows.nth(n).get_attribute("data-department") or "" for n in range(rows.count())}
        following = page.get_by_test_id("supervision-next")
        if len(seen) >= want or not following.is_enabled():
            return seen
        top = page.get_by_test_id("supervision-row").first
        shown = top.get_attribute("data-task-id") or ""
        following.click()
        expect(top).not_to_have_attribute("data-task-id", shown)


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_warnings_turn_yellow_then_red_and_the_late_tasks_reach_supervisors_and_leads(
    locale: str,
    web_system: dict[str, str],
    people: dict[str, str],
    password: str,
    id_token_of: Callable[[str], str],
    browser_context: Callable[..., BrowserContext],
    a11y: Accessibility,
    axe_available: bool,
    tmp_path: Path,
    settle: list[str],
) -> None:
    # Given a case filed by the citizen for the joint connection, in approval
    citizen = staff_page(browser_context, people["citizen"], password, locale)
    citizen.goto(f"/catalog/{ITEM}")
    expect(citizen.get_by_test_id("guide-title")).to_have_text(NAMES[locale])
    application_id = file_the_application(citizen, locale, tmp_path, None)
    settle.append(application_id)  # decided after the test: the next run's lists hold none
    task = task_of(web_system, id_token_of(people["WATER"]), application_id, citizen)
    assert task["warning"] is None and task["warnAt"] < task["dueAt"], readable(task)

    # When the system's clock passes the water department's warning time
    move_clock_past(web_system, task["warnAt"])

    # Then its officer's inbox shows the task due soon, with its working days left
    water = staff_page(browser_context, people["WATER"], password, locale)
    row = inbox_row(water, application_id)
    expect(row).to_have_attribute("data-warning", "yellow")
    expect(row).to_have_attribute("data-overdue", "false")
    warning = row.get_by_test_id("inbox-warning")
    expect(warning).to_have_attribute("data-warning", "yellow")
    expect(warning).to_contain_text(YELLOW[locale])
    left = row.get_by_test_id("inbox-due").get_attribute("data-working-days")
    assert left is not None and 0 <= int(left) <= 2, left
    expect(row.get_by_test_id("inbox-due-paused")).to_have_count(0)
    a11y.check(water, "console inbox, a task due soon")
    screenshot(water, "console-inbox-warning", locale)
    # And its task page says so by the task's due time
    row.get_by_test_id("inbox-open").click()
    expect(water.get_by_test_id("task-application-id")).to_have_text(application_id)
    expect(water.get_by_test_id("task-warning")).to_have_attribute("data-warning", "yellow")
    expect(water.get_by_test_id("task-warning")).to_contain_text(YELLOW[locale])

    # And a plain officer has no supervision screen
    expect(water.get_by_test_id("console-nav-inbox-WATER")).to_be_visible()
    expect(water.get_by_test_id("console-nav-supervision")).to_have_count(0)
    water.goto("/console/supervision")
    expect(water.get_by_test_id("go-home")).to_be_visible()

    # When the clock passes the deadline
    move_clock_past(web_system, task["dueAt"])

    # Then the inbox shows it overdue
    row = inbox_row(water, application_id)
    expect(row).to_have_attribute("data-warning", "red")
    expect(row).to_have_attribute("data-overdue", "true")
    expect(row.get_by_test_id("inbox-warning")).to_contain_text(RED[locale])
    expect(row.get_by_test_id("inbox-due-overdue")).to_be_visible()
    a11y.check(water, "console inbox, a task overdue")
    screenshot(water, "console-inbox-overdue", locale)

    # And the citizen reads plainly that the case is past its promised deadline
    citizen.goto(f"/cases/{application_id}")
    late = citizen.get_by_test_id("case-overdue")
    expect(late).to_be_visible()
    expect(late).to_contain_text(LATE_CASE[locale])
    expect(citizen.get_by_test_id("case-due-overdue")).to_be_visible()
    timeline = citizen.get_by_test_id("case-timeline")
    for action, label in LABELS.items():
        events = timeline.locator(f'[data-action="{action}"]')
        expect(events).to_have_count(len(DEPARTMENTS))
        expect(events.first).to_contain_text(label[locale])
    expect(
        timeline.locator('[data-action="deadline_warning"]').filter(has_text=WATER_NAME[locale])
    ).to_have_count(1)
    a11y.check(citizen, "case page, past its promised deadline")
    screenshot(citizen, "case-overdue", locale)

    # When the centre's supervisor opens the console: the supervision screen
    supervisor = staff_page(browser_context, people["supervisor"], password, locale)
    supervisor.goto("/console")
    supervisor.wait_for_url("**/console/supervision")
    expect(supervisor.get_by_test_id("console-nav-supervision")).to_have_attribute(
        "aria-current", "page"
    )
    expect(supervisor.get_by_role("heading", level=1)).to_contain_text(SUPERVISION[locale])
    expect(supervisor.get_by_test_id("supervision-table")).to_be_visible()

    # Then every department's late task of the case is listed, none linked to a task page
    listed = late_departments(supervisor, application_id, len(DEPARTMENTS))
    assert listed == set(DEPARTMENTS), listed
    rows = late_rows(supervisor, application_id)
    expect(rows.get_by_test_id("supervision-open")).to_have_count(0)
    expect(rows.get_by_test_id("supervision-no-link")).to_have_count(rows.count())
    a11y.check(supervisor, "supervision, every department")
    screenshot(supervisor, "console-supervision", locale)

    # When the supervisor picks the water department: only its task remains
    supervisor.get_by_label("部门" if locale == "zh" else "Department", exact=True).select_option(
        "WATER"
    )
    supervisor.wait_for_url("**/console/supervision?department=WATER")
    expect(supervisor.get_by_role("heading", level=1)).to_contain_text(WATER_NAME[locale])
    assert late_departments(supervisor, application_id, 1) == {"WATER"}
    expect(late_rows(supervisor, application_id)).to_have_count(1)
    expect(late_rows(supervisor, application_id)).to_have_attribute("data-department", "WATER")
    every = supervisor.get_by_test_id("supervision-row")
    assert {every.nth(n).get_attribute("data-department") for n in range(every.count())} == {
        "WATER"
    }
    a11y.check(supervisor, "supervision, one department")

    # And the water department's lead sees their department's, and opens it
    lead = staff_page(browser_context, people["lead-WATER"], password, locale)
    lead.goto("/console/inbox")
    lead.get_by_test_id("console-nav-supervision").click()
    lead.wait_for_url("**/console/supervision")
    expect(lead.get_by_role("heading", level=1)).to_contain_text(WATER_NAME[locale])
    expect(lead.get_by_test_id("supervision-department")).to_have_count(0)
    assert late_departments(lead, application_id, 1) == {"WATER"}
    mine = late_rows(lead, application_id)
    expect(mine).to_have_count(1)
    expect(mine).to_have_attribute("data-department", "WATER")
    expect(mine).to_have_attribute("data-task-id", task["taskId"])
    a11y.check(lead, "supervision, a department's lead")
    mine.get_by_test_id("supervision-open").click()
    expect(lead.get_by_test_id("task-application-id")).to_have_text(application_id)
    expect(lead.get_by_test_id("task-warning")).to_have_attribute("data-warning", "red")
    expect(lead.get_by_test_id("task-warning")).to_contain_text(RED[locale])
    a11y.check(lead, "console task, overdue")

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
