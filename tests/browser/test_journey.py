"""The whole journey in a real browser, in Chinese and in English: a citizen finds item
SD-KFQ-0010 (lead POWER, co-departments WATER and URBAN), applies with a wrong resident ID
number and sees the field error, fixes it, uploads every required material and submits;
an officer of each reviewing department approves from the console; the citizen sees the
case completed, downloads the certificate, rates the service, and the verification link
says the certificate is valid. axe-core checks every page on the way."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import DEPARTMENTS, ITEM
from tests.browser.support import (
    PHONE,
    Accessibility,
    poll,
    readable,
    resident_id,
    screenshot,
    small_pdf,
    wrong_resident_id,
)

NAMES = {"zh": "用水用电联合报装", "en": "Joint water and electricity connection"}
SEARCH = {"zh": "用水用电", "en": "water and electricity"}
REQUIRED_MATERIALS = ("APPLICATION_FORM", "BUSINESS_LICENCE", "ID_CARD", "PROPERTY_PROOF")
APPLICANT = {"name": "张伟", "phone": "13800138000"}
FORM = {
    "enterpriseName": "烟台海川新材料有限公司",
    "creditCode": "91350100M000100Y43",
    "supplyAddress": "烟台经济技术开发区长江路100号",
    "powerCapacity": "50",
    "contactName": "张伟",
    "contactPhone": "13800138000",
}
VOLTAGE = {"zh": "低压380伏", "en": "Low voltage 380 V"}
# The workflow runs in the local system: acceptance, the three reviews, issuance and
# delivery each take a Lambda invocation or two.
CASE_TIMEOUT = 120


def _locale_code(locale: str) -> str:
    return "zh-CN" if locale == "zh" else "en"


def use_locale_by_control(page: Page, locale: str) -> None:
    """Switches with the header's language control when the page is in the other one."""
    page.goto("/")
    expect(page.get_by_test_id("lang-switch")).to_be_visible()
    current = page.evaluate("() => localStorage.getItem('ow.locale') || 'zh-CN'")
    if current != _locale_code(locale):
        page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", _locale_code(locale))


def prefer_locale(context: BrowserContext, locale: str) -> None:
    """The stored preference (what the control remembers), set before the app loads."""
    context.add_init_script(f"localStorage.setItem('ow.locale', '{_locale_code(locale)}')")


def sign_in(page: Page, email: str, password: str, a11y: Accessibility | None = None) -> None:
    page.goto("/signin")
    expect(page.get_by_test_id("signin-form")).to_be_visible()
    if a11y:
        a11y.check(page, "sign-in")
    page.get_by_test_id("signin-email").fill(email)
    page.get_by_test_id("signin-password").fill(password)
    page.get_by_test_id("signin-submit").click()
    expect(page.get_by_test_id("user-email")).to_have_text(email, timeout=20_000)


