"""容缺受理 at the window in a real browser, in Chinese and in English, at a desktop's width and
at a phone's: a window clerk files SD-KFQ-0010 for a walk-in applicant, scans in three of its
four required materials and leaves the property proof (which the catalog lets come later)
unscanned. The screen offers "accept now, supplied later on commitment" for that one material
alone; choosing it opens the signing panel, the applicant's name already the signer. Signing
without the agreement ticked is refused on the screen; an answer of the API's that the
applicant is barred (a broken commitment before: simulated, the bar itself needs a deadline
missed) shows, clearly, under the materials it names. Ticked and signed, the screen shows the
text as the API returned it, the signer, the clerk as witness, the time and the digest. The
clerk submits (the property proof no longer holds it back); the filed view says the case is
to be accepted on commitment with the proof still to come. Through the API: the commitment
stored on the case (its audit trail: the stored record's fields) is the one on the screen,
signed by the applicant, witnessed by the clerk, with the same digest. The clerk accepts it at
the window; the case goes to approval with the commitment's due date set, and the filed view
says by when the proof is due. axe-core checks each step."""

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.support import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    Accessibility,
    poll,
    readable,
    resident_id,
    username_of,
)
from tests.browser.test_audit import case_trail
from tests.browser.test_journey import CASE_TIMEOUT, FORM, VOLTAGE, api_get, prefer_locale, sign_in
from tests.browser.test_supplement import upload
from tests.browser.test_window import decided

ITEM = "SD-KFQ-0010"
LATER = "PROPERTY_PROOF"  # 用电用水地址产权证明或租赁合同: commitmentAllowed in the catalog
SCANNED = ("APPLICATION_FORM", "BUSINESS_LICENCE", "ID_CARD")
CHECKED = ["APPLICATION_FORM", "ID_CARD"]
# A person at the counter: born 1988-09-21 in Zhifu, Yantai.
ID_FIRST17 = "37060219880921345"
APPLICANT = {"name": "赵磊", "phone": "13712345678"}
OPTION = {"zh": "容缺受理：申请人承诺后补", "en": "Accept now, supplied later on commitment"}
AGREE = {
    "zh": "申请人已阅读并同意承诺内容，本人到场签署",
    "en": "The applicant has read and agrees to the commitment and signs it in person",
}
BARRED = {"zh": "曾未履行容缺承诺", "en": "broke a commitment before"}
# What the API answers a barred applicant (shared/services/commitments.py: 409 naming materials).
BARRED_ANSWER = {
    "error": "conflict",
    "message": "the applicant broke a commitment and is not offered 容缺 until 2027-12-02",
    "fields": [
        {
            "field": "materials",
            "message": "the applicant broke a commitment and is not offered 容缺 until 2027-12-02",
        }
    ],
}
WITNESSED = "本人到场，在窗口工作人员见证下签署"


def shot(page: Page, name: str) -> None:
    """This screen's pictures (beside the other local state; ONEWINDOW_SCREENSHOTS moves them):
    the page, and the materials step on its own when it is there."""
    folder = SCREENSHOTS / "walk-in-commitment"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True, animations="disabled")
    step = page.get_by_test_id("walkin-materials")
    if step.count():
        step.screenshot(path=str(folder / f"{name}-materials.png"), animations="disabled")


def stored_commitment(
    web_system: dict[str, str], token: str, application_id: str
) -> dict[str, Any] | None:
    """The commitment as the case's record now holds it: the case view's, when the API sends
    it, else the latest value its audit trail recorded for the record's `commitment` field."""
    view = api_get(web_system, token, f"/applications/{application_id}")
    if view.get("commitment"):
        return dict(view["commitment"])
    latest: dict[str, Any] | None = None
    for record in case_trail(web_system, token, application_id):
        for change in record.get("changes") or []:
            if change["field"] == "commitment" and change.get("after"):
                latest = dict(change["after"])
    return latest


