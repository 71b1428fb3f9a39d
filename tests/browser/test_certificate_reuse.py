"""免证办 in a real browser, in Chinese and in English (and once in Chinese on a 375 px phone).
Over HTTP, an enterprise's 企业设立登记 (SD-KFQ-0001) is filed and approved by each of its
departments, issuing the enterprise a business licence. In the portal the citizen applies for
公章刻制备案 (SD-KFQ-0101) for the same enterprise: the apply page offers the licence for the
material it stands for (result name, number, issued, expiry, valid), the citizen uses it from
the keyboard, uploads the filing form and submits; the case is accepted on it (over the API
its material is the certificate). In the console, PUBSEC's officer finds the material shown as
the issued certificate with its link, and may not look the licence up (403: not the issuer);
ADMIN's officer looks it up on /console/certificates and revokes it: the reason refused
beside the field when missing or short, then a confirmation step, then the revoked record.
The verify page says revoked and since when, without the reason. A new SD-KFQ-0101 draft
shows the licence revoked, why and when, and not selectable; a case that had chosen it
before is returned at acceptance naming it, its page shows the notice beside the panel, and
(in the Chinese desktop run, with a second licence) the citizen picks the valid one and
resubmits. axe-core checks every page shown."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from shared.domain.identifiers import credit_code_check_char
from tests.browser.support import (
    DESKTOP,
    Accessibility,
    issued_through_the_api,
    onboard_officer,
    poll,
    readable,
    resident_id,
    shot,
    wait_until,
)
from tests.browser.test_journey import CASE_TIMEOUT, api_get, prefer_locale, sign_in
from tests.browser.test_reuse import upload

LICENCE_ITEM = "SD-KFQ-0001"  # 企业设立登记 (lead ADMIN): issues the business licence
SEAL_ITEM = "SD-KFQ-0101"  # 公章刻制备案 (PUBSEC): its BUSINESS_LICENCE is an issued certificate
LICENCE = "BUSINESS_LICENCE"
PHONE_375 = {"width": 375, "height": 812}
NAMES = {"zh": "公章刻制备案", "en": "Official seal engraving filing"}
PANEL_TITLE = {
    "zh": "免证办：使用本系统已核发的证照",
    "en": "Use a certificate already issued to you",
}
USE = {"zh": "使用此证照", "en": "Use this certificate"}
IN_USE = {"zh": "已选用", "en": "In use"}
UNDO = {"zh": "不再使用证照", "en": "Stop using a certificate"}
VALID = {"zh": "有效", "en": "Valid"}
REVOKED = {"zh": "已撤销", "en": "Revoked"}
REVOKED_ON = {"zh": "撤销，不能选用", "en": "cannot be used"}
MATERIAL_TEXT = {"zh": "本系统核发证照 No. {no}", "en": "Issued certificate {no}"}
OPEN_CERTIFICATE = {"zh": "查看证照", "en": "Open the certificate"}
FORBIDDEN = {"zh": "不是本部门核发的", "en": "was not issued by your department"}
REASON_MISSING = {"zh": "请填写撤销理由", "en": "Give the reason for revoking it"}
REASON_SHORT = {"zh": "撤销理由至少 4 个字", "en": "The reason needs at least 4 characters"}
VERIFY_REVOKED = {"zh": "该证照已于", "en": "the certificate was revoked on"}
MUST_CHOOSE = {
    "zh": "请选用一份有效的证照后再提交",
    "en": "Use a valid certificate before you submit",
}
REASON = "以欺骗手段取得登记，依法撤销"
# Each run has an enterprise of its own, so one run's licences are not another's.
RUNS = {"zh": 2101, "en": 2102, "zh-375": 2103}


def enterprise(run: str) -> dict[str, str]:
    serial = RUNS[run]
    first17 = f"91370600MA3RU{serial:04d}"
    return {
        "kind": "enterprise",
        "name": f"烟台海川印务有限公司{serial}",
        "creditCode": first17 + credit_code_check_char(first17),
        "legalRepresentative": "王芳",
        "phone": "13800138000",
    }


def licence_for(
    web_system: dict[str, str], token: str, token_of: Callable[[str], str], a: dict[str, str]
) -> dict[str, Any]:
    """Over HTTP: the enterprise's 企业设立登记 approved by its departments: its result."""
    form = {"enterpriseName": a["name"], "legalRepresentative": a["legalRepresentative"]}
    return issued_through_the_api(web_system, token, token_of, LICENCE_ITEM, a, form)


