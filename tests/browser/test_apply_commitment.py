"""容缺受理 on the citizen's apply page, in a real browser, in Chinese and in English (and in
Chinese at a phone's width, 375 px). A citizen applies for SD-KFQ-0010, uploads three of its
four required materials and leaves the property proof (which the catalog lets come later) out.
Submitting then is refused, naming the proof and taking the focus to it. The page offers
"accept now, supplied later on commitment" for the proof alone; choosing it opens the signing
panel, where the citizen signs for themself: their own name the signer, the working days and
the bar in the words as the API's terms state them (GET /applications/{id}/commitment-terms),
no witness. Submitting before signing is refused (the focus on the agreement); signing without
ticking the agreement too. Signed, the page shows the record (text, signer, no witness, time,
digest) with the focus on it, exactly as the API holds it. Submitted without the proof, the
case is accepted on the commitment: over the API the commitment has the signer, the digest and
a due date, and the case page shows the same record.

And an applicant barred from 容缺 (a broken commitment's bar on their ID number: the record
`break_commitment` writes, set directly, since a real one needs 20 working days to pass) is
not offered it: the page says why and until when, as the terms answer, and still asks for the
proof. axe-core checks each state. The accepted cases' reviews are decided after each test
(the `settle` fixture), so that the later tests' inboxes and late lists hold none of them."""

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import _aws
from tests.browser.support import (
    DESKTOP,
    SCREENSHOTS,
    Accessibility,
    poll,
    readable,
    resident_id,
    username_of,
)
from tests.browser.test_journey import (
    CASE_TIMEOUT,
    FORM,
    NAMES,
    VOLTAGE,
    api_get,
    prefer_locale,
    sign_in,
)
from tests.browser.test_supplement import upload

ITEM = "SD-KFQ-0010"
LATER = "PROPERTY_PROOF"  # 用电用水地址产权证明或租赁合同: commitmentAllowed in the catalog
LATER_NAME = {
    "zh": "用电用水地址产权证明或租赁合同",
    "en": "Property title or lease of the supply address",
}
UPLOADED = ("APPLICATION_FORM", "BUSINESS_LICENCE", "ID_CARD")
PHONE_375 = {"width": 375, "height": 812}
# One applicant per run (a bar, a reuse offer, is the applicant's: their ID number).
APPLICANTS = {
    "zh-desktop": ("孙丽", "37060219850611101"),
    "en-desktop": ("周航", "37060219850611102"),
    "zh-phone": ("吴静", "37060219850611103"),
}
BARRED_APPLICANTS = {"zh": ("郑凯", "37060219790203201"), "en": ("冯雪", "37060219790203202")}
FREE_APPLICANTS = {"zh": "37060219790203211", "en": "37060219790203212"}
OPTION = {"zh": "容缺受理：受理后补交此材料", "en": "Accept now, supply this later on commitment"}
AGREE = {
    "zh": "我已阅读并同意以上承诺内容，以本人名义签署",
    "en": "I have read and agree to the commitment and sign it myself",
}
MISSING = {"zh": "还需上传", "en": "Still to upload"}
UNSIGNED = {"zh": "您还没有签署容缺承诺", "en": "You have not signed the commitment yet"}
SIGNED_TITLE = {"zh": "您已签署容缺承诺", "en": "You have signed the commitment"}
NO_WITNESS = {"zh": "本人在线签署", "en": "signed online"}
WITNESS_WORDS = {"zh": "见证", "en": "witness"}
BARRED = {"zh": "曾未履行容缺承诺", "en": "broke a commitment"}
SHANGHAI = timezone(timedelta(hours=8))


def shot(page: Page, name: str) -> None:
    """This page's pictures, beside the other local state (ONEWINDOW_SCREENSHOTS moves them):
    the page, and its materials on their own."""
    folder = SCREENSHOTS / "apply-commitment"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True, animations="disabled")
    materials = page.get_by_test_id("apply-materials")
    if materials.count():
        materials.screenshot(path=str(folder / f"{name}-materials.png"), animations="disabled")


def shown_day(iso: str, locale: str) -> re.Pattern[str]:
    """A day as the page words it (the centre's zone): 2026/01/05, or 5 Jan 2026."""
    day = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(SHANGHAI).date()
    if locale == "zh":
        return re.compile(re.escape(f"{day.year}/{day.month:02d}/{day.day:02d}"))
    return re.compile(rf"\b{day.day} \w+ {day.year}")


