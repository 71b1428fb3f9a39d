"""可复用 in a real browser, in Chinese and in English: an enterprise's case of SD-KFQ-0018 (fire
safety check) is accepted over HTTP by a window clerk who checked its business licence and
its legal representative's ID card against the originals. The same citizen then applies for
SD-KFQ-0002 (食品经营许可) for the same enterprise: the apply page offers those two documents,
checked by whom, when and until when; the citizen reuses both (one replaced by an upload
and reused again on the way), the page's completeness check counts them as provided, uploads
the rest and submits. Over the API the case's two materials are the checked documents
(`reusedFrom`, `originalCheckedBy`), and the case waits at the window for the application
form's original. The window clerk's case page then shows the two as checked already: that
part waits for the staff's material views to carry the check (see its test). axe-core checks
the apply page with the offers and once reused, the case page and the window case."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from shared.domain.identifiers import credit_code_check_char
from tests.browser.support import (
    Accessibility,
    poll,
    readable,
    screenshot,
    small_pdf,
    username_of,
    wait_until,
)
from tests.browser.test_journey import CASE_TIMEOUT, api_get, prefer_locale, sign_in
from tests.browser.test_window import decided, open_case, wait_at_the_window

CHECKED_AT_THE_WINDOW = "SD-KFQ-0018"
ITEM = "SD-KFQ-0002"
NAMES = {"zh": "食品经营许可", "en": "Food business licence"}
REUSED = ("BUSINESS_LICENCE", "ID_CARD")  # 营业执照, 法定代表人身份证: in both items
UPLOADED = ("APPLICATION_FORM", "PREMISES_LAYOUT", "SAFETY_RULES")
MATERIAL_NAMES = {
    "APPLICATION_FORM": {
        "zh": "食品经营许可申请书",
        "en": "Food business licence application form",
    },
    "PREMISES_LAYOUT": {
        "zh": "经营场所平面布局图",
        "en": "Floor plan of the premises",
    },
    "SAFETY_RULES": {"zh": "食品安全管理制度文本", "en": "Food safety management rules"},
    "BUSINESS_LICENCE": {"zh": "营业执照", "en": "Business licence"},
    "ID_CARD": {"zh": "法定代表人身份证", "en": "Legal representative's resident ID card"},
}
OFFERED = {"zh": "已核验原件，可直接复用", "en": "Checked against the original — reuse it"}
REUSED_STATUS = {"zh": "复用（已核验原件）", "en": "Reused (checked against the original)"}
UPLOAD_INSTEAD = {"zh": "改为上传其他文件", "en": "Upload a different file instead"}
ALREADY_CHECKED = {"zh": "无需再次查验", "en": "no need to see it again"}
# Each locale's run has an enterprise of its own, so one run's checks are not the other's.
ENTERPRISE_SERIAL = {"zh": 1801, "en": 1802}


def enterprise(locale: str, test: int = 0) -> dict[str, str]:
    """An enterprise of this locale's run and of one test (with a valid credit code)."""
    serial = ENTERPRISE_SERIAL[locale] + 100 * test
    first17 = f"91370600MA3RU{serial:04d}"
    return {
        "kind": "enterprise",
        "name": f"烟台海川餐饮管理有限公司{serial}",
        "creditCode": first17 + credit_code_check_char(first17),
        "legalRepresentative": "王芳",
        "phone": "13800138000",
    }


