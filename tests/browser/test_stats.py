"""The public performance page (办件效能公示, /stats) in a real browser, in Chinese and in
English. Two cases of SD-KFQ-0008 (the ecology and environment sub-bureau alone; no other
browser test files it) are filed over HTTP and decided by the sub-bureau's officer, one
approved, one rejected, the day they were filed. An anonymous visitor opens the page from the
header: the item's row shows two more accepted and concluded (one each way) and its on-time
rate; by department, the sub-bureau's two more reviews and every department with figures;
for the current month the same figures, without "overdue now" (a current figure, said so);
a month with no cases says there are no figures. At phone width the rows are readable cards.
axe-core checks each view.

The system counts figures from the table's stream just after each change (locally, after
each invocation): the page is reloaded until the figures show, never a fixed sleep. The
other browser tests share the system, so the figures are asserted as those read before
plus what this test adds."""

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import requests
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import _aws
from tests.browser.support import (
    PHONE,
    Accessibility,
    file_through_the_api,
    poll,
    readable,
    screenshot,
)
from tests.browser.test_journey import prefer_locale
from tests.browser.test_supervision import parse, task_of

ITEM_ID = "SD-KFQ-0008"  # 建设项目环境影响登记表备案: ECOENV alone, promised 1 working day
DEPARTMENT = "ECOENV"
ITEM_NAME = {
    "zh": "建设项目环境影响登记表备案",
    "en": "Environmental impact registration form filing",
}
DEPARTMENT_NAME = {"zh": "生态环境分局", "en": "Ecology and Environment Sub-bureau"}
TITLE = {"zh": "办件效能公示", "en": "Service performance"}
PERIOD = {"zh": "统计期间", "en": "Period"}
BY_ITEM = {"zh": "按事项", "en": "By service item"}
BY_DEPARTMENT = {"zh": "按部门", "en": "By department"}
ALL_TIME = {"zh": "全部（累计）", "en": "All time"}
THIS_MONTH = {"zh": "{month}（本月）", "en": "{month} (this month)"}
NOT_ACCEPTED = {"zh": "不予受理 {n}", "en": "Not accepted {n}"}
ITEM_OUTCOMES = {
    "zh": "准予 {approved} · 不予 {rejected}",
    "en": "Approved {approved} · rejected {rejected}",
}
REVIEW_OUTCOMES = {
    "zh": "同意 {approved} · 不同意 {rejected}",
    "en": "Approved {approved} · rejected {rejected}",
}
OVERDUE_HEADER = {"zh": "当前超期", "en": "Overdue now"}
EMPTY_MONTH = {"zh": "{month}暂无公示数据。", "en": "No figures for {month}."}
HOW = {"zh": "承诺时限", "en": "promised time limit"}
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
COUNTS = ("accepted", "notAccepted", "concluded", "approved", "rejected", "onTime")
DEPARTMENT_COUNTS = ("decided", "approved", "rejected", "onTime")
SHANGHAI = timezone(timedelta(hours=8))
FIGURES_TIMEOUT = 120  # the workflow runs each case through acceptance, review and issuance


@pytest.fixture(scope="module")
def ecoenv_officer(web_system: dict[str, str]) -> str:
    """The sub-bureau's officer, onboarded as ops do (the package's roster has none)."""
    from infra.local.users import DemoUser, ensure_user, staff_email
    from shared.names import department_group

    user = DemoUser(staff_email(DEPARTMENT), department_group(DEPARTMENT))
    with _aws(web_system["AwsEndpointUrl"]):
        ensure_user(web_system["UserPoolId"], user)
    return user.email


def figures(web_system: dict[str, str], kind: str, period: str) -> dict[str, dict[str, Any]]:
    """Every row of GET /api/stats/{kind} for the period (every page, no token), by key."""
    key = "itemId" if kind == "items" else "department"
    rows: dict[str, dict[str, Any]] = {}
    cursor: str | None = None
    while True:
        answer = requests.get(
            f"{web_system['WebUrl']}api/stats/{kind}",
            params={"period": period, "limit": 100, **({"cursor": cursor} if cursor else {})},
            timeout=15,
        )
        assert answer.status_code == 200, f"GET stats/{kind}: {answer.status_code} {answer.text}"
        body = answer.json()
        assert body["period"] == period, readable(body)
        rows |= {r[key]: r for r in body["items"]}
        cursor = body.get("nextCursor")
        if not cursor:
            return rows