def terms_of(web_system: dict[str, str], token: str, application_id: str) -> dict[str, Any]:
    return api_get(web_system, token, f"/applications/{application_id}/commitment-terms")


def bar(web_system: dict[str, str], id_number: str, days: int) -> datetime:
    """The bar a broken commitment leaves on the applicant (what `break_commitment` writes):
    no 容缺 for them until `days` from now. Its end."""
    from shared.adapters.aws import reset_clients
    from shared.adapters.dynamo.cases import CaseStore

    until = datetime.now(UTC) + timedelta(days=days)
    with _aws(web_system["AwsEndpointUrl"]):
        reset_clients()
        try:
            CaseStore(web_system["TableName"]).bar_commitments(id_number, until, "browser-test")
        finally:
            reset_clients()
    return until


def open_the_form(page: Page, locale: str, name: str, id_number: str) -> str:
    """From the item's guide to the apply form filled in for a person, the draft filed: its id."""
    page.goto(f"/catalog/{ITEM}")
    expect(page.get_by_test_id("guide-title")).to_have_text(NAMES[locale])
    page.get_by_test_id("guide-apply").click()
    expect(page.get_by_test_id("apply-form")).to_be_visible(timeout=20_000)
    page.get_by_test_id("apply-kind-person").check()
    page.get_by_test_id("applicant-name").fill(name)
    page.get_by_test_id("applicant-id-number").fill(id_number)
    for field, value in FORM.items():
        page.get_by_test_id(f"field-{field}").fill(value)
    page.get_by_test_id("field-voltageLevel").select_option(label=VOLTAGE[locale])
    page.get_by_test_id("delivery-electronic").check()
    page.wait_for_url(re.compile(r"[?&]draft="), timeout=20_000)
    return page.url.split("draft=")[1].split("&")[0]