def checked_at_the_window(
    web_system: dict[str, str], citizen_token: str, clerk_token: str, applicant: dict[str, str]
) -> str:
    """Over HTTP: a case of SD-KFQ-0018 for the enterprise, accepted by the window clerk with
    the application form, the business licence and the legal representative's ID card
    checked against their originals (as tests/integration/test_reuse.py does): its id."""
    from infra.local.client import OneWindowClient, upload_required

    client = OneWindowClient(web_system["ApiUrl"]).as_user(citizen_token)
    clerk = OneWindowClient(web_system["ApiUrl"]).as_user(clerk_token)
    case, item = _drafted(client, CHECKED_AT_THE_WINDOW, applicant)
    upload_required(client, case, item)
    client.submit(case)
    wait_until(lambda: client.application(case).get("atWindowSince"), f"{case} at the window")
    clerk.call(
        "POST",
        f"/window/tasks/{case}/decision",
        body={"outcome": "accept", "checkedOriginals": ["APPLICATION_FORM", *REUSED]},
    )
    wait_until(
        lambda: client.application(case)["status"] == "IN_APPROVAL",
        f"{case} accepted by the clerk",
    )
    return case


def fill_in(page: Page, locale: str, applicant: dict[str, str]) -> None:
    """The apply form of SD-KFQ-0002 for the enterprise, every value valid, to be picked up."""
    page.goto(f"/catalog/{ITEM}")
    expect(page.get_by_test_id("guide-title")).to_have_text(NAMES[locale])
    page.get_by_test_id("guide-apply").click()
    expect(page.get_by_test_id("apply-form")).to_be_visible(timeout=20_000)
    page.get_by_test_id("apply-kind-enterprise").check()
    page.get_by_test_id("applicant-name").fill(applicant["name"])
    page.get_by_test_id("applicant-credit-code").fill(applicant["creditCode"])
    page.get_by_test_id("applicant-legal-representative").fill(applicant["legalRepresentative"])
    page.get_by_test_id("applicant-phone").fill(applicant["phone"])
    form = {
        "enterpriseName": applicant["name"],
        "creditCode": applicant["creditCode"],
        "premisesAddress": "烟台经济技术开发区长江路100号",
        "businessItems": "预包装食品销售、热食类食品制售",
        "contactName": applicant["legalRepresentative"],
        "contactPhone": applicant["phone"],
    }
    for name, value in form.items():
        page.get_by_test_id(f"field-{name}").fill(value)
    page.get_by_test_id("delivery-pickup").check()


def upload(page: Page, code: str, tmp_path: Path, title: str | None = None) -> str:
    pdf = tmp_path / f"{(title or code).lower()}.pdf"
    pdf.write_bytes(small_pdf(f"OneWindow reuse test {title or code}"))
    chooser = page.get_by_test_id(f"material-file-{code}")
    expect(chooser).to_be_enabled(timeout=20_000)
    chooser.set_input_files(pdf)
    expect(page.get_by_test_id(f"material-status-{code}")).to_contain_text(pdf.name, timeout=30_000)
    return pdf.name


