"""Filing at the window for a walk-in applicant (窗口办) in a real browser, in Chinese and in
English, at a desktop's width and at a phone's: a window clerk opens 窗口代办登记 from the
window queue, finds SD-KFQ-0010 by searching the catalog, enters a person at the counter (an
ID number with a wrong check character caught as typed), the item's form and a postal address
whose province the API refuses (too short: the API's error shows under that field), files the
case on the `window` channel, scans in two required materials and submits (refused: the two
still to scan are named beside them), scans in the rest and submits. The screen says
the case waits at the window, and the API agrees (SUBMITTED, at the window, listed in the
queue); the clerk opens it from there and accepts it with two originals checked, and the case
goes to approval with the clerk's check recorded. A citizen and a department officer get the
forbidden page, and the API refuses the window channel to a citizen. axe-core checks each step."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import (
    DESKTOP,
    PHONE,
    Accessibility,
    poll,
    readable,
    resident_id,
    username_of,
    wrong_resident_id,
)
from tests.browser.test_journey import (
    CASE_TIMEOUT,
    FORM,
    NAMES,
    REQUIRED_MATERIALS,
    SEARCH,
    VOLTAGE,
    api_get,
    prefer_locale,
    sign_in,
)
from tests.browser.test_supplement import upload
from tests.browser.test_window import decided

ITEM = "SD-KFQ-0010"
TITLE = {"zh": "窗口代办登记", "en": "File for a walk-in applicant"}
# A person at the counter: born 1985-05-12 in Zhifu, Yantai.
ID_FIRST17 = "37060219850512234"
APPLICANT = {"name": "王芳", "phone": "13912345678"}
ADDRESS = {
    "recipient": "王芳",
    "phone": "13912345678",
    "city": "烟台市",
    "district": "福山区",
    "street": "烟台经济技术开发区长江路100号",
    "postalCode": "264006",
}
# The API takes a province of 2 to 20 characters; the console checks only that it is given.
SHORT_PROVINCE, PROVINCE = "鲁", "山东省"
CHECKED = ["APPLICATION_FORM", "ID_CARD"]


def fill_the_applicant_and_form(page: Page, locale: str) -> None:
    page.get_by_test_id("apply-kind-person").check()
    page.get_by_test_id("applicant-name").fill(APPLICANT["name"])
    id_number = page.get_by_test_id("applicant-id-number")
    id_number.fill(wrong_resident_id(ID_FIRST17))
    id_error = page.get_by_test_id("error-applicant-idNumber")
    expect(id_error).to_be_visible()
    expect(id_number).to_have_attribute("aria-invalid", "true")
    id_number.fill(resident_id(ID_FIRST17))
    expect(id_error).to_have_count(0)
    page.get_by_test_id("applicant-phone").fill(APPLICANT["phone"])
    for name, value in FORM.items():
        page.get_by_test_id(f"field-{name}").fill(value)
    page.get_by_test_id("field-voltageLevel").select_option(label=VOLTAGE[locale])


def fill_the_address(page: Page, province: str) -> None:
    page.get_by_test_id("delivery-mail").check()
    for name, value in ADDRESS.items():
        page.get_by_test_id(f"address-{name}").fill(value)
    page.get_by_test_id("address-province").fill(province)


def case_of(web_system: dict[str, str], token: str, application_id: str) -> dict[str, Any]:
    return api_get(web_system, token, f"/applications/{application_id}")


@pytest.mark.parametrize(
    ("locale", "viewport"),
    [("zh", DESKTOP), ("en", DESKTOP), ("zh", PHONE)],
    ids=["zh", "en", "zh-phone"],
)
def test_a_window_clerk_files_for_a_walk_in_applicant_and_accepts_it_at_the_window(
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
    # Given a window clerk at the window queue
    context = browser_context(locale=locale, viewport=viewport)
    prefer_locale(context, locale)
    clerk = context.new_page()
    sign_in(clerk, people["window"], password)
    token = id_token_of(people["window"])
    clerk.goto("/console/window")
    expect(clerk.get_by_test_id("window-page")).to_be_visible()

    # When the clerk opens the filing screen and finds the item by searching the catalog
    clerk.get_by_test_id("window-file-link").click()
    clerk.wait_for_url("**/console/window/file")
    expect(clerk.get_by_role("heading", level=1)).to_have_text(TITLE[locale])
    expect(clerk.get_by_test_id("console-nav-window-file")).to_have_attribute(
        "aria-current", "page"
    )
    clerk.get_by_test_id("walkin-search").fill(SEARCH[locale])
    clerk.get_by_test_id("walkin-search-submit").click()
    result = clerk.locator(f'[data-testid="walkin-result"][data-item-id="{ITEM}"]')
    expect(result).to_contain_text(NAMES[locale])
    a11y.check(clerk, "walk-in filing, the item search")
    result.get_by_test_id("walkin-choose").click()
    expect(clerk.get_by_test_id("walkin-item")).to_have_attribute("data-item-id", ITEM)
    expect(clerk.get_by_test_id("walkin-item")).to_contain_text(NAMES[locale])

    # And enters the applicant, the form and an address whose province the API refuses
    fill_the_applicant_and_form(clerk, locale)
    fill_the_address(clerk, SHORT_PROVINCE)
    expect(clerk.get_by_test_id(f"material-file-{REQUIRED_MATERIALS[0]}")).to_be_disabled()
    clerk.get_by_test_id("walkin-create").click()

    # Then the API's error shows under the field it names, and nothing is filed
    province = clerk.get_by_test_id("address-province")
    province_error = clerk.get_by_test_id("error-delivery-address-province")
    expect(province_error).to_be_visible()
    expect(province).to_have_attribute("aria-invalid", "true")
    expect(province).to_be_focused()
    expect(clerk.get_by_test_id("walkin-created")).to_have_count(0)
    a11y.check(clerk, "walk-in filing, the API's error under its field")

    # When the clerk corrects it and files the case
    province.fill(PROVINCE)
    expect(province_error).to_have_count(0)
    clerk.get_by_test_id("walkin-create").click()
    created = clerk.get_by_test_id("walkin-created")
    expect(created).to_be_visible(timeout=20_000)
    application_id = created.get_attribute("data-application-id") or ""
    assert application_id, "no application id on the filed draft"
    expect(created).to_contain_text(application_id)
    clerk.wait_for_url(re.compile(rf"/console/window/file\?.*draft={application_id}"))

    # Then it is a draft on the window channel, for the person at the counter
    draft = case_of(web_system, token, application_id)
    assert draft["status"] == "DRAFT" and draft["channel"] == "window", readable(draft)
    assert draft["applicant"] == {
        "kind": "person",
        "name": APPLICANT["name"],
        "idNumber": resident_id(ID_FIRST17),
        "phone": APPLICANT["phone"],
    }, readable(draft["applicant"])
    assert draft["delivery"]["address"]["province"] == PROVINCE, readable(draft["delivery"])

    # When the clerk scans in two of the required materials and submits
    scanned, unscanned = REQUIRED_MATERIALS[:2], REQUIRED_MATERIALS[2:]
    for code in scanned:
        upload(clerk, clerk, code, tmp_path)
    clerk.get_by_test_id("walkin-submit").click()

    # Then the screen says which are still to scan, beside each, and submits nothing
    expect(clerk.get_by_test_id("walkin-error")).to_be_visible()
    for code in unscanned:
        expect(clerk.get_by_test_id(f"material-error-{code}")).to_be_visible()
    for code in scanned:
        expect(clerk.get_by_test_id(f"material-error-{code}")).to_have_count(0)
    expect(clerk.get_by_test_id(f"material-file-{unscanned[0]}")).to_be_focused()
    a11y.check(clerk, "walk-in filing, materials still to scan")
    assert case_of(web_system, token, application_id)["status"] == "DRAFT"

    # When the clerk scans in the rest and submits
    for code in unscanned:
        upload(clerk, clerk, code, tmp_path)
    expect(clerk.get_by_test_id(f"material-error-{unscanned[0]}")).to_have_count(0)
    a11y.check(clerk, "walk-in filing, the materials scanned in")
    clerk.get_by_test_id("walkin-submit").click()

    # Then the screen follows the case to the window queue
    filed = clerk.get_by_test_id("walkin-filed")
    expect(filed).to_have_attribute("data-application-id", application_id, timeout=20_000)
    expect(clerk.get_by_test_id("walkin-at-window")).to_be_visible(timeout=CASE_TIMEOUT * 1000)
    expect(filed).to_have_attribute("data-where", "atWindow")
    expect(clerk.get_by_test_id("walkin-filed-channel")).to_have_attribute("data-channel", "window")
    expect(clerk.get_by_test_id("walkin-deemed")).to_be_visible()
    a11y.check(clerk, "walk-in filing, the case waiting at the window")

    # And the API agrees: submitted, waiting at the window, in the queue
    waiting = case_of(web_system, token, application_id)
    assert waiting["status"] == "SUBMITTED" and waiting["atWindowSince"], readable(waiting)
    queue = api_get(web_system, token, "/window/tasks?limit=100")
    assert application_id in [t["applicationId"] for t in queue["items"]], readable(queue)

    # When the clerk opens it from there and accepts it, the originals checked
    clerk.get_by_test_id("walkin-accept").click()
    expect(clerk.get_by_test_id("window-application-id")).to_have_text(application_id)
    expect(clerk.get_by_test_id("window-reason")).to_contain_text("walk-in")
    expect(
        clerk.get_by_test_id("window-applicant").locator('[data-field="idNumber"]')
    ).to_have_text(resident_id(ID_FIRST17))
    clerk.get_by_test_id("window-outcome-accept").check()
    for code in CHECKED:
        clerk.get_by_test_id(f"window-original-{code}").check()
    clerk.get_by_test_id("window-submit").click()
    decided(clerk, "accept")
    expect(
        clerk.locator(f'[data-testid="window-row"][data-application-id="{application_id}"]')
    ).to_have_count(0)

    # Then the case goes to approval with the clerk's check of the originals on it
    def in_approval() -> dict[str, Any] | None:
        case = case_of(web_system, token, application_id)
        return case if case["status"] == "IN_APPROVAL" else None

    accepted = poll(
        in_approval,
        timeout=CASE_TIMEOUT,
        interval_ms=1000,
        page=clerk,
        what=f"case {application_id} in approval",
    )
    clerk_decision = (accepted.get("acceptance") or {}).get("clerk") or {}
    assert clerk_decision.get("outcome") == "accept", readable(accepted.get("acceptance"))
    assert sorted(clerk_decision.get("checkedOriginals") or []) == CHECKED, readable(clerk_decision)
    assert clerk_decision.get("decidedBy") == username_of(token), readable(clerk_decision)
    assert accepted["atWindowSince"] is None, readable(accepted)

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_only_a_window_clerk_files_for_a_walk_in_applicant(
    locale: str,
    web_system: dict[str, str],
    people: dict[str, str],
    password: str,
    id_token_of: Callable[[str], str],
    browser_context: Callable[..., BrowserContext],
    a11y: Accessibility,
) -> None:
    for role in ("citizen", "POWER"):
        # Given someone who is not a window clerk
        context = browser_context(locale=locale)
        prefer_locale(context, locale)
        page = context.new_page()
        sign_in(page, people[role], password)
        # When they open the filing screen, they get the forbidden page
        page.goto("/console/window/file")
        page.wait_for_url("**/forbidden")
        expect(page.get_by_test_id("go-home")).to_be_visible()
        expect(page.get_by_test_id("walkin-page")).to_have_count(0)
        a11y.check(page, f"forbidden: walk-in filing as {role}")
    # And an officer's console offers no such screen
    page.goto("/console")
    page.wait_for_url("**/console/inbox")
    expect(page.get_by_test_id("console-nav-inbox-POWER")).to_be_visible()
    expect(page.get_by_test_id("console-nav-window-file")).to_have_count(0)

    # And the API files on the window channel for window clerks alone
    refused = requests.post(
        web_system["WebUrl"] + "api/applications",
        headers={"Authorization": f"Bearer {id_token_of(people['citizen'])}"},
        json={
            "itemId": ITEM,
            "channel": "window",
            "applicant": {"kind": "person", "name": "王芳", "idNumber": resident_id(ID_FIRST17)},
            "form": {},
            "delivery": {"mode": "pickup"},
        },
        timeout=15,
    )
    assert refused.status_code == 403, refused.text
    assert [f["field"] for f in refused.json()["fields"]] == ["channel"], refused.text
    a11y.assert_clean()