@pytest.mark.parametrize(
    ("locale", "viewport"),
    [("zh", DESKTOP), ("en", DESKTOP), ("zh", PHONE)],
    ids=["zh", "en", "zh-phone"],
)
def test_a_walk_in_applicant_signs_a_commitment_before_the_clerk_and_the_case_is_accepted_on_it(
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
    tag = f"{locale}-{'phone' if viewport == PHONE else 'desktop'}"
    # Given a window clerk filing SD-KFQ-0010 for a person at the counter
    context = browser_context(locale=locale, viewport=viewport)
    prefer_locale(context, locale)
    clerk = context.new_page()
    sign_in(clerk, people["window"], password)
    token = id_token_of(people["window"])
    clerk.goto(f"/console/window/file?item={ITEM}")
    expect(clerk.get_by_test_id("walkin-item")).to_have_attribute("data-item-id", ITEM)
    clerk.get_by_test_id("apply-kind-person").check()
    clerk.get_by_test_id("applicant-name").fill(APPLICANT["name"])
    clerk.get_by_test_id("applicant-id-number").fill(resident_id(ID_FIRST17))
    clerk.get_by_test_id("applicant-phone").fill(APPLICANT["phone"])
    for name, value in FORM.items():
        clerk.get_by_test_id(f"field-{name}").fill(value)
    clerk.get_by_test_id("field-voltageLevel").select_option(label=VOLTAGE[locale])
    clerk.get_by_test_id("delivery-pickup").check()

    # Then the property proof offers 容缺, which waits for the case to be filed
    option = clerk.get_by_role("checkbox", name=re.compile(re.escape(OPTION[locale])))
    expect(option).to_have_count(1)
    expect(option).to_be_disabled()
    for code in SCANNED:
        expect(clerk.get_by_test_id(f"walkin-commit-{code}")).to_have_count(0)

    # When the clerk files it and scans in every required material but the property proof
    clerk.get_by_test_id("walkin-create").click()
    created = clerk.get_by_test_id("walkin-created")
    expect(created).to_be_visible(timeout=20_000)
    application_id = created.get_attribute("data-application-id") or ""
    assert application_id, "no application id on the filed draft"
    for code in SCANNED:
        upload(clerk, clerk, code, tmp_path)
    expect(clerk.get_by_test_id("commitment-panel")).to_have_count(0)

    # And chooses to accept it now, the proof supplied later on commitment
    expect(option).to_be_enabled()
    option.check()

    # Then the signing panel opens: the material, the applicant as signer, the consequences
    panel = clerk.get_by_test_id("commitment-panel")
    expect(panel).to_be_visible()
    expect(panel.get_by_test_id("commitment-materials")).to_contain_text(
        "用电用水地址产权证明" if locale == "zh" else "Property title or lease"
    )
    signer = panel.get_by_label("签署人" if locale == "zh" else "Signed by")
    expect(signer).to_have_value(APPLICANT["name"])
    expect(panel.get_by_test_id("commitment-consequences").locator("li")).to_have_count(4)
    a11y.check(clerk, "walk-in commitment, the signing panel")
    shot(clerk, f"panel-{tag}")

    # When the clerk signs before the applicant has ticked the agreement, nothing is sent
    panel.get_by_test_id("commitment-sign").click()
    agree = panel.get_by_role("checkbox", name=AGREE[locale])
    expect(panel.get_by_test_id("commitment-agree-error")).to_be_visible()
    expect(agree).to_have_attribute("aria-invalid", "true")
    expect(agree).to_be_focused()
    a11y.check(clerk, "walk-in commitment, the agreement not ticked")

    # When the API answers that the applicant is barred from 容缺 (a commitment broken before)
    def barred(route: Route) -> None:
        route.fulfill(status=409, content_type="application/json", body=json.dumps(BARRED_ANSWER))

    clerk.route("**/api/applications/*/commitment", barred)
    agree.check()
    panel.get_by_test_id("commitment-sign").click()

    # Then the screen says so clearly, by the materials, and nothing is signed
    refusal = panel.get_by_test_id("commitment-materials-error")
    expect(refusal).to_have_attribute("data-barred", "true")
    expect(refusal).to_contain_text(BARRED[locale])
    expect(refusal).to_contain_text("2027-12-02")
    expect(clerk.get_by_test_id("commitment-record")).to_have_count(0)
    a11y.check(clerk, "walk-in commitment, a barred applicant")
    shot(clerk, f"barred-{tag}")
    clerk.unroute("**/api/applications/*/commitment", barred)
    assert stored_commitment(web_system, token, application_id) is None

    # When the applicant, not barred after all, signs the commitment before the clerk
    panel.get_by_test_id("commitment-sign").click()

    # Then the screen shows what was signed, exactly as the API holds it
    record = clerk.get_by_test_id("commitment-record")
    expect(record).to_be_visible(timeout=20_000)
    expect(clerk.get_by_test_id("commitment-panel")).to_have_count(0)
    text = record.get_by_test_id("commitment-text")
    expect(text).to_contain_text(f"{APPLICANT['name']}{WITNESSED}")
    expect(record.get_by_test_id("commitment-signer-name")).to_have_text(APPLICANT["name"])
    expect(record.get_by_test_id("commitment-witness")).to_contain_text(people["window"])
    expect(record.get_by_test_id("commitment-signed-at")).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d{2}-\d{2}T")
    )
    digest = record.get_attribute("data-digest") or ""
    assert re.fullmatch(r"[0-9a-f]{64}", digest), digest
    short = record.get_by_test_id("commitment-digest")
    expect(short).to_have_text(f"{digest[:8]}…{digest[-8:]}")
    expect(short).to_have_attribute("title", digest)
    expect(record.get_by_test_id("commitment-digest-full")).to_be_hidden()
    short.click()
    expect(record.get_by_test_id("commitment-digest-full")).to_have_text(digest)
    expect(option).to_be_checked()
    expect(option).to_be_disabled()
    a11y.check(clerk, "walk-in commitment, signed")
    shot(clerk, f"signed-{tag}")

    # And through the API: the commitment on the case is the one signed on the screen
    clerk_name = username_of(token)
    stored = stored_commitment(web_system, token, application_id)
    assert stored is not None, "no commitment stored on the case"
    assert stored.get("digest") == digest, readable(stored)
    assert stored.get("signer") == APPLICANT["name"], readable(stored)
    assert stored.get("witnessedBy") == clerk_name, readable(stored)
    assert stored.get("signedBy") == clerk_name, readable(stored)
    assert stored.get("materials") == [LATER], readable(stored)
    assert stored.get("text") == text.text_content(), readable(stored)

    # When the clerk reloads the screen, the signed commitment is read back from the case
    clerk.reload()
    signed = clerk.get_by_test_id("walkin-commitment-signed")
    expect(signed.locator("[data-digest]").first).to_have_attribute(
        "data-digest", digest, timeout=20_000
    )
    expect(option).to_be_checked()
    expect(option).to_be_disabled()

    # And the applicant could sign again (to change what comes later), but keeps the one signed
    signed.get_by_test_id("commitment-resign").click()
    expect(option).to_be_enabled()
    expect(clerk.get_by_test_id("commitment-panel")).to_be_visible()
    clerk.get_by_test_id("commitment-cancel").click()
    expect(clerk.get_by_test_id("commitment-panel")).to_have_count(0)
    expect(signed.locator("[data-digest]").first).to_have_attribute("data-digest", digest)
    a11y.check(clerk, "walk-in commitment, read back after a reload")

    # When the clerk submits, the property proof not scanned
    clerk.get_by_test_id("walkin-submit").click()

    # Then the case goes on to the window, to be accepted on commitment with the proof to come
    filed = clerk.get_by_test_id("walkin-filed")
    expect(filed).to_have_attribute("data-application-id", application_id, timeout=20_000)
    expect(clerk.get_by_test_id("walkin-at-window")).to_be_visible(timeout=CASE_TIMEOUT * 1000)
    on_commitment = clerk.get_by_test_id("walkin-commitment")
    expect(on_commitment).to_have_attribute("data-materials", LATER)
    expect(on_commitment).to_have_attribute("data-digest", digest)
    expect(on_commitment.get_by_test_id("walkin-commitment-pending")).to_have_attribute(
        "data-code", LATER
    )
    a11y.check(clerk, "walk-in commitment, the case at the window")
    shot(clerk, f"filed-{tag}")

    # When the clerk accepts it at the window, the originals checked
    clerk.get_by_test_id("walkin-accept").click()
    expect(clerk.get_by_test_id("window-application-id")).to_have_text(application_id)
    expect(clerk.get_by_test_id(f"window-original-{LATER}")).to_have_count(0)
    clerk.get_by_test_id("window-outcome-accept").check()
    for code in CHECKED:
        clerk.get_by_test_id(f"window-original-{code}").check()
    clerk.get_by_test_id("window-submit").click()
    decided(clerk, "accept")

    # Then it goes to approval, the commitment's deadline running from acceptance
    def in_approval() -> dict[str, Any] | None:
        case = api_get(web_system, token, f"/applications/{application_id}")
        return case if case["status"] == "IN_APPROVAL" else None

    poll(in_approval, timeout=CASE_TIMEOUT, interval_ms=1000, page=clerk, what="in approval")

    def due() -> dict[str, Any] | None:
        found = stored_commitment(web_system, token, application_id)
        return found if found and found.get("dueAt") else None

    accepted = poll(due, timeout=30, interval_ms=1000, page=clerk, what="the commitment's due date")
    assert accepted.get("digest") == digest, readable(accepted)
    assert not accepted.get("fulfilledAt"), readable(accepted)

    # And the filed view says it was accepted on commitment, and by when the proof is due
    clerk.goto(f"/console/window/file?filed={application_id}")
    expect(filed).to_have_attribute("data-status", "IN_APPROVAL", timeout=20_000)
    expect(on_commitment).to_have_attribute("data-materials", LATER)
    expect(on_commitment).not_to_have_attribute("data-due-at", "")
    expect(on_commitment.get_by_test_id("walkin-commitment-due")).to_be_visible()
    a11y.check(clerk, "walk-in commitment, accepted on commitment")
    shot(clerk, f"accepted-{tag}")

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