def counts(row: dict[str, Any] | None, names: tuple[str, ...]) -> dict[str, int]:
    return {n: int(row[n]) if row else 0 for n in names}


def system_now(web_system: dict[str, str]) -> datetime:
    """The local system's time (another test may have moved it on: POST /_local/clock)."""
    answer = requests.get(web_system["WebUrl"] + "_local/clock", timeout=15)
    assert answer.status_code == 200, f"GET /_local/clock: {answer.status_code} {answer.text}"
    return parse(answer.json()["now"])


def month_back(month: str, n: int) -> str:
    year, mm = (int(x) for x in month.split("-"))
    index = year * 12 + (mm - 1) - n
    return f"{index // 12}-{index % 12 + 1:02d}"


def month_name(month: str, locale: str) -> str:
    year, mm = (int(x) for x in month.split("-"))
    return f"{year}年{mm}月" if locale == "zh" else f"{EN_MONTHS[mm - 1]} {year}"


def percent(rate: float) -> str:
    """As the page shows a rate (Intl percent, at most one decimal)."""
    shown = (Decimal(str(rate)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{shown.normalize():f}%"


def days(value: float) -> str:
    return f"{Decimal(str(value)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}"


def visitor_page(
    browser_context: Callable[..., BrowserContext], locale: str, now: datetime, **kwargs: Any
) -> Page:
    """An anonymous visitor whose clock reads the system's time (so "this month" is the
    month the system counts in, even after the local clock was moved on)."""
    context = browser_context(locale=locale, **kwargs)
    prefer_locale(context, locale)
    context.clock.set_fixed_time(now)
    return context.new_page()


def find_row(page: Page, rows: Locator) -> Locator:
    """The row, loading more pages while it is not on those shown."""
    more = page.get_by_test_id("stats-more")
    while not rows.count() and more.count():
        more.click()
        expect(more.or_(rows).first).to_be_visible()
    return rows


def wait_for_figure(page: Page, cell: Locator, expected: str, what: str) -> None:
    """Reloads the page until the cell shows `expected` (the figures follow each change by a
    moment: the case's workflow, then the stream)."""

    def shown() -> bool:
        page.reload()
        expect(
            page.get_by_test_id("stats-items-table")
            .or_(page.get_by_test_id("stats-departments-table"))
            .or_(page.get_by_test_id("stats-empty"))
            .first
        ).to_be_visible()
        find_row(page, cell)
        return cell.count() == 1 and cell.inner_text().strip() == expected

    poll(shown, timeout=FIGURES_TIMEOUT, interval_ms=1000, page=page, what=what)


def assert_item_row(row: Locator, figures_row: dict[str, Any], locale: str, all_time: bool) -> None:
    expect(row.get_by_test_id("stats-name")).to_have_text(ITEM_NAME[locale])
    expect(row.get_by_test_id("stats-lead")).to_have_text(DEPARTMENT_NAME[locale])
    expect(row.get_by_test_id("stats-accepted")).to_have_text(str(figures_row["accepted"]))
    expect(row.get_by_test_id("stats-not-accepted")).to_have_text(
        NOT_ACCEPTED[locale].format(n=figures_row["notAccepted"])
    )
    expect(row.get_by_test_id("stats-concluded")).to_have_text(str(figures_row["concluded"]))
    expect(row.get_by_test_id("stats-outcomes")).to_have_text(
        ITEM_OUTCOMES[locale].format(
            approved=figures_row["approved"], rejected=figures_row["rejected"]
        )
    )
    expect(row.get_by_test_id("stats-on-time-rate")).to_have_text(
        percent(figures_row["onTimeRate"])
    )
    expect(row.get_by_test_id("stats-average-days")).to_have_text(
        days(figures_row["averageWorkingDays"])
    )
    if all_time:
        expect(row.get_by_test_id("stats-overdue")).to_have_text(str(figures_row["overdueNow"]))
    else:
        expect(row.get_by_test_id("stats-overdue")).to_have_count(0)


def assert_department_row(row: Locator, figures_row: dict[str, Any], locale: str) -> None:
    expect(row.get_by_test_id("stats-name")).to_have_text(DEPARTMENT_NAME[locale])
    expect(row.get_by_test_id("stats-concluded")).to_have_text(str(figures_row["decided"]))
    expect(row.get_by_test_id("stats-outcomes")).to_have_text(
        REVIEW_OUTCOMES[locale].format(
            approved=figures_row["approved"], rejected=figures_row["rejected"]
        )
    )
    expect(row.get_by_test_id("stats-on-time-rate")).to_have_text(
        percent(figures_row["onTimeRate"])
    )
    expect(row.get_by_test_id("stats-average-days")).to_have_text(
        days(figures_row["averageWorkingDays"])
    )


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_visitor_reads_the_published_figures_by_item_and_department_for_all_time_and_a_month(
    locale: str,
    web_system: dict[str, str],
    people: dict[str, str],
    ecoenv_officer: str,
    id_token_of: Callable[[str], str],
    browser_context: Callable[..., BrowserContext],
    a11y: Accessibility,
    axe_available: bool,
) -> None:
    # Given the figures as they stand (the other tests' cases are counted too)
    now = system_now(web_system)
    month = now.astimezone(SHANGHAI).strftime("%Y-%m")
    item_before = {
        p: counts(figures(web_system, "items", p).get(ITEM_ID), COUNTS) for p in ("all", month)
    }
    department_before = {
        p: counts(figures(web_system, "departments", p).get(DEPARTMENT), DEPARTMENT_COUNTS)
        for p in ("all", month)
    }

    # And two cases of the item filed, the sub-bureau approving one and rejecting the other
    visitor = visitor_page(browser_context, locale, now)
    citizen_token = id_token_of(people["citizen"])
    officer_token = id_token_of(ecoenv_officer)
    approved = file_through_the_api(web_system, citizen_token, ITEM_ID, {"mode": "electronic"})
    rejected = file_through_the_api(web_system, citizen_token, ITEM_ID, {"mode": "electronic"})
    from infra.local.client import OneWindowClient

    officer = OneWindowClient(web_system["ApiUrl"]).as_user(officer_token)
    for application_id, decision, comment in (
        (approved, "approve", "符合备案条件"),
        (rejected, "reject", "登记表所填建设地点与项目实际不符"),
    ):
        task = task_of(web_system, officer_token, application_id, visitor)
        officer.decide(task["taskId"], decision, comment)
    item_delta = {"accepted": 2, "concluded": 2, "approved": 1, "rejected": 1, "onTime": 2}
    department_delta = {"decided": 2, "approved": 1, "rejected": 1, "onTime": 2}

    # When an anonymous visitor opens the page from the header
    visitor.goto("/")
    visitor.get_by_test_id("nav-stats").click()
    visitor.wait_for_url("**/stats")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE[locale])
    expect(visitor.get_by_role("tab", name=BY_ITEM[locale])).to_have_attribute(
        "aria-selected", "true"
    )
    expect(visitor.get_by_label(PERIOD[locale])).to_have_value("all")
    expect(visitor.get_by_test_id("stats-how")).to_contain_text(HOW[locale])
    item_rows = visitor.locator(f'[data-testid="stats-item-row"][data-item-id="{ITEM_ID}"]')
    expected_concluded = item_before["all"]["concluded"] + 2
    wait_for_figure(
        visitor,
        item_rows.get_by_test_id("stats-concluded"),
        str(expected_concluded),
        f"{ITEM_ID} concluded {expected_concluded} on the page",
    )

    # Then the item's row shows what the cases added, the rate and days as the API has them
    item_all = figures(web_system, "items", "all")[ITEM_ID]
    assert counts(item_all, COUNTS) == {
        n: item_before["all"][n] + item_delta.get(n, 0) for n in COUNTS
    }, readable(item_all)
    assert item_all["onTimeRate"] is not None and item_all["overdueNow"] is not None
    assert_item_row(item_rows, item_all, locale, all_time=True)
    link = item_rows.get_by_test_id(f"stats-item-link-{ITEM_ID}")
    expect(link).to_have_attribute("href", f"/catalog/{ITEM_ID}")
    a11y.check(visitor, "performance by item, all time")
    screenshot(visitor, "stats", locale)

    # When they switch to the departments
    visitor.get_by_role("tab", name=BY_DEPARTMENT[locale]).click()
    visitor.wait_for_url("**/stats?view=departments")
    expect(visitor.get_by_role("tab", name=BY_DEPARTMENT[locale])).to_have_attribute(
        "aria-selected", "true"
    )
    # Then every department with figures is listed, the sub-bureau with its two reviews
    departments_all = figures(web_system, "departments", "all")
    department_rows = visitor.get_by_test_id("stats-department-row")
    expect(department_rows.first).to_be_visible()
    find_row(visitor, department_rows.nth(len(departments_all) - 1))
    shown = department_rows.evaluate_all("rows => rows.map(r => r.dataset.department)")
    assert sorted(shown) == sorted(departments_all), (shown, sorted(departments_all))
    ecoenv = departments_all[DEPARTMENT]
    assert counts(ecoenv, DEPARTMENT_COUNTS) == {
        n: department_before["all"][n] + department_delta[n] for n in DEPARTMENT_COUNTS
    }, readable(ecoenv)
    ecoenv_row = visitor.locator(
        f'[data-testid="stats-department-row"][data-department="{DEPARTMENT}"]'
    )
    assert_department_row(ecoenv_row, ecoenv, locale)
    expect(ecoenv_row.get_by_test_id("stats-overdue")).to_have_text(str(ecoenv["overdueNow"]))
    a11y.check(visitor, "performance by department, all time")

    # When they choose the current month
    period = visitor.get_by_label(PERIOD[locale])
    this_month = THIS_MONTH[locale].format(month=month_name(month, locale))
    expect(period.locator(f'option[value="{month}"]')).to_have_text(this_month)
    period.select_option(month)
    visitor.wait_for_url(f"**/stats?view=departments&period={month}")
    # Then the month's figures show, without "overdue now", which the page says is current
    expect(visitor.get_by_test_id("stats-overdue-note")).to_be_visible()
    expect(visitor.get_by_role("columnheader", name=OVERDUE_HEADER[locale])).to_have_count(0)
    ecoenv_month = figures(web_system, "departments", month)[DEPARTMENT]
    assert counts(ecoenv_month, DEPARTMENT_COUNTS) == {
        n: department_before[month][n] + department_delta[n] for n in DEPARTMENT_COUNTS
    }, readable(ecoenv_month)
    assert ecoenv_month["overdueNow"] is None
    assert_department_row(ecoenv_row, ecoenv_month, locale)
    expect(ecoenv_row.get_by_test_id("stats-overdue")).to_have_count(0)
    visitor.get_by_role("tab", name=BY_ITEM[locale]).click()
    visitor.wait_for_url(f"**/stats?period={month}")
    item_month = figures(web_system, "items", month)[ITEM_ID]
    assert counts(item_month, COUNTS) == {
        n: item_before[month][n] + item_delta.get(n, 0) for n in COUNTS
    }, readable(item_month)
    find_row(visitor, item_rows)
    assert_item_row(item_rows, item_month, locale, all_time=False)
    a11y.check(visitor, "performance by item, this month")

    # When they choose a month before any case was filed
    quiet = month_back(month, 11)
    assert not figures(web_system, "items", quiet), f"{quiet} has figures"
    period.select_option(quiet)
    visitor.wait_for_url(f"**/stats?period={quiet}")
    # Then the page says there are no figures for it
    expect(visitor.get_by_test_id("stats-empty")).to_have_text(
        EMPTY_MONTH[locale].format(month=month_name(quiet, locale))
    )
    expect(visitor.get_by_test_id("stats-items-table")).to_have_count(0)
    a11y.check(visitor, "performance, a month with no figures")
    period.select_option("all")
    expect(period.locator("option:checked")).to_have_text(ALL_TIME[locale])

    # And on a phone the item's figures are a card of labelled values
    phone = visitor_page(browser_context, locale, now, viewport=PHONE, is_mobile=True)
    phone.goto("/stats")
    phone_row = phone.locator(f'[data-testid="stats-item-row"][data-item-id="{ITEM_ID}"]')
    expect(phone.get_by_test_id("stats-items-table")).to_be_visible()
    find_row(phone, phone_row)
    assert_item_row(phone_row, figures(web_system, "items", "all")[ITEM_ID], locale, True)
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone: {width} px"
    a11y.check(phone, "performance by item, phone")

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
