"""The audit trail in a real browser, in Chinese and in English: a citizen's case of
SD-KFQ-0010 (lead POWER, co-departments WATER and URBAN), filed and submitted over HTTP (the
application form is other tests' business). The citizen opens the trail from the case page: their
own filing is its first record, the page's hash chain intact, a record's field changes collapsed
until opened. The water department's officer decides (over HTTP) and opens the trail from the task
page: the decision is there, by them. The centre's supervisor searches the officer's actions on
the audit screen (their user name, the decision's day as the period) and finds the decision,
newest first, and opens the case's trail from it. Ops open the case's trail by its application
ID and export it: one CSV with one header row and one row per record. axe-core checks each
screen.

The trail is written from the table's stream just after each change (locally, after each
invocation): each wait polls the page or the API, never sleeps a fixed time."""

import csv
import io
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import ITEM, _aws
from tests.browser.support import (
    Accessibility,
    decide_through_the_api,
    file_through_the_api,
    poll,
    readable,
    screenshot,
    username_of,
)
from tests.browser.test_supervision import staff_page, task_of

TITLE = {"zh": "审计记录", "en": "Audit trail"}
SEARCH_TITLE = {"zh": "审计记录查询", "en": "Audit trail search"}
YOU = {"zh": "您本人", "en": "You"}
INTACT = {"zh": "哈希链完整", "en": "Hash chain intact"}
HASHES_INTACT = {"zh": "哈希校验通过", "en": "Hashes intact"}
CREATED = {"zh": "新建", "en": "Created"}
EXPORTED = {"zh": "已导出", "en": "Exported"}
CSV_HEADER = [
    "subject",
    "seq",
    "at",
    "actor",
    "onBehalfOf",
    "via",
    "requestId",
    "record",
    "change",
    "action",
    "changes",
    "previousHash",
    "hash",
]
SHANGHAI = timezone(timedelta(hours=8))
AUDIT_TIMEOUT = 60


@pytest.fixture(scope="module")
def ops_email(web_system: dict[str, str]) -> str:
    """An operator, onboarded as ops do (the package's roster has none)."""
    from infra.constants import GROUP_OPS
    from infra.local.users import DemoUser, ensure_user

    user = DemoUser("ops@example.com", GROUP_OPS)
    with _aws(web_system["AwsEndpointUrl"]):
        ensure_user(web_system["UserPoolId"], user)
    return user.email


def case_trail(web_system: dict[str, str], token: str, application_id: str) -> list[dict[str, Any]]:
    """Every record of the case's trail (GET /api/applications/{id}/audit, every page)."""
    records: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        answer = requests.get(
            f"{web_system['WebUrl']}api/applications/{application_id}/audit",
            headers={"Authorization": f"Bearer {token}"},
            params={"limit": 100, **({"cursor": cursor} if cursor else {})},
            timeout=15,
        )
        assert answer.status_code == 200, f"GET audit: {answer.status_code} {answer.text[:500]}"
        body = answer.json()
        assert body["chain"]["intact"], readable(body["chain"])
        records += body["items"]
        cursor = body.get("nextCursor")
        if not cursor:
            return records