def reuse(page: Page, locale: str, code: str) -> None:
    page.get_by_test_id(f"material-reuse-button-{code}").click()
    status = page.get_by_test_id(f"material-status-{code}")
    expect(status).to_have_attribute("data-reused", "true")
    expect(status).to_contain_text(REUSED_STATUS[locale])
    expect(page.get_by_test_id(f"material-reuse-{code}")).to_have_count(0)
    expect(page.locator(f'label[for="material-input-{code}"]')).to_contain_text(
        UPLOAD_INSTEAD[locale]
    )


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_citizen_reuses_documents_checked_against_their_originals_in_an_earlier_case(
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
    # Given a case of the enterprise whose licence and legal representative's ID a clerk checked
    applicant = enterprise(locale)
    token = id_token_of(people["citizen"])
    clerk_name = username_of(id_token_of(people["window"]))
    first = checked_at_the_window(web_system, token, id_token_of(people["window"]), applicant)
    settle.append(first)

    # When the same citizen applies for another item for the same enterprise
    context = browser_context(locale=locale)
    prefer_locale(context, locale)
    page = context.new_page()
    sign_in(page, people["citizen"], password)
    fill_in(page, locale, applicant)

    # Then, once the draft is filed, both documents are offered: the file, who checked it
    # and when, in which case, and until when
    for code in REUSED:
        offer = page.get_by_test_id(f"material-reuse-{code}")
        expect(offer).to_be_visible(timeout=20_000)
        expect(offer).to_have_attribute("data-from", first)
        expect(offer).to_contain_text(OFFERED[locale])
        expect(offer).to_contain_text(f"{code.lower()}.pdf")
        expect(offer).to_contain_text(first)
        checked = page.get_by_test_id(f"material-reuse-checked-{code}")
        expect(checked).to_have_attribute("data-checked-by", clerk_name)
        until = page.get_by_test_id(f"material-reuse-until-{code}").get_attribute("data-until")
        checked_at = checked.get_attribute("data-checked-at")
        assert until and checked_at and until > checked_at, (until, checked_at)
    # Nothing is offered for a material no clerk checked
    for code in UPLOADED:
        expect(page.get_by_test_id(f"material-reuse-{code}")).to_have_count(0)
    a11y.check(page, "apply form, checked documents offered")
    page.get_by_test_id(f"material-{REUSED[0]}").scroll_into_view_if_needed()
    screenshot(page, "apply-reuse-offered", locale)

    # When the citizen reuses both, the ID card replaced by an upload, then reused again
    for code in REUSED:
        reuse(page, locale, code)
    other = upload(page, "ID_CARD", tmp_path, title="another_id_card")
    status = page.get_by_test_id("material-status-ID_CARD")
    expect(status).not_to_have_attribute("data-reused", "true")
    expect(page.get_by_test_id("material-reuse-ID_CARD")).to_be_visible()
    draft = page.url.split("draft=")[1].split("&")[0]
    settle.append(draft)
    replaced = api_get(web_system, token, f"/applications/{draft}")["materials"]["ID_CARD"]
    assert (replaced.get("fileName"), replaced.get("reusedFrom")) == (other, None), readable(
        replaced
    )
    reuse(page, locale, "ID_CARD")

    # Then the page's completeness check counts them as provided: it asks for the rest only
    page.get_by_test_id("apply-submit").click()
    refusal = page.get_by_test_id("apply-error")
    for code in UPLOADED:
        expect(refusal).to_contain_text(MATERIAL_NAMES[code][locale])
    for code in REUSED:
        expect(refusal).not_to_contain_text(MATERIAL_NAMES[code][locale])
    assert "/apply/" in page.url, page.url
    a11y.check(page, "apply form, documents reused")

    # When the rest is uploaded and the case submitted
    for code in UPLOADED:
        upload(page, code, tmp_path)
    page.get_by_test_id("apply-submit").click()
    page.wait_for_url("**/cases/*", timeout=30_000)
    case = page.url.split("/cases/")[1].split("?")[0].strip("/")
    assert case == draft, (case, draft)

    # Then the case's two materials are the documents checked in the first case, and it
    # waits at the window for the application form's original
    wait_at_the_window(page, case)
    a11y.check(page, "case page, waiting at the window with reused documents")
    view = api_get(web_system, token, f"/applications/{case}")
    assert view["atWindowSince"], readable(view)
    for code in REUSED:
        material = view["materials"][code]
        assert material.get("reusedFrom") == first, readable(material)
        assert material.get("originalCheckedBy") == clerk_name, readable(material)
        assert material.get("originalCheckedAt"), readable(material)
        assert material.get("fileName") == f"{code.lower()}.pdf", readable(material)
    for code in UPLOADED:
        assert view["materials"][code].get("reusedFrom") is None, readable(view["materials"])

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()


def reused_at_the_window(
    web_system: dict[str, str], token: str, first: str, applicant: dict[str, str]
) -> str:
    """Over HTTP: a case of SD-KFQ-0002 for the enterprise with the two checked documents
    reused and the rest uploaded, submitted and waiting at the window: its id."""
    from infra.local.client import OneWindowClient, upload_required

    client = OneWindowClient(web_system["ApiUrl"]).as_user(token)
    case, item = _drafted(client, ITEM, applicant)
    upload_required(client, case, item, skip=frozenset(REUSED))
    for code in REUSED:
        done = client.call(
            "POST", f"/applications/{case}/materials/reuse", body={"materialCode": code}
        )
        assert done["fromApplicationId"] == first, readable(done)
    client.submit(case)
    wait_until(lambda: client.application(case).get("atWindowSince"), f"{case} at the window")
    return case


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_window_clerk_finds_reused_documents_checked_already(
    locale: str,
    web_system: dict[str, str],
    people: dict[str, str],
    password: str,
    id_token_of: Callable[[str], str],
    browser_context: Callable[..., BrowserContext],
    a11y: Accessibility,
    settle: list[str],
) -> None:
    # Given a case that reused the enterprise's licence and ID card, waiting at the window
    applicant = enterprise(locale, test=1)
    token = id_token_of(people["citizen"])
    clerk_token = id_token_of(people["window"])
    clerk_name = username_of(clerk_token)
    first = checked_at_the_window(web_system, token, clerk_token, applicant)
    settle.append(first)
    case = reused_at_the_window(web_system, token, first, applicant)
    settle.append(case)

    # When the clerk opens it and chooses to accept
    context = browser_context(locale=locale)
    prefer_locale(context, locale)
    clerk = context.new_page()
    sign_in(clerk, people["window"], password)
    open_case(clerk, case)
    clerk.get_by_test_id("window-outcome-accept").check()

    # Then the materials say the two were checked, by whom and in which case
    materials = clerk.get_by_test_id("task-materials")
    for code in REUSED:
        row = materials.locator(f'[data-testid="material"][data-material="{code}"]')
        mark = row.get_by_test_id("material-original-checked")
        expect(mark).to_have_attribute("data-reused-from", first)
        expect(mark).to_have_attribute("data-checked-by", clerk_name)
        expect(mark).to_contain_text(first)
        # And the originals' choice has them ticked already, not to be checked again
        box = clerk.get_by_test_id(f"window-original-{code}")
        expect(box).to_be_checked()
        expect(box).to_be_disabled()
        expect(clerk.get_by_test_id(f"window-original-note-{code}")).to_contain_text(
            ALREADY_CHECKED[locale]
        )
    expect(clerk.get_by_test_id("window-original-APPLICATION_FORM")).to_be_enabled()
    a11y.check(clerk, "window case, reused documents checked already")

    # When the clerk accepts, checking the application form's original only
    clerk.get_by_test_id("window-original-APPLICATION_FORM").check()
    clerk.get_by_test_id("window-submit").click()
    decided(clerk, "accept")

    # Then the clerk's decision names the form alone: the first checks stand
    poll(
        lambda: api_get(web_system, token, f"/applications/{case}")["status"] == "IN_APPROVAL",
        timeout=CASE_TIMEOUT,
        interval_ms=1500,
        page=clerk,
        what=f"case {case} accepted",
    )
    view = api_get(web_system, token, f"/applications/{case}")
    clerk_decision = (view.get("acceptance") or {}).get("clerk") or {}
    assert clerk_decision.get("checkedOriginals") == ["APPLICATION_FORM"], readable(clerk_decision)
    for code in REUSED:
        assert view["materials"][code]["originalCheckedBy"] == clerk_name
        assert view["materials"][code]["reusedFrom"] == first
    a11y.assert_clean()


def _drafted(client: Any, item_id: str, applicant: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """Over HTTP: a draft of the item for the enterprise, its form filled in: its id, and
    the item as the catalog serves it."""
    from infra.local.client import sample_form

    item: dict[str, Any] = client.catalog_item(item_id)
    form = sample_form(item) | {
        "enterpriseName": applicant["name"],
        "creditCode": applicant["creditCode"],
    }
    created = client.create(
        {
            "itemId": item_id,
            "applicant": applicant,
            "form": form,
            "channel": "web",
            "delivery": {"mode": "pickup"},
        }
    )
    return str(created["applicationId"]), item