@pytest.mark.parametrize(
    ("locale", "viewport"),
    [("zh", DESKTOP), ("en", DESKTOP), ("zh", PHONE_375)],
    ids=["zh", "en", "zh-phone"],
)
def test_a_citizen_signs_a_commitment_on_the_apply_page_and_the_case_is_accepted_on_it(
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
    settle: list[str],
) -> None:
    tag = f"{locale}-{'phone' if viewport == PHONE_375 else 'desktop'}"
    name, first17 = APPLICANTS[tag]
    context = browser_context(locale=locale, viewport=viewport)
    prefer_locale(context, locale)
    page = context.new_page()
    sign_in(page, people["citizen"], password)
    token = id_token_of(people["citizen"])

    # Given a citizen applying for SD-KFQ-0010, the draft filed, every material but the proof in
    case = open_the_form(page, locale, name, resident_id(first17))
    settle.append(case)  # its reviews decided after the test: later tests' inboxes hold none
    for code in UPLOADED:
        upload(page, page, code, tmp_path)
    terms = terms_of(web_system, token, case)
    assert terms["offered"] is True and LATER in terms["materials"], readable(terms)

    # Then the proof alone offers 容缺, its hint stating the working days of the terms
    option = page.get_by_role("checkbox", name=re.compile(re.escape(OPTION[locale])))
    expect(option).to_have_count(1)
    expect(page.get_by_test_id(f"apply-commit-{LATER}")).to_be_visible()
    for code in UPLOADED:
        expect(page.get_by_test_id(f"apply-commit-{code}")).to_have_count(0)
    expect(page.get_by_test_id(f"apply-commit-hint-{LATER}")).to_contain_text(str(terms["dueDays"]))
    expect(page.get_by_test_id("apply-commitment-barred")).to_have_count(0)

    # When the citizen submits without the proof and without choosing 容缺, nothing is sent
    page.get_by_test_id("apply-submit").click()

    # Then the page names the proof, beside it too, and takes the focus to it
    problem = page.get_by_test_id("apply-error")
    expect(problem).to_contain_text(MISSING[locale])
    expect(problem).to_contain_text(LATER_NAME[locale])
    expect(page.get_by_test_id(f"material-error-{LATER}")).to_be_visible()
    expect(page.get_by_test_id(f"material-file-{LATER}")).to_be_focused()
    a11y.check(page, f"apply page, the proof missing ({tag})")

    # When the citizen chooses to supply the proof later on commitment
    option.check()

    # Then the signing panel opens: the proof, the citizen as signer, the terms' days, no witness
    panel = page.get_by_test_id("commitment-panel")
    expect(panel).to_be_visible()
    expect(panel.get_by_test_id("commitment-materials")).to_contain_text(LATER_NAME[locale])
    expect(panel.get_by_test_id("commitment-signer-name-self")).to_have_text(name)
    expect(panel.get_by_test_id("commitment-signer")).to_have_count(0)  # not typed online
    consequences = panel.get_by_test_id("commitment-consequences")
    expect(consequences.locator("li")).to_have_count(4)
    expect(consequences.locator("li").nth(0)).to_contain_text(str(terms["dueDays"]))
    expect(consequences.locator("li").nth(0)).to_contain_text(LATER_NAME[locale])
    expect(consequences.locator("li").nth(2)).to_contain_text(str(terms["barDays"]))
    expect(panel).not_to_contain_text(re.compile(WITNESS_WORDS[locale], re.IGNORECASE))
    expect(panel).not_to_contain_text("窗口工作人员" if locale == "zh" else "clerk")
    a11y.check(page, f"apply page, the signing panel ({tag})")
    shot(page, f"panel-{tag}")

    # When the citizen submits before signing, nothing is sent and the agreement takes the focus
    page.get_by_test_id("apply-submit").click()
    expect(problem).to_contain_text(UNSIGNED[locale])
    expect(problem).to_contain_text(LATER_NAME[locale])
    agree = panel.get_by_role("checkbox", name=AGREE[locale])
    expect(agree).to_be_focused()

    # When the citizen signs without ticking the agreement, nothing is sent either
    panel.get_by_test_id("commitment-sign").click()
    expect(panel.get_by_test_id("commitment-agree-error")).to_be_visible()
    expect(agree).to_have_attribute("aria-invalid", "true")
    expect(agree).to_be_focused()
    assert terms_of(web_system, token, case)["commitment"] is None

    # When the citizen ticks it and signs
    agree.check()
    panel.get_by_test_id("commitment-sign").click()

    # Then the page shows the signed record, the focus on it, as the API holds it
    signed = page.get_by_test_id("apply-commitment-signed")
    record = signed.get_by_test_id("commitment-record")
    expect(record).to_be_visible(timeout=20_000)
    expect(signed).to_be_focused()
    expect(page.get_by_test_id("commitment-panel")).to_have_count(0)
    expect(record).to_contain_text(SIGNED_TITLE[locale])
    expect(record.get_by_test_id("commitment-signer-name")).to_have_text(name)
    expect(record.get_by_test_id("commitment-witness")).to_contain_text(NO_WITNESS[locale])
    text = record.get_by_test_id("commitment-text")
    expect(text).to_contain_text(f"本人{name}代表申请人{name}承诺")
    expect(text).not_to_contain_text("见证")
    expect(record.get_by_test_id("commitment-due-days")).to_contain_text(str(terms["dueDays"]))
    digest = record.get_attribute("data-digest") or ""
    assert re.fullmatch(r"[0-9a-f]{64}", digest), digest
    expect(record.get_by_test_id("commitment-digest")).to_have_text(f"{digest[:8]}…{digest[-8:]}")
    expect(option).to_be_checked()
    expect(option).to_be_disabled()
    expect(problem).to_have_count(0)  # what the refusal asked for is done
    a11y.check(page, f"apply page, the commitment signed ({tag})")
    shot(page, f"signed-{tag}")

    stored = terms_of(web_system, token, case)["commitment"]
    assert stored is not None, "no commitment stored on the case"
    assert stored["digest"] == digest, readable(stored)
    assert stored["signer"] == name, readable(stored)
    assert stored["signedBy"] == username_of(token), readable(stored)
    assert stored.get("witnessedBy") is None, readable(stored)
    assert stored["materials"] == [LATER], readable(stored)
    assert stored["text"] == text.text_content(), readable(stored)

    # When the page is reloaded, the commitment is read back from the case
    page.reload()
    expect(record).to_have_attribute("data-digest", digest, timeout=20_000)
    expect(option).to_be_checked()
    expect(option).to_be_disabled()

    # When the citizen submits, the proof not uploaded
    page.get_by_test_id("apply-submit").click()
    page.wait_for_url(f"**/cases/{case}**", timeout=30_000)

    # Then the case is accepted on the commitment: reviewed, the proof due by a date
    def accepted() -> dict[str, Any] | None:
        view = api_get(web_system, token, f"/applications/{case}")
        due = (view.get("commitment") or {}).get("dueAt")
        return view if view["status"] == "IN_APPROVAL" and due else None

    view = poll(
        accepted, timeout=CASE_TIMEOUT, interval_ms=1000, page=page, what=f"{case} accepted"
    )
    assert view["commitment"]["digest"] == digest, readable(view["commitment"])
    assert view["commitment"]["signer"] == name, readable(view["commitment"])
    assert not view["commitment"].get("fulfilledAt"), readable(view["commitment"])
    assert "accepted_on_commitment" in [e["action"] for e in view["timeline"]], readable(view)

    # And the case page shows the same commitment, open, the proof to upload by its due date
    page.reload()
    section = page.get_by_test_id("case-commitment")
    expect(section).to_have_attribute("data-state", "open", timeout=20_000)
    expect(section).to_have_attribute("data-materials", LATER)
    case_record = section.get_by_test_id("commitment-record")
    expect(case_record).to_have_attribute("data-digest", digest)
    expect(case_record.get_by_test_id("commitment-signer-name")).to_have_text(name)
    expect(section.get_by_test_id("case-commitment-due")).to_contain_text(
        shown_day(view["commitment"]["dueAt"], locale)
    )
    a11y.check(page, f"case page, accepted on the commitment signed online ({tag})")
    shot(page, f"accepted-{tag}")

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_an_applicant_barred_for_a_broken_commitment_is_not_offered_it_and_told_until_when(
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
    name, first17 = BARRED_APPLICANTS[locale]
    barred_id = resident_id(first17)
    # Given an applicant whose commitment on an earlier case was broken: barred for 365 days
    until = bar(web_system, barred_id, 365)
    context = browser_context(locale=locale)
    prefer_locale(context, locale)
    page = context.new_page()
    sign_in(page, people["citizen"], password)
    token = id_token_of(people["citizen"])

    # When the citizen starts the application as someone not barred, 容缺 is offered
    case = open_the_form(page, locale, name, resident_id(FREE_APPLICANTS[locale]))
    option = page.get_by_role("checkbox", name=re.compile(re.escape(OPTION[locale])))
    expect(option).to_have_count(1, timeout=20_000)

    # And then corrects the ID number to the barred applicant's (the draft saved with it)
    page.get_by_test_id("applicant-id-number").fill(barred_id)

    # Then the page no longer offers it, and says why and until when, as the terms answer
    notice = page.get_by_test_id("apply-commitment-barred")
    expect(notice).to_be_visible(timeout=20_000)
    terms = terms_of(web_system, token, case)
    assert terms["offered"] is False and terms["barredUntil"], readable(terms)
    assert terms["barDays"] == 365, readable(terms)
    barred_until = datetime.fromisoformat(terms["barredUntil"].replace("Z", "+00:00"))
    assert abs((barred_until - until).total_seconds()) < 1, (terms["barredUntil"], until)
    expect(option).to_have_count(0)
    expect(page.locator('[data-testid^="apply-commit-option-"]')).to_have_count(0)
    expect(page.get_by_test_id("commitment-panel")).to_have_count(0)
    expect(notice).to_have_attribute("data-barred-until", terms["barredUntil"])
    expect(notice).to_contain_text(BARRED[locale])
    expect(notice).to_contain_text(shown_day(terms["barredUntil"], locale))
    expect(notice).to_contain_text(str(terms["barDays"]))
    expect(notice).to_contain_text(LATER_NAME[locale])
    a11y.check(page, f"apply page, a barred applicant ({locale})")
    shot(page, f"barred-{locale}")

    # And the proof is asked for like any other material: submitting without it is refused
    for code in UPLOADED:
        upload(page, page, code, tmp_path)
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_test_id("apply-error")).to_contain_text(LATER_NAME[locale])
    expect(page.get_by_test_id(f"material-file-{LATER}")).to_be_focused()
    view = api_get(web_system, token, f"/applications/{case}")
    assert view["status"] == "DRAFT" and not view.get("commitment"), readable(view)

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
