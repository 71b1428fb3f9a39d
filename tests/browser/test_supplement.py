"""The return for supplement (补正) in a real browser, in Chinese and in English: a citizen
fills in the application for SD-KFQ-0010 and uploads only two of its four required
materials; the apply page refuses to submit and names the two still missing. A case filed
that way anyway (the API's submit does not judge materials: acceptance does, as it does
for a case filed at the counter or by another client) is returned with a one-time notice
listing everything missing; on the case page the citizen uploads exactly those materials
and resubmits, and the case goes back through acceptance into approval. axe-core checks
the case page while it is returned."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import ITEM
from tests.browser.support import Accessibility, poll, readable, resident_id, small_pdf
from tests.browser.test_journey import (
    APPLICANT,
    CASE_TIMEOUT,
    FORM,
    NAMES,
    REQUIRED_MATERIALS,
    VOLTAGE,
    api_get,
    sign_in,
    use_locale_by_control,
)

UPLOADED_FIRST = ("APPLICATION_FORM", "ID_CARD")
LEFT_OUT = ("BUSINESS_LICENCE", "PROPERTY_PROOF")
MATERIAL_NAMES = {
    "BUSINESS_LICENCE": {"zh": "营业执照", "en": "Business licence"},
    "PROPERTY_PROOF": {
        "zh": "用电用水地址产权证明或租赁合同",
        "en": "Property title or lease of the supply address",
    },
}
RESUBMITTED = {"zh": "补正后重新提交", "en": "Resubmitted after supplement"}
assert set(UPLOADED_FIRST) | set(LEFT_OUT) == set(REQUIRED_MATERIALS)


def upload(page: Page, scope: Any, code: str, tmp_path: Path) -> None:
    pdf = tmp_path / f"{code.lower()}.pdf"
    pdf.write_bytes(small_pdf(f"OneWindow test material {code}"))
    chooser = scope.get_by_test_id(f"material-file-{code}")
    expect(chooser).to_be_enabled(timeout=20_000)
    chooser.set_input_files(pdf)
    expect(scope.get_by_test_id(f"material-status-{code}")).to_contain_text(
        pdf.name, timeout=30_000
    )
    expect(page.get_by_test_id(f"material-error-{code}")).to_have_count(0)


def fill_in_with_two_materials(page: Page, locale: str, tmp_path: Path) -> str:
    """The apply form, every value valid, two required materials uploaded and two not:
    the draft's id once the page refused to submit it."""
    page.goto(f"/catalog/{ITEM}")
    expect(page.get_by_test_id("guide-title")).to_have_text(NAMES[locale])
    page.get_by_test_id("guide-apply").click()
    expect(page.get_by_test_id("apply-form")).to_be_visible(timeout=20_000)
    page.get_by_test_id("apply-kind-person").check()
    page.get_by_test_id("applicant-name").fill(APPLICANT["name"])
    page.get_by_test_id("applicant-phone").fill(APPLICANT["phone"])
    page.get_by_test_id("applicant-id-number").fill(resident_id())
    for name, value in FORM.items():
        page.get_by_test_id(f"field-{name}").fill(value)
    page.get_by_test_id("field-voltageLevel").select_option(label=VOLTAGE[locale])
    page.get_by_test_id("delivery-electronic").check()
    for code in UPLOADED_FIRST:
        upload(page, page, code, tmp_path)

    # The apply page does not file a case it knows to be incomplete: it names what is left.
    page.get_by_test_id("apply-submit").click()
    refusal = page.get_by_test_id("apply-error")
    for code in LEFT_OUT:
        expect(refusal).to_contain_text(MATERIAL_NAMES[code][locale])
    for code in UPLOADED_FIRST:
        expect(page.get_by_test_id(f"material-status-{code}")).not_to_be_empty()
    assert "/apply/" in page.url and "draft=" in page.url, page.url
    return page.url.split("draft=")[1].split("&")[0]


def _text(value: Any) -> str:
    text = str(value)
    return text[:-2] if isinstance(value, float) and text.endswith(".0") else text


