"""容缺受理 on the citizen's case page, in a real browser, in Chinese and in English (and in
Chinese at a phone's width). A case of SD-KFQ-0010 is set up over HTTP as another client
would: filed for an enterprise with every required material but the property proof (which
the catalog lets come later), the commitment to supply it signed on the draft, submitted and
accepted on it. The citizen opens the case page: the signed commitment is there as the API
holds it (text, signer, time, digest), with the due date set at acceptance and the property
proof to upload. Sending before uploading is refused on the page, naming the material and
moving the focus to it. A broken commitment (simulated: a real one needs 20 working days to
pass) says what happened and what follows. The citizen uploads the proof and sends it; the
page says the commitment is fulfilled. Over the API the commitment has `fulfilledAt`, and
once the three departments approve the result is issued. axe-core checks each state."""

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.conftest import DEPARTMENTS
from tests.browser.support import (
    DESKTOP,
    SCREENSHOTS,
    Accessibility,
    decide_through_the_api,
    poll,
    readable,
)
from tests.browser.test_journey import CASE_TIMEOUT, api_get, prefer_locale, sign_in
from tests.browser.test_supplement import upload

ITEM = "SD-KFQ-0010"
LATER = "PROPERTY_PROOF"  # 用电用水地址产权证明或租赁合同: commitmentAllowed in the catalog
LATER_NAME = {
    "zh": "用电用水地址产权证明或租赁合同",
    "en": "Property title or lease of the supply address",
}
SIGNER = "钱进"
PHONE_375 = {"width": 375, "height": 812}
TITLE = {"zh": "容缺受理承诺", "en": "Commitment: materials to follow"}
STILL = {"zh": "尚未上传承诺的材料", "en": "Still to upload as committed"}
FULFILLED = {"zh": "容缺承诺已履行", "en": "the commitment is fulfilled"}
BROKEN = {
    "zh": "容缺承诺未履行，本申请已终止办理",
    "en": "Commitment not kept: the application has ended",
}
BARRED = {"zh": "365 日内", "en": "for 365 days"}
STATUS_BROKEN = {"zh": "容缺承诺未履行", "en": "Commitment not kept"}
# The timeline's 容缺 events, labelled and their details worded in the page's language.
EVENTS = {
    "commitment_signed": {"zh": "签署容缺承诺", "en": "Commitment signed"},
    "accepted_on_commitment": {"zh": "容缺受理", "en": "Accepted on commitment"},
    "commitment_fulfilled": {"zh": "容缺材料已补齐", "en": "Commitment fulfilled"},
}
FULFILLED_DETAIL = {"zh": "已按承诺补齐：", "en": "Supplied as committed: "}
SHANGHAI = timezone(timedelta(hours=8))


def shot(page: Page, name: str) -> None:
    """This page's pictures, beside the other local state (ONEWINDOW_SCREENSHOTS moves them)."""
    folder = SCREENSHOTS / "case-commitment"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True, animations="disabled")


def accepted_on_commitment(web_system: dict[str, str], token: str, page: Page) -> str:
    """A case filed over HTTP without the property proof, the commitment signed on its draft,
    submitted and accepted on it (in approval, the due date set): its id."""
    from infra.local.client import SAMPLE_ENTERPRISE, OneWindowClient, sample_form, upload_required

    client = OneWindowClient(web_system["ApiUrl"]).as_user(token)
    item = client.catalog_item(ITEM)
    created = client.create(
        {
            "itemId": ITEM,
            "applicant": SAMPLE_ENTERPRISE,
            "form": sample_form(item),
            "channel": "web",
            "delivery": {"mode": "electronic"},
        }
    )
    case = str(created["applicationId"])
    upload_required(client, case, item, skip={LATER})
    client.call(
        "POST",
        f"/applications/{case}/commitment",
        body={"materials": [LATER], "signer": SIGNER, "agreed": True},
    )
    client.submit(case)

    def accepted() -> dict[str, Any] | None:
        view = api_get(web_system, token, f"/applications/{case}")
        due = (view.get("commitment") or {}).get("dueAt")
        return (
            view if view["status"] == "IN_APPROVAL" and due and len(view["reviews"]) == 3 else None
        )

    poll(
        accepted,
        timeout=CASE_TIMEOUT,
        interval_ms=1000,
        page=page,
        what=f"{case} accepted on commitment",
    )
    return case