def seal_form(a: dict[str, str]) -> dict[str, str]:
    return {
        "enterpriseName": a["name"],
        "creditCode": a["creditCode"],
        "legalRepId": resident_id(),
        "contactName": a["legalRepresentative"],
        "contactPhone": a["phone"],
    }


def seal_draft(web_system: dict[str, str], token: str, a: dict[str, str]) -> str:
    """Over HTTP: a draft of SD-KFQ-0101 for the enterprise, its filing form uploaded."""
    from infra.local.client import OneWindowClient, sample_form, upload_required

    client = OneWindowClient(web_system["ApiUrl"]).as_user(token)
    item = client.catalog_item(SEAL_ITEM)
    created = client.create(
        {
            "itemId": SEAL_ITEM,
            "applicant": a,
            "form": sample_form(item) | seal_form(a),
            "channel": "web",
            "delivery": {"mode": "electronic"},
        }
    )
    case = str(created["applicationId"])
    upload_required(client, case, item)
    return case


def row_of(page: Page, number: str) -> Any:
    panel = page.get_by_test_id(f"certificate-offer-{LICENCE}")
    return panel.locator(f'[data-testid="certificate"][data-certificate-no="{number}"]')


@pytest.mark.parametrize("run", ["zh", "en", "zh-375"])
def test_an_issued_licence_stands_for_the_material_until_its_department_revokes_it(
    run: str,
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
    locale = run.split("-")[0]
    viewport = PHONE_375 if run.endswith("375") else DESKTOP
    full = run == "zh"  # a second licence: the returned case is answered with it
    applicant = enterprise(run)
    token = id_token_of(people["citizen"])

    # Given a business licence this system issued to the enterprise (and, once, a second)
    licence = licence_for(web_system, token, id_token_of, applicant)
    number, code = licence["certificateNo"], licence["verificationCode"]
    second = licence_for(web_system, token, id_token_of, applicant) if full else None
    # And a seal filing that chose it, not submitted yet
    earlier = seal_draft(web_system, token, applicant)
    from infra.local.client import OneWindowClient

    client = OneWindowClient(web_system["ApiUrl"]).as_user(token)
    client.call(
        "POST",
        f"/applications/{earlier}/materials/certificate",
        body={"materialCode": LICENCE, "certificateNo": number},
    )

    # When the citizen applies for the seal filing for the same enterprise
    context = browser_context(locale=locale, viewport=viewport)
    prefer_locale(context, locale)
    page = context.new_page()
    sign_in(page, people["citizen"], password)
    page.goto(f"/catalog/{SEAL_ITEM}")
    expect(page.get_by_test_id("guide-title")).to_have_text(NAMES[locale])
    page.get_by_test_id("guide-apply").click()
    expect(page.get_by_test_id("apply-form")).to_be_visible(timeout=20_000)
    page.get_by_test_id("applicant-name").fill(applicant["name"])
    page.get_by_test_id("applicant-credit-code").fill(applicant["creditCode"])
    page.get_by_test_id("applicant-legal-representative").fill(applicant["legalRepresentative"])
    page.get_by_test_id("applicant-phone").fill(applicant["phone"])
    for name, value in seal_form(applicant).items():
        page.get_by_test_id(f"field-{name}").fill(value)
    page.get_by_test_id("field-sealKinds").select_option(index=1)
    page.get_by_test_id("delivery-electronic").check()

    # Then, once the draft is filed, the licence is offered for the material it stands for
    panel = page.get_by_test_id(f"certificate-offer-{LICENCE}")
    expect(panel).to_be_visible(timeout=20_000)
    expect(panel).to_contain_text(PANEL_TITLE[locale])
    row = row_of(page, number)
    expect(row).to_have_attribute("data-status", "valid", timeout=20_000)
    expect(row).to_contain_text("《营业执照》")
    expect(row.get_by_test_id("certificate-number")).to_have_text(number)
    expect(row.get_by_test_id("certificate-status")).to_have_text(VALID[locale])
    expect(row.get_by_test_id("certificate-issued")).not_to_be_empty()
    # (the form's long seal-kind options and the panel fit the screen: nothing scrolls sideways)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the apply page scrolls sideways: {width} px"
    expect(row.get_by_test_id("certificate-expires")).not_to_be_empty()
    a11y.check(page, "apply form, issued licence offered")
    panel.scroll_into_view_if_needed()
    shot(page, "apply-certificate-offered", locale)

    # When the citizen uses it from the keyboard
    use = row.get_by_role("button", name=USE[locale])
    use.focus()
    page.keyboard.press("Enter")

    # Then it is marked as the one in use (the focus on the mark), and is the case's material
    chosen = row.get_by_test_id("certificate-chosen")
    expect(chosen).to_contain_text(IN_USE[locale])
    expect(chosen).to_be_focused()
    expect(row).to_have_attribute("data-chosen", "true")
    expect(panel).to_have_attribute("data-chosen", number)
    expect(row.get_by_role("button", name=USE[locale])).to_have_count(0)
    expect(row.get_by_test_id("certificate-undo")).to_contain_text(UNDO[locale])
    draft = page.url.split("draft=")[1].split("&")[0]
    settle.append(draft)
    material = api_get(web_system, token, f"/applications/{draft}")["materials"][LICENCE]
    assert material.get("certificateNo") == number, readable(material)
    if second:
        # The other valid licence may be switched to (and back)
        other = row_of(page, second["certificateNo"])
        expect(other.get_by_role("button")).to_be_visible()
    a11y.check(page, "apply form, licence in use")

    # When the filing form is uploaded and the case submitted
    upload(page, "APPLICATION_FORM", tmp_path)
    page.get_by_test_id("apply-submit").click()
    page.wait_for_url("**/cases/*", timeout=30_000)
    case = page.url.split("/cases/")[1].split("?")[0].strip("/")
    assert case == draft, (case, draft)

    # Then it is accepted on the licence
    view = poll(
        lambda: (
            (v := api_get(web_system, token, f"/applications/{case}"))["status"] == "IN_APPROVAL"
            and v.get("reviews")
            and v
        ),
        timeout=CASE_TIMEOUT,
        interval_ms=1500,
        page=page,
        what=f"{case} accepted",
    )
    assert view["materials"][LICENCE]["certificateNo"] == number, readable(view["materials"])
    task = next(r["taskId"] for r in view["reviews"] if r["department"] == "PUBSEC")
    a11y.check(page, "case page, accepted on the issued licence")

    # When PUBSEC's officer opens the task
    officer = browser_context(locale=locale, viewport=viewport)
    prefer_locale(officer, locale)
    reviewer = officer.new_page()
    sign_in(reviewer, onboard_officer(web_system, "PUBSEC"), password)
    reviewer.goto(f"/console/tasks/{task}")
    # Then the material is the issued certificate, its link opening it: not an upload
    item = reviewer.get_by_test_id("task-materials").locator(
        f'[data-testid="material"][data-material="{LICENCE}"]'
    )
    mark = item.get_by_test_id("material-certificate")
    expect(mark).to_have_attribute("data-certificate-no", number, timeout=20_000)
    expect(mark).to_have_text(MATERIAL_TEXT[locale].format(no=number))
    expect(item.get_by_test_id("material-download")).to_have_text(OPEN_CERTIFICATE[locale])
    expect(item.get_by_test_id("material-download")).to_have_attribute("href", re.compile(r".+"))
    expect(item).not_to_contain_text(f"{number}.pdf")
    a11y.check(reviewer, "task page, material from an issued certificate")
    item.scroll_into_view_if_needed()
    shot(reviewer, "console-task-issued-certificate", locale)
    # And, not the issuing department, PUBSEC may not look the licence up
    reviewer.goto(f"/console/certificates?no={number}")
    expect(reviewer.get_by_test_id("certificate-lookup-error")).to_contain_text(FORBIDDEN[locale])
    expect(reviewer.get_by_test_id("certificate-record")).to_have_count(0)

    # When ADMIN's officer looks it up on the certificates page
    admin_context = browser_context(locale=locale, viewport=viewport)
    prefer_locale(admin_context, locale)
    admin = admin_context.new_page()
    sign_in(admin, onboard_officer(web_system, "ADMIN"), password)
    admin.goto("/console/inbox")
    admin.get_by_test_id("console-nav-certificates").click()
    expect(admin.get_by_test_id("certificates-page")).to_be_visible()
    a11y.check(admin, "certificates page")
    # (no number: said beside the field)
    admin.get_by_test_id("certificate-lookup-submit").click()
    expect(admin.get_by_test_id("certificate-number-error")).to_be_visible()
    admin.get_by_test_id("certificate-number").fill(number)
    admin.get_by_test_id("certificate-number").press("Enter")
    record = admin.get_by_test_id("certificate-record")
    expect(record).to_have_attribute("data-status", "valid")
    expect(record).to_contain_text("《营业执照》")
    expect(record).to_contain_text(licence["applicationId"])

    # Then the reason is asked for beside its field: missing, then too short
    reason = admin.get_by_test_id("certificate-revoke-reason")
    error = admin.get_by_test_id("certificate-revoke-reason-error")
    admin.get_by_test_id("certificate-revoke").click()
    expect(error).to_have_text(REASON_MISSING[locale])
    expect(admin.locator("#cert-reason")).to_be_focused()
    expect(admin.locator("#cert-reason")).to_have_attribute("aria-invalid", "true")
    reason.fill("撤")
    admin.get_by_test_id("certificate-revoke").click()
    expect(error).to_have_text(REASON_SHORT[locale])
    a11y.check(admin, "certificates page, the reason refused")
    # When a reason is given, the revocation confirmed
    reason.fill(REASON)
    admin.get_by_test_id("certificate-revoke").click()
    confirmation = admin.get_by_test_id("certificate-revoke-confirmation")
    expect(confirmation).to_contain_text(number)
    expect(confirmation).to_contain_text(REASON)
    expect(error).to_have_count(0)
    a11y.check(admin, "certificates page, confirming the revocation")
    shot(admin, "console-certificate-confirm", locale)
    admin.get_by_test_id("certificate-revoke-confirm").click()

    # Then the record is revoked, with when and why
    expect(record).to_have_attribute("data-status", "revoked")
    expect(admin.get_by_test_id("certificate-record-status")).to_have_text(REVOKED[locale])
    expect(admin.get_by_test_id("certificate-record-revoked-reason")).to_have_text(REASON)
    expect(admin.get_by_test_id("certificate-record-revoked-at")).not_to_be_empty()
    expect(admin.get_by_test_id("certificate-notice")).to_contain_text(number)
    expect(admin.get_by_test_id("certificate-revoke-form")).to_have_count(0)
    a11y.check(admin, "certificates page, revoked")
    shot(admin, "console-certificate-revoked", locale)
    seen = api_get(
        web_system, id_token_of(onboard_officer(web_system, "ADMIN")), f"/certificates/{number}"
    )
    assert seen["status"] == "revoked" and seen["revokedReason"] == REASON, readable(seen)

    # And the verify page says it is revoked and since when, not why
    visitor_context = browser_context(locale=locale, viewport=viewport)
    prefer_locale(visitor_context, locale)
    visitor = visitor_context.new_page()
    visitor.goto(f"/verify/{number}?code={code}")
    verdict = visitor.get_by_test_id("verify-result")
    expect(verdict).to_have_attribute("data-status", "revoked")
    expect(verdict).to_have_attribute("data-valid", "false")
    expect(visitor.get_by_test_id("verify-verdict")).to_contain_text(VERIFY_REVOKED[locale])
    expect(visitor.get_by_test_id("verify-status")).to_have_text(REVOKED[locale])
    expect(visitor.get_by_test_id("verify-revoked-at")).not_to_be_empty()
    expect(visitor.locator("main")).not_to_contain_text(REASON)
    a11y.check(visitor, "verify page, revoked")
    shot(visitor, "verify-revoked", locale)

    # And a new seal filing shows the licence revoked, why and when, and not selectable
    later = seal_draft(web_system, token, applicant)
    page.goto(f"/apply/{SEAL_ITEM}?draft={later}")
    row = row_of(page, number)
    expect(row).to_have_attribute("data-status", "revoked", timeout=20_000)
    expect(row.get_by_test_id("certificate-status")).to_have_text(REVOKED[locale])
    why = row.get_by_test_id("certificate-why")
    expect(why).to_contain_text(REVOKED_ON[locale])
    expect(why).to_contain_text(REASON)
    expect(row.get_by_role("button")).to_have_count(0)
    a11y.check(page, "apply form, licence revoked")
    page.get_by_test_id(f"certificate-offer-{LICENCE}").scroll_into_view_if_needed()
    shot(page, "apply-certificate-revoked", locale)

    # When the filing that chose it before is submitted, acceptance returns it naming the licence
    client.submit(earlier)
    settle.append(earlier)
    returned = wait_until(
        lambda: (v := client.application(earlier))["status"] == "RETURNED" and v,
        f"{earlier} returned",
    )
    (listed,) = [
        m for m in returned["acceptance"]["missing"] if m["field"] == f"materials.{LICENCE}"
    ]
    assert number in listed["reason"] and "revoked" in listed["reason"], readable(listed)
    page.goto(f"/cases/{earlier}")
    expect(page.get_by_test_id("case-returned")).to_be_visible()
    notice = page.get_by_test_id(f"certificate-notice-{LICENCE}")
    expect(notice).to_contain_text(number)
    row = row_of(page, number)
    expect(row).to_have_attribute("data-status", "revoked")
    expect(row).to_have_attribute("data-chosen", "true")
    expect(page.get_by_test_id(f"certificate-chosen-problem-{LICENCE}")).to_be_visible()
    a11y.check(page, "case page, returned for the revoked licence")
    notice.scroll_into_view_if_needed()
    shot(page, "case-certificate-returned", locale)

    if second:
        # A resubmission without a valid licence is refused beside the panel
        page.get_by_test_id("case-resubmit").click()
        expect(page.get_by_test_id(f"certificate-error-{LICENCE}")).to_contain_text(
            MUST_CHOOSE[locale]
        )
        expect(page.get_by_test_id(f"certificate-offer-{LICENCE}")).to_be_focused()
        # "Stop using a certificate" gives the revoked one up: the case uses none
        row.get_by_test_id("certificate-undo").click()
        panel = page.get_by_test_id(f"certificate-offer-{LICENCE}")
        expect(panel).to_have_attribute("data-chosen", "")
        expect(row_of(page, number)).to_have_attribute("data-chosen", "false")
        expect(page.get_by_test_id(f"certificate-chosen-problem-{LICENCE}")).to_have_count(0)
        assert api_get(web_system, token, f"/applications/{earlier}/certificates")  # (read)
        # When the citizen uses the valid one and resubmits, the case is accepted on it
        valid = row_of(page, second["certificateNo"])
        valid.get_by_role("button").click()
        expect(valid.get_by_test_id("certificate-chosen")).to_be_visible()
        page.get_by_test_id("case-resubmit").click()
        poll(
            lambda: (
                api_get(web_system, token, f"/applications/{earlier}")["status"] == "IN_APPROVAL"
            ),
            timeout=CASE_TIMEOUT,
            interval_ms=1500,
            page=page,
            what=f"{earlier} accepted on the second licence",
        )
        shown = api_get(web_system, token, f"/applications/{earlier}")["materials"][LICENCE]
        assert shown["certificateNo"] == second["certificateNo"], readable(shown)

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