def wait_for_record(
    page: Page, rows: Locator, what: str, *, reload: Callable[[], None] | None = None
) -> None:
    """Reloads the screen until `rows` holds a record (the trail lags the change a moment)."""

    def there() -> bool:
        if rows.count():
            return True
        (reload or page.reload)()
        expect(
            page.get_by_test_id("audit-table").or_(page.get_by_test_id("audit-empty"))
        ).to_be_visible()
        return bool(rows.count())

    poll(there, timeout=AUDIT_TIMEOUT, interval_ms=1000, page=page, what=what)


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_parties_read_a_cases_audit_trail_supervisors_search_an_actor_ops_export_csv(
    locale: str,
    web_system: dict[str, str],
    people: dict[str, str],
    ops_email: str,
    password: str,
    id_token_of: Callable[[str], str],
    browser_context: Callable[..., BrowserContext],
    a11y: Accessibility,
    axe_available: bool,
    tmp_path: Path,
) -> None:
    # Given a case the citizen filed and submitted
    citizen_token = id_token_of(people["citizen"])
    citizen_name = username_of(citizen_token)
    application_id = file_through_the_api(web_system, citizen_token, ITEM, {"mode": "electronic"})

    # When the citizen opens the audit trail from the case page
    citizen = staff_page(browser_context, people["citizen"], password, locale)
    citizen.goto(f"/cases/{application_id}")
    expect(citizen.get_by_test_id("case-page")).to_be_visible()
    citizen.get_by_test_id("case-audit-link").click()
    citizen.wait_for_url(f"**/cases/{application_id}/audit")
    expect(citizen.get_by_role("heading", level=1)).to_have_text(TITLE[locale])
    rows = citizen.get_by_test_id("audit-record")
    wait_for_record(citizen, rows, f"the first record of {application_id}'s trail")

    # Then their own filing is the first record, and the page's hash chain holds
    filing = rows.first
    expect(filing).to_have_attribute("data-seq", "1")
    expect(filing).to_have_attribute("data-subject", f"APP#{application_id}")
    expect(filing).to_have_attribute("data-actor", citizen_name)
    expect(filing).to_have_attribute("data-change", "created")
    expect(filing.get_by_test_id("audit-actor")).to_have_text(YOU[locale])
    expect(filing.get_by_test_id("audit-change")).to_have_text(CREATED[locale])
    expect(filing.get_by_test_id("audit-via")).to_contain_text("POST /applications")
    chain = citizen.get_by_test_id("audit-chain")
    expect(chain).to_have_attribute("data-intact", "true")
    expect(chain).to_contain_text(INTACT[locale])
    # And a record's field changes are collapsed until opened
    changes = filing.get_by_test_id("audit-changes")
    expect(changes).not_to_have_attribute("open", "")
    expect(changes.get_by_test_id("audit-field-change").first).to_be_hidden()
    changes.get_by_test_id("audit-changes-toggle").click()
    expect(changes.get_by_test_id("audit-field-change").first).to_be_visible()
    a11y.check(citizen, "case audit trail (citizen)")
    screenshot(citizen, "case-audit", locale)
    citizen.get_by_test_id("case-audit-back").click()
    expect(citizen.get_by_test_id("case-page")).to_be_visible()

    # When the water department's officer decides and opens the trail from the task page
    water_token = id_token_of(people["WATER"])
    officer = username_of(water_token)
    water = staff_page(browser_context, people["WATER"], password, locale)
    task = task_of(web_system, water_token, application_id, water)
    decide_through_the_api(web_system, water_token, task["taskId"])
    water.goto(f"/console/tasks/{task['taskId']}")
    expect(water.get_by_test_id("task-application-id")).to_have_text(application_id)
    water.get_by_test_id("task-audit-link").click()
    water.wait_for_url(f"**/console/cases/{application_id}/audit?task=*")
    expect(water.get_by_test_id("console-case-audit")).to_be_visible()
    # Then the decision is on the trail, by them
    decision = water.locator(
        f'[data-testid="audit-record"][data-record="REVIEW#WATER"][data-actor="{officer}"]'
    )
    wait_for_record(water, decision, "the water department's decision on the trail")
    expect(water.get_by_test_id("audit-chain")).to_have_attribute("data-intact", "true")
    expect(water.get_by_test_id("console-nav-audit")).to_have_count(0)
    expect(water.get_by_test_id("audit-export")).to_have_count(0)
    a11y.check(water, "case audit trail (officer)")
    water.get_by_test_id("console-case-audit-back").click()
    expect(water.get_by_test_id("task-page")).to_be_visible()

    # When the centre's supervisor searches the officer's actions on the decision's day
    supervisor_token = id_token_of(people["supervisor"])
    trail = case_trail(web_system, supervisor_token, application_id)
    decided = [r for r in trail if r["actor"] == officer and r["record"] == "REVIEW#WATER"]
    assert decided, readable(trail)
    day = datetime.fromisoformat(decided[-1]["at"].replace("Z", "+00:00"))
    day_text = day.astimezone(SHANGHAI).date().isoformat()
    supervisor = staff_page(browser_context, people["supervisor"], password, locale)
    supervisor.goto("/console/supervision")
    supervisor.get_by_test_id("console-nav-audit").click()
    supervisor.wait_for_url("**/console/audit")
    expect(supervisor.get_by_role("heading", level=1)).to_have_text(SEARCH_TITLE[locale])
    expect(supervisor.get_by_test_id("console-nav-audit")).to_have_attribute("aria-current", "page")
    a11y.check(supervisor, "audit search (empty)")
    supervisor.get_by_test_id("audit-search").click()
    expect(supervisor.get_by_test_id("audit-actor-error")).to_be_visible()
    supervisor.get_by_test_id("audit-actor").fill(officer)
    supervisor.get_by_test_id("audit-since").fill(day_text)
    supervisor.get_by_test_id("audit-until").fill(day_text)
    supervisor.get_by_test_id("audit-search").click()
    supervisor.wait_for_url("**/console/audit?*")
    # Then the decision is listed, newest first, each record's hash checked
    results = supervisor.get_by_test_id("audit-results")
    expect(results).to_have_attribute("data-actor", officer)
    found = results.locator(
        f'[data-testid="audit-record"][data-subject="APP#{application_id}"]'
        f'[data-record="REVIEW#WATER"]'
    )
    expect(found.first).to_be_visible()
    every = results.get_by_test_id("audit-record")
    assert {every.nth(n).get_attribute("data-actor") for n in range(every.count())} == {officer}
    times = [
        every.nth(n).get_by_test_id("audit-at").get_attribute("datetime") or ""
        for n in range(every.count())
    ]
    moments = [datetime.fromisoformat(x.replace("Z", "+00:00")) for x in times]
    assert moments == sorted(moments, reverse=True), times
    expect(results.get_by_test_id("audit-chain")).to_have_attribute("data-intact", "true")
    expect(results.get_by_test_id("audit-chain")).to_contain_text(HASHES_INTACT[locale])
    expect(supervisor.get_by_test_id("audit-export")).to_have_count(0)
    a11y.check(supervisor, "audit search, an officer's actions")
    screenshot(supervisor, "console-audit", locale)
    # And the case's trail opens from the record
    found.first.get_by_test_id("audit-subject").click()
    supervisor.wait_for_url(f"**/console/cases/{application_id}/audit")
    expect(supervisor.get_by_test_id("audit-chain")).to_have_attribute("data-intact", "true")
    expect(supervisor.get_by_test_id("audit-record").first).to_have_attribute("data-seq", "1")
    a11y.check(supervisor, "case audit trail (supervisor)")

    # When ops open the case's trail by its application ID and export it
    ops_token = id_token_of(ops_email)
    ops = staff_page(browser_context, ops_email, password, locale)
    ops.goto("/console/ops")
    ops.get_by_test_id("console-nav-audit").click()
    ops.wait_for_url("**/console/audit")
    ops.get_by_test_id("audit-application-id").fill(application_id)
    ops.get_by_test_id("audit-open-case").click()
    ops.wait_for_url(f"**/console/cases/{application_id}/audit")
    expect(ops.get_by_test_id("audit-record").first).to_have_attribute("data-seq", "1")
    a11y.check(ops, "case audit trail (ops)")
    before = len(case_trail(web_system, ops_token, application_id))
    with ops.expect_download() as download_info:
        ops.get_by_test_id("audit-export").click()
    download = download_info.value
    assert download.suggested_filename == f"audit-{application_id}.csv", download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    after = len(case_trail(web_system, ops_token, application_id))
    expect(ops.get_by_test_id("audit-export-status")).to_contain_text(EXPORTED[locale])
    # The pointer off the button and its colour transition over, so axe sees the page at rest
    ops.mouse.move(0, 0)
    ops.get_by_test_id("audit-export").blur()
    expect(ops.get_by_test_id("audit-export")).to_be_enabled()
    ops.wait_for_timeout(400)
    a11y.check(ops, "case audit trail, exported")

    # Then the file holds one header row and one row per record of the trail, in order
    table = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"), newline="")))
    assert table[0] == CSV_HEADER, table[0]
    rows_out = table[1:]
    assert CSV_HEADER not in rows_out, "a second header row"
    assert before <= len(rows_out) <= after, (before, len(rows_out), after)
    assert [int(r[1]) for r in rows_out] == list(range(1, len(rows_out) + 1)), rows_out
    assert {r[0] for r in rows_out} == {f"APP#{application_id}"}
    assert rows_out[0][3] == citizen_name, rows_out[0]
    assert any(r[3] == officer and r[7] == "REVIEW#WATER" for r in rows_out), rows_out

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