def submit_through_the_api(
    web_system: dict[str, str], token: str, application_id: str, page: Page
) -> None:
    """Files the draft as it stands, once the page's saves have every form value."""

    def saved() -> bool:
        draft = api_get(web_system, token, f"/applications/{application_id}")
        form = draft.get("form") or {}
        same = all(_text(form.get(name)) == value for name, value in FORM.items())
        return draft["status"] == "DRAFT" and same and bool(form.get("voltageLevel"))

    poll(saved, timeout=30, interval_ms=500, page=page, what="the draft saved with every value")
    answer = requests.post(
        f"{web_system['WebUrl']}api/applications/{application_id}/submit",
        headers={"Authorization": f"Bearer {token}"},
        timeout=15,
    )
    assert answer.status_code in (200, 202), f"submit: {answer.status_code} {answer.text[:500]}"


def wait_for_status(page: Page, status: str, what: str, also: str | None = None) -> None:
    """Reloads the case page until its data-status is `status` (and, with `also`, its
    timeline shows that action)."""
    case_page = page.get_by_test_id("case-page")

    def reached() -> bool:
        page.reload()
        case_page.wait_for(timeout=15_000)
        if case_page.get_attribute("data-status") != status:
            return False
        return also is None or bool(
            page.get_by_test_id("case-timeline").locator(f'[data-action="{also}"]').count()
        )

    poll(reached, timeout=CASE_TIMEOUT, interval_ms=1500, page=page, what=what)


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_case_returned_for_supplement_is_supplemented_on_its_page_and_accepted(
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
    page = browser_context(locale=locale).new_page()
    use_locale_by_control(page, locale)
    sign_in(page, people["citizen"], password)
    application_id = fill_in_with_two_materials(page, locale, tmp_path)
    token = id_token_of(people["citizen"])
    submit_through_the_api(web_system, token, application_id, page)

    # The citizen finds the case among theirs and opens it.
    page.goto("/cases")
    page.get_by_test_id(f"case-link-{application_id}").click()
    expect(page.get_by_test_id("case-id")).to_have_text(application_id)
    # Returned by acceptance, and the workflow waiting for the supplement.
    wait_for_status(
        page,
        "RETURNED",
        f"case {application_id} returned for supplement on its page",
        also="awaiting_supplement",
    )

    # The one-time notice: everything missing, at once, and nothing else.
    notice = page.get_by_test_id("case-returned")
    expect(notice).to_be_visible()
    missing = notice.get_by_test_id("case-missing").locator("li")
    expect(missing).to_have_count(len(LEFT_OUT))
    fields = missing.evaluate_all("els => els.map(e => e.dataset.field)")
    assert sorted(fields) == sorted(f"materials.{code}" for code in LEFT_OUT), fields
    for code in LEFT_OUT:
        expect(missing.and_(page.locator(f'[data-field="materials.{code}"]'))).to_contain_text(
            MATERIAL_NAMES[code][locale]
        )
        expect(notice.get_by_test_id(f"material-{code}")).to_be_visible()
    for code in UPLOADED_FIRST:  # what acceptance found is not asked for again
        expect(notice.get_by_test_id(f"material-{code}")).to_have_count(0)
    a11y.check(page, "case page, returned")

    for code in LEFT_OUT:
        upload(page, notice, code, tmp_path)
    a11y.check(page, "case page, returned, supplement uploaded")

    notice.get_by_test_id("case-resubmit").click()
    expect(page.get_by_test_id("resubmit-error")).to_have_count(0)
    expect(page.get_by_test_id("case-returned")).to_have_count(0, timeout=20_000)

    wait_for_status(page, "IN_APPROVAL", f"case {application_id} in approval after the supplement")
    expect(page.get_by_test_id("case-returned")).to_have_count(0)
    timeline = page.get_by_test_id("case-timeline")
    for action in ("returned", "awaiting_supplement", "in_approval"):
        expect(timeline.locator(f'[data-action="{action}"]').first).to_be_attached()
    # The first submission and the resubmission, told apart on the page.
    submissions = timeline.locator('[data-action="submitted"]')
    expect(submissions).to_have_count(2)
    expect(submissions.last).to_contain_text(RESUBMITTED[locale])
    expect(submissions.first).not_to_contain_text(RESUBMITTED[locale])
    a11y.check(page, "case page, in approval after supplement")

    case = api_get(web_system, token, f"/applications/{application_id}")
    assert case["status"] == "IN_APPROVAL", readable(case)
    assert (case.get("acceptance") or {}).get("outcome") == "ACCEPTED", readable(case)
    assert not (case.get("acceptance") or {}).get("missing"), readable(case)
    assert set(case["materials"]) >= set(REQUIRED_MATERIALS), readable(case["materials"])

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