def file_the_application(
    page: Page, locale: str, tmp_path: Path, a11y: Accessibility | None
) -> str:
    """From the guide's apply button to a submitted case: returns its id."""
    page.get_by_test_id("guide-apply").click()
    expect(page.get_by_test_id("apply-form")).to_be_visible(timeout=20_000)

    # The applicant: a person, with a resident ID number whose check character is wrong
    # (checked as typed once it has its 18 characters).
    page.get_by_test_id("apply-kind-person").check()
    page.get_by_test_id("applicant-name").fill(APPLICANT["name"])
    page.get_by_test_id("applicant-phone").fill(APPLICANT["phone"])
    id_number = page.get_by_test_id("applicant-id-number")
    id_number.fill(wrong_resident_id())
    id_error = page.get_by_test_id("error-applicant-idNumber")
    expect(id_error).to_be_visible()
    expect(id_number).to_have_attribute("aria-invalid", "true")

    for name, value in FORM.items():
        page.get_by_test_id(f"field-{name}").fill(value)
    page.get_by_test_id("field-voltageLevel").select_option(label=VOLTAGE[locale])
    page.get_by_test_id("delivery-electronic").check()
    expect(id_error).to_be_visible()
    if a11y:
        a11y.check(page, "apply form, ID number wrong")
    page.evaluate("window.scrollTo(0, 0)")  # the page title, the applicant, the error
    screenshot(page, "apply-id-error", locale)

    id_number.fill(resident_id())
    expect(id_error).to_be_hidden()
    expect(id_number).not_to_have_attribute("aria-invalid", "true")
    # Every value valid: the draft is filed as the applicant goes, then materials upload.
    first_chooser = page.get_by_test_id(f"material-file-{REQUIRED_MATERIALS[0]}")
    try:
        expect(first_chooser).to_be_enabled(timeout=20_000)
    except AssertionError:
        # Say why: a submit attempt shows every field's error.
        page.get_by_test_id("apply-submit").click()
        page.wait_for_timeout(1500)
        shown = page.locator(".field-error").all_inner_texts()
        shown += page.locator('[aria-invalid="true"]').evaluate_all(
            "els => els.map(e => e.id || e.getAttribute('data-testid'))"
        )
        raise AssertionError(
            f"no draft was filed with every value valid (uploads stay disabled); "
            f"errors shown after a submit attempt: {shown}; draft status: "
            f"{page.get_by_test_id('draft-status').inner_text()!r}"
        ) from None

    for code in REQUIRED_MATERIALS:
        pdf = tmp_path / f"{code.lower()}.pdf"
        pdf.write_bytes(small_pdf(f"OneWindow test material {code}"))
        chooser = page.get_by_test_id(f"material-file-{code}")
        expect(chooser).to_be_enabled(timeout=20_000)
        chooser.set_input_files(pdf)
        expect(page.get_by_test_id(f"material-status-{code}")).to_contain_text(
            pdf.name, timeout=30_000
        )
        expect(page.get_by_test_id(f"material-error-{code}")).to_have_count(0)
    if a11y:
        a11y.check(page, "apply form, materials uploaded")

    page.get_by_test_id("apply-submit").click()
    page.wait_for_url("**/cases/*", timeout=30_000)
    application_id = page.url.split("/cases/")[1].split("?")[0].strip("/")
    return application_id


def api_get(web_system: dict[str, str], token: str, path: str) -> dict[str, Any]:
    answer = requests.get(
        web_system["WebUrl"] + "api" + path,
        headers={"Authorization": f"Bearer {token}"},
        timeout=15,
    )
    assert answer.status_code == 200, f"GET {path}: {answer.status_code} {answer.text[:500]}"
    body: dict[str, Any] = answer.json()
    return body