def shown_day(iso: str, locale: str) -> re.Pattern[str]:
    """The due day as the page words it (the centre's zone): 2026/01/05, or 5 Jan 2026."""
    day = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(SHANGHAI).date()
    if locale == "zh":
        return re.compile(re.escape(f"{day.year}/{day.month:02d}/{day.day:02d}"))
    return re.compile(rf"\b{day.day} \w+ {day.year}")


def broken_view(route: Route) -> None:
    """The case view as it would read once the deadline passed without the proof."""
    answer = route.fetch()
    view = answer.json()
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    view["status"] = "COMMITMENT_BROKEN"
    view["commitment"]["brokenAt"] = now
    view["timeline"].append(
        {
            "at": now,
            "stage": "issuance",
            "action": "commitment_broken",
            "actor": "system",
            "detail": f"the committed materials ({LATER}) were not supplied by "
            f"{view['commitment']['dueAt']}; the case ends and 容缺 is not offered to the "
            "applicant for 365 days",
        }
    )
    route.fulfill(response=answer, body=json.dumps(view), content_type="application/json")


@pytest.mark.parametrize(
    ("locale", "viewport"),
    [("zh", DESKTOP), ("en", DESKTOP), ("zh", PHONE_375)],
    ids=["zh", "en", "zh-phone"],
)
def test_a_citizen_supplies_the_committed_material_on_the_case_page_and_the_result_follows(
    locale: str,
    viewport: dict[str, int],
    web_system: dict[str, str],
    people: dict[str, str],
    password: str,
    id_token_of: Callable[[str], str],
    browser_context: Callable[..., BrowserContext],
    a11y: Accessibility,
    axe_available: bool,
    tmp_path: Path,
) -> None:
    tag = f"{locale}-{'phone' if viewport == PHONE_375 else 'desktop'}"
    context = browser_context(locale=locale, viewport=viewport)
    prefer_locale(context, locale)
    page = context.new_page()
    sign_in(page, people["citizen"], password)
    token = id_token_of(people["citizen"])
    # Given a case accepted on the applicant's commitment to supply the property proof later
    case = accepted_on_commitment(web_system, token, page)
    stored = api_get(web_system, token, f"/applications/{case}")["commitment"]

    # When the citizen opens it
    page.goto(f"/cases/{case}")
    expect(page.get_by_test_id("case-id")).to_have_text(case)

    # Then the page shows the commitment as signed, open, and by when the proof is due
    section = page.get_by_test_id("case-commitment")
    expect(section).to_have_attribute("data-state", "open")
    expect(section).to_have_attribute("data-materials", LATER)
    expect(section).to_have_attribute("data-due-at", stored["dueAt"])
    expect(section.get_by_role("heading", level=2)).to_contain_text(TITLE[locale])
    due = section.get_by_test_id("case-commitment-due")
    expect(due).to_contain_text(shown_day(stored["dueAt"], locale))
    expect(due).to_contain_text(LATER_NAME[locale])
    expect(due).to_contain_text("20")  # the working days the commitment allows
    record = section.get_by_test_id("commitment-record")
    expect(record).to_have_attribute("data-digest", stored["digest"])
    expect(record.get_by_test_id("commitment-text")).to_have_text(stored["text"])
    expect(record.get_by_test_id("commitment-signer-name")).to_have_text(SIGNER)
    expect(record.get_by_test_id("commitment-signed-at")).to_have_attribute(
        "datetime", stored["signedAt"]
    )
    expect(record.get_by_test_id("commitment-due-days")).to_contain_text(
        shown_day(stored["dueAt"], locale)
    )
    # Only the committed material is asked for, and nothing else of the case
    expect(section.get_by_test_id(f"material-{LATER}")).to_be_visible()
    expect(page.locator('[data-testid^="material-file-"]')).to_have_count(1)
    timeline = page.get_by_test_id("case-timeline")
    for action, label in EVENTS.items():
        if action != "commitment_fulfilled":
            expect(timeline.locator(f'[data-action="{action}"]')).to_contain_text(label[locale])
    expect(timeline.locator('[data-action="commitment_signed"]')).to_contain_text(
        LATER_NAME[locale]
    )
    expect(timeline.locator('[data-action="accepted_on_commitment"]')).to_contain_text(
        shown_day(stored["dueAt"], locale)
    )
    a11y.check(page, f"case page, accepted on commitment ({locale})")
    shot(page, f"open-{tag}")

    # When the citizen sends before uploading the proof, nothing is sent
    section.get_by_test_id("case-commitment-submit").click()

    # Then the page names the material still to upload and takes the focus to it
    expect(section.get_by_test_id("case-commitment-error")).to_contain_text(STILL[locale])
    expect(section.get_by_test_id("case-commitment-error")).to_contain_text(LATER_NAME[locale])
    expect(section.get_by_test_id(f"material-error-{LATER}")).to_be_visible()
    expect(section.get_by_test_id(f"material-file-{LATER}")).to_be_focused()
    assert api_get(web_system, token, f"/applications/{case}")["commitment"]["fulfilledAt"] is None
    a11y.check(page, f"case page, the committed material not uploaded ({locale})")
    shot(page, f"refused-{tag}")

    # When the deadline has passed without it (the view as the API would answer then)
    page.route(f"**/api/applications/{case}", broken_view)
    page.reload()

    # Then the page says the case ended, why, and that 容缺 is barred for the period signed
    expect(page.get_by_test_id("case-status")).to_have_text(STATUS_BROKEN[locale])
    expect(section).to_have_attribute("data-state", "broken")
    broken = section.get_by_test_id("case-commitment-broken")
    expect(broken).to_contain_text(BROKEN[locale])
    expect(broken).to_contain_text(LATER_NAME[locale])
    expect(broken.get_by_test_id("case-commitment-bar")).to_contain_text(BARRED[locale])
    expect(section.get_by_test_id("case-commitment-submit")).to_have_count(0)
    expect(page.locator('[data-testid^="material-file-"]')).to_have_count(0)
    expect(timeline.locator('[data-action="commitment_broken"]')).to_contain_text(
        LATER_NAME[locale]
    )
    a11y.check(page, f"case page, a broken commitment ({locale})")
    shot(page, f"broken-{tag}")
    page.unroute(f"**/api/applications/{case}", broken_view)
    page.reload()
    expect(section).to_have_attribute("data-state", "open")

    # When the citizen uploads the proof and sends it
    upload(page, section, LATER, tmp_path)
    section.get_by_test_id("case-commitment-submit").click()

    # Then the page says the commitment is fulfilled, the review going on
    fulfilled = section.get_by_test_id("case-commitment-fulfilled")
    expect(fulfilled).to_contain_text(FULFILLED[locale], timeout=20_000)
    expect(section).to_have_attribute("data-state", "fulfilled")
    expect(section.get_by_test_id("case-commitment-error")).to_have_count(0)
    expect(section.get_by_test_id("case-commitment-submit")).to_have_count(0)
    event = timeline.locator('[data-action="commitment_fulfilled"]')
    expect(event).to_contain_text(EVENTS["commitment_fulfilled"][locale])
    expect(event).to_contain_text(FULFILLED_DETAIL[locale] + LATER_NAME[locale])
    a11y.check(page, f"case page, the commitment fulfilled ({locale})")
    shot(page, f"fulfilled-{tag}")

    # And over the API: the commitment is fulfilled, the proof verified in the case
    view = api_get(web_system, token, f"/applications/{case}")
    assert view["status"] == "IN_APPROVAL", readable(view)
    assert view["commitment"]["fulfilledAt"], readable(view["commitment"])
    assert view["commitment"]["digest"] == stored["digest"], readable(view["commitment"])
    assert view["materials"][LATER].get("verifiedSize"), readable(view["materials"][LATER])

    # When the three departments approve, the result is issued
    for department in DEPARTMENTS:
        decide_through_the_api(web_system, id_token_of(people[department]), f"{case}-{department}")

    def issued() -> dict[str, Any] | None:
        found = api_get(web_system, token, f"/applications/{case}")
        return found if found["status"] == "COMPLETED" and found.get("result") else None

    done = poll(issued, timeout=CASE_TIMEOUT, interval_ms=1000, page=page, what=f"{case} issued")
    assert done["result"]["outcome"] == "APPROVED", readable(done["result"])
    page.reload()
    expect(page.get_by_test_id("case-result")).to_be_visible()
    expect(section).to_have_attribute("data-state", "fulfilled")
    a11y.check(page, f"case page, issued after the commitment ({locale})")

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