def approve_as_officer(
    new_context: Callable[..., BrowserContext],
    department: str,
    email: str,
    password: str,
    application_id: str,
    locale: str,
    a11y: Accessibility,
    shots: bool,
) -> None:
    context = new_context(locale=locale)
    prefer_locale(context, locale)
    page = context.new_page()
    sign_in(page, email, password)
    page.goto("/console/inbox")
    # The case's task reaches the inbox once acceptance has run and the reviews began.
    row = page.locator(f'[data-testid="inbox-row"][data-application-id="{application_id}"]')

    def task_listed() -> bool:
        if row.count():
            return True
        page.reload()
        expect(
            page.get_by_test_id("inbox-table").or_(page.get_by_test_id("inbox-empty"))
        ).to_be_visible()
        return bool(row.count())

    poll(
        task_listed,
        timeout=CASE_TIMEOUT,
        interval_ms=1500,
        page=page,
        what=f"{department}: the task of {application_id} in the inbox",
    )
    a11y.check(page, f"console inbox ({department})")
    if shots:
        screenshot(page, "console-inbox", locale)

    row.get_by_test_id("inbox-open").click()
    expect(page.get_by_test_id("task-page")).to_be_visible()
    expect(page.get_by_test_id("task-application-id")).to_have_text(application_id)
    expect(page.get_by_test_id("task-form")).to_contain_text(FORM["supplyAddress"])
    materials = page.get_by_test_id("task-materials").get_by_test_id("material")
    expect(materials).to_have_count(len(REQUIRED_MATERIALS))
    for code in REQUIRED_MATERIALS:
        expect(
            materials.and_(page.locator(f'[data-material="{code}"]')).get_by_test_id(
                "material-download"
            )
        ).to_be_visible()
    # A PDF previews in the page.
    materials.first.get_by_test_id("material-preview-toggle").click()
    expect(page.get_by_test_id("material-preview").first).to_be_visible()
    a11y.check(page, f"console task ({department})")
    if shots:
        screenshot(page, "console-task", locale)

    page.get_by_test_id("decision-comment").fill(
        "材料齐全，同意。" if locale == "zh" else "Materials complete; approved."
    )
    page.get_by_test_id("decision-approve").click()
    confirmation = page.get_by_test_id("decision-confirmation")
    expect(confirmation).to_have_attribute("data-decision", "approve", timeout=20_000)
    expect(row).to_have_count(0)
    context.close()


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_citizen_applies_departments_approve_citizen_gets_a_verified_certificate(
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
    citizen_context = browser_context(locale=locale)
    page = citizen_context.new_page()
    use_locale_by_control(page, locale)
    sign_in(page, people["citizen"], password, a11y)

    # The catalog: search, find the item, open its guide.
    page.goto("/")
    page.get_by_test_id("catalog-search").fill(SEARCH[locale])
    page.get_by_test_id("catalog-search-submit").click()
    link = page.get_by_test_id(f"catalog-item-link-{ITEM}")
    expect(link).to_have_text(NAMES[locale])
    a11y.check(page, "catalog")
    screenshot(page, "catalog", locale)
    link.click()
    expect(page.get_by_test_id("guide-title")).to_have_text(NAMES[locale])
    expect(page.get_by_test_id("guide-materials")).to_be_visible()
    a11y.check(page, "item guide")
    screenshot(page, "item-guide", locale)

    application_id = file_the_application(page, locale, tmp_path, a11y)
    a11y.check(page, "case page, submitted")
    token = id_token_of(people["citizen"])
    filed = api_get(web_system, token, f"/applications/{application_id}")
    assert filed["channel"] == "web", readable(filed)

    for department in DEPARTMENTS:
        approve_as_officer(
            browser_context,
            department,
            people[department],
            password,
            application_id,
            locale,
            a11y,
            shots=department == DEPARTMENTS[0],
        )

    # The citizen's case page follows the workflow to the end.
    case_page = page.get_by_test_id("case-page")

    def completed() -> bool:
        page.reload()
        case_page.wait_for(timeout=15_000)
        return case_page.get_attribute("data-status") == "COMPLETED"

    poll(
        completed,
        timeout=CASE_TIMEOUT,
        interval_ms=2000,
        page=page,
        what=f"case {application_id} completed on its page",
    )
    expect(page.get_by_test_id("case-result")).to_be_visible()
    expect(page.get_by_test_id("result-qr")).to_be_visible()
    a11y.check(page, "case page, completed")
    screenshot(page, "case-result", locale)

    with page.expect_download(timeout=30_000) as download_info:
        page.get_by_test_id("result-download").click()
    download = download_info.value
    saved = tmp_path / "certificate.pdf"
    download.save_as(saved)
    assert saved.read_bytes()[:5] == b"%PDF-", f"the download is not a PDF: {download.url}"

    page.get_by_test_id("rating-5").check()
    page.get_by_test_id("rating-comment").fill(
        "全程网办，很方便" if locale == "zh" else "All online, very convenient"
    )
    page.get_by_test_id("rating-submit").click()
    expect(page.get_by_test_id("rating-done")).to_be_visible()
    a11y.check(page, "case page, rated")
    rated = api_get(web_system, token, f"/applications/{application_id}")
    assert (rated.get("feedback") or {}).get("rating") == 5, readable(rated)

    # What a bank clerk opens from the QR code: the verification link, in a fresh browser.
    verify_href = page.get_by_test_id("result-verify-link").get_attribute("href")
    assert verify_href and "/verify/" in verify_href, verify_href
    clerk = browser_context(locale=locale).new_page()
    clerk.goto(verify_href)
    expect(clerk.get_by_test_id("verify-result")).to_have_attribute("data-valid", "true")
    a11y.check(clerk, "verification page")
    screenshot(clerk, "verify", locale)

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()


def test_a_case_filed_on_a_phone_is_the_mobile_channel(
    web_system: dict[str, str],
    people: dict[str, str],
    password: str,
    id_token_of: Callable[[str], str],
    browser_context: Callable[..., BrowserContext],
    tmp_path: Path,
) -> None:
    context = browser_context(locale="zh", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, people["citizen"], password)
    page.goto(f"/catalog/{ITEM}")
    expect(page.get_by_test_id("guide-title")).to_have_text(NAMES["zh"])
    application_id = file_the_application(page, "zh", tmp_path, None)
    filed = api_get(web_system, id_token_of(people["citizen"]), f"/applications/{application_id}")
    assert filed["channel"] == "mobile", readable(filed)
