"""帮办代办 and 云帮办 in a real browser, in Chinese and in English, at a desktop's width and at
a phone's (375 and 390 px, no sideways scrolling). A service agent (group `agent`, the
steward) signs in to the console, opens "Filings for applicants", files SD-KFQ-0010
(用水用电联合报装) for an enterprise with its mobile phone on the remote-assisted channel,
uploads the four required materials, saves and lands on the filing's page. There the agent
starts a video session and ends it with notes and one material taken in; tries to submit and
is refused beside the button (not yet confirmed); texts the code (sent to the masked phone,
the next one only after a countdown). The citizen signs in to the portal, opens
/confirm/<id> (the case number prefilled), enters a wrong code (refused beside the field,
with the tries left), then the code the local outbox holds; the preview shows the item, the
agent, the form values and the materials; the citizen confirms. The case is then in the
citizen's "My cases" and its page says who filed it, the confirmation and the session. The
agent submits, and the filing's page and the API say it is submitted. axe-core checks each
page."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import BrowserContext, Page, expect

from shared.domain.identifiers import credit_code_check_char
from tests.browser.support import (
    DESKTOP,
    PHONE,
    Accessibility,
    onboard_steward,
    poll,
    readable,
    shot,
    username_of,
)
from tests.browser.test_journey import (
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

ITEM = "SD-KFQ-0010"
PHONE_375 = {"width": 375, "height": 812}
RUNS = {"zh": 4101, "en": 4102, "zh-375": 4103, "en-390": 4104}
TAKEN = "PROPERTY_PROOF"
NOTES = "视频核对营业执照原件与产权证明"
TITLE = {"zh": "帮办代办", "en": "Filings for applicants"}
NOT_CONFIRMED = {"zh": "申请人尚未确认", "en": "has not confirmed this filing yet"}
WRONG_CODE = {"zh": "确认码错误（还可尝试 4 次）", "en": "The code is wrong (4 attempt(s) left)"}
SUBMITTED = {"zh": "已提交", "en": "Submitted"}
CODE_IN_TEXT = re.compile(r"确认码 (\d{6})")


def enterprise(run: str) -> dict[str, str]:
    serial = RUNS[run]
    first17 = f"91370600MA3PK{serial:04d}"
    return {
        "name": f"烟台云帆科技有限公司{serial}",
        "creditCode": first17 + credit_code_check_char(first17),
        "legalRepresentative": "陈静",
        "phone": f"1390000{serial:04d}",
    }


def no_sideways_scroll(page: Page, viewport: dict[str, int], what: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{what} scrolls sideways: {width} px"


def code_texted(web_system: dict[str, str], phone: str, application_id: str) -> str | None:
    """The last code the local outbox holds for this phone and case (the text names the
    case's last six characters)."""
    answer = requests.get(web_system["WebUrl"] + "_local/outbox", timeout=10)
    answer.raise_for_status()
    codes = [
        m.group(1)
        for message in answer.json()["items"]
        if message["phone"] == f"+86{phone}" and application_id[-6:] in message["text"]
        for m in [CODE_IN_TEXT.search(message["text"])]
        if m
    ]
    return codes[-1] if codes else None


def case_of(web_system: dict[str, str], token: str, application_id: str) -> dict[str, Any]:
    return api_get(web_system, token, f"/applications/{application_id}")


def file_for_the_applicant(
    page: Page, locale: str, run: str, tmp_path: Path, a11y: Accessibility
) -> str:
    """From the agent's list to a saved remote-assisted draft with its materials: its id."""
    applicant = enterprise(run)
    page.get_by_test_id("agent-new").click()
    page.wait_for_url("**/console/agent/file")
    page.get_by_test_id("walkin-search").fill(SEARCH[locale])
    page.get_by_test_id("walkin-search-submit").click()
    result = page.locator(f'[data-testid="walkin-result"][data-item-id="{ITEM}"]')
    expect(result).to_contain_text(NAMES[locale])
    result.get_by_test_id("walkin-choose").click()
    expect(page.get_by_test_id("walkin-item")).to_have_attribute("data-item-id", ITEM)

    page.get_by_test_id("agent-channel-remote_assisted").check()
    page.get_by_test_id("apply-kind-enterprise").check()
    page.get_by_test_id("applicant-name").fill(applicant["name"])
    page.get_by_test_id("applicant-credit-code").fill(applicant["creditCode"])
    page.get_by_test_id("applicant-legal-representative").fill(applicant["legalRepresentative"])
    page.get_by_test_id("applicant-phone").fill(applicant["phone"])
    for name, value in FORM.items():
        page.get_by_test_id(f"field-{name}").fill(value)
    page.get_by_test_id("field-voltageLevel").select_option(label=VOLTAGE[locale])
    page.get_by_test_id("delivery-electronic").check()
    a11y.check(page, "agent filing, the form")
    shot(page, "agent-filing-form", locale)

    page.get_by_test_id("walkin-create").click()
    created = page.get_by_test_id("walkin-created")
    expect(created).to_be_visible(timeout=20_000)
    application_id = created.get_attribute("data-application-id") or ""
    assert application_id, "no application id on the filed draft"
    page.wait_for_url(re.compile(rf"/console/agent/file\?.*draft={application_id}"))
    for code in REQUIRED_MATERIALS:
        upload(page, page, code, tmp_path)
    page.get_by_test_id("walkin-submit").click()
    page.wait_for_url(f"**/console/agent/{application_id}?saved=1")
    return application_id


@pytest.mark.parametrize(
    ("run", "viewport"),
    [("zh", DESKTOP), ("en", DESKTOP), ("zh-375", PHONE_375), ("en-390", PHONE)],
    ids=["zh", "en", "zh-375", "en-390"],
)
def test_an_agent_files_for_an_applicant_who_confirms_it_with_the_texted_code(
    run: str,
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
    locale = run.split("-")[0]
    applicant = enterprise(run)
    phone = viewport != DESKTOP

    # Given a service agent in the console's "Filings for applicants"
    steward = onboard_steward(web_system)
    agent_token = id_token_of(steward)
    agent_context = browser_context(locale=locale, viewport=viewport)
    prefer_locale(agent_context, locale)
    agent = agent_context.new_page()
    sign_in(agent, steward, password)
    agent.goto("/console/agent")
    expect(agent.get_by_test_id("agent-page")).to_be_visible()
    expect(agent.get_by_role("heading", level=1)).to_have_text(TITLE[locale])
    expect(agent.get_by_test_id("console-nav-agent")).to_have_attribute("aria-current", "page")
    a11y.check(agent, "agent's filings")

    # When the agent files SD-KFQ-0010 for an enterprise on the remote-assisted channel
    application_id = file_for_the_applicant(agent, locale, run, tmp_path, a11y)
    settle.append(application_id)  # its reviews decided after the test: no late task left behind

    # Then the filing's page shows it, a draft the agent holds on the applicant's behalf
    filing = agent.get_by_test_id("agent-filing")
    expect(filing).to_have_attribute("data-status", "DRAFT", timeout=20_000)
    expect(agent.get_by_test_id("agent-filing-saved")).to_be_visible()
    expect(agent.get_by_test_id("agent-filing-channel")).to_have_attribute(
        "data-channel", "remote_assisted"
    )
    draft = case_of(web_system, agent_token, application_id)
    assert draft["channel"] == "remote_assisted", readable(draft)
    assert draft["applicant"]["kind"] == "enterprise", readable(draft["applicant"])
    assert draft["applicant"]["phone"] == applicant["phone"], readable(draft["applicant"])
    assert draft["assistedBy"] == username_of(agent_token), readable(draft)
    assert set(REQUIRED_MATERIALS) <= set(draft["materials"]), readable(draft["materials"])
    a11y.check(agent, "agent's filing page")
    if phone:
        no_sideways_scroll(agent, viewport, "the agent's filing page")

    # When the agent starts a video session and ends it with notes and one material taken in
    sessions = agent.get_by_test_id("agent-sessions")
    sessions.get_by_test_id("agent-session-channel-video").check()
    sessions.get_by_test_id("agent-session-start-button").click()
    expect(sessions.get_by_test_id("agent-session-open")).to_be_visible(timeout=20_000)
    expect(sessions).to_have_attribute("data-open", "true")
    sessions.get_by_test_id("agent-session-notes").fill(NOTES)
    sessions.get_by_test_id(f"agent-session-taken-{TAKEN}").check()
    a11y.check(agent, "agent's filing, a session open")
    sessions.get_by_test_id("agent-session-end-button").click()

    # Then the session is listed as ended, with the notes and the material
    expect(sessions).to_have_attribute("data-open", "false", timeout=20_000)
    ended = sessions.locator('[data-testid="assist-session"][data-open="false"]')
    expect(ended).to_have_count(1)
    expect(ended).to_have_attribute("data-channel", "video")
    expect(ended).to_have_attribute("data-materials", TAKEN)
    expect(ended.get_by_test_id("assist-session-notes")).to_have_text(NOTES)

    # When the agent tries to submit before the applicant confirmed
    agent.get_by_test_id("agent-submit-button").click()

    # Then it is refused beside the button, and nothing is submitted
    refusal = agent.get_by_test_id("agent-submit-error")
    expect(refusal).to_be_visible(timeout=20_000)
    expect(refusal).to_have_attribute("data-field", "confirmation")
    expect(refusal).to_contain_text(NOT_CONFIRMED[locale])
    expect(refusal).to_be_focused()
    assert case_of(web_system, agent_token, application_id)["status"] == "DRAFT"

    # When the agent texts the applicant the code
    agent.get_by_test_id("agent-send-code").click()

    # Then the page says where it went, until when, and counts down to the next
    sent = agent.get_by_test_id("agent-code-sent")
    expect(sent).to_be_visible(timeout=20_000)
    masked = f"{applicant['phone'][:3]}****{applicant['phone'][-4:]}"
    expect(sent).to_have_attribute("data-sent-to", masked)
    expect(agent.get_by_test_id("agent-resend-wait")).to_be_visible()
    expect(agent.get_by_test_id("agent-send-code")).to_be_disabled()
    expect(agent.get_by_test_id("agent-confirmation")).to_have_attribute(
        "data-state", "pending", timeout=20_000
    )
    expect(agent.get_by_test_id("agent-readout")).to_be_visible()
    a11y.check(agent, "agent's filing, the code sent")
    shot(agent, "agent-filing-page", locale)
    code = poll(
        lambda: code_texted(web_system, applicant["phone"], application_id),
        timeout=30,
        interval_ms=500,
        page=agent,
        what="the confirmation code in the outbox",
    )
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    # When the citizen opens the confirmation link and enters a wrong code
    citizen_context = browser_context(locale=locale, viewport=viewport)
    prefer_locale(citizen_context, locale)
    citizen = citizen_context.new_page()
    sign_in(citizen, people["citizen"], password)
    citizen.goto(f"/confirm/{application_id}")
    expect(citizen.get_by_test_id("filing-confirm-form")).to_be_visible()
    expect(citizen.get_by_test_id("filing-confirm-case")).to_have_value(application_id)
    a11y.check(citizen, "confirm a filing")
    code_field = citizen.get_by_test_id("filing-confirm-code")
    code_field.fill(wrong)
    citizen.get_by_test_id("filing-confirm-show").click()

    # Then the error shows beside the code field, with the tries left
    code_error = citizen.get_by_test_id("error-filing-confirm-code")
    expect(code_error).to_contain_text(WRONG_CODE[locale], timeout=20_000)
    expect(code_field).to_have_attribute("aria-invalid", "true")
    expect(code_field).to_be_focused()
    a11y.check(citizen, "confirm a filing, a wrong code")
    shot(citizen, "agent-filing-wrong-code", locale)
    if phone:
        no_sideways_scroll(citizen, viewport, "the confirmation page")

    # When the citizen enters the texted code
    code_field.fill(code)
    expect(code_error).to_have_count(0)
    citizen.get_by_test_id("filing-confirm-show").click()

    # Then the preview shows the filing as the agent made it
    preview = citizen.get_by_test_id("filing-confirm-preview")
    expect(preview).to_have_attribute("data-application-id", application_id, timeout=20_000)
    expect(citizen.get_by_test_id("filing-confirm-item")).to_have_text(NAMES[locale])
    expect(citizen.get_by_test_id("filing-confirm-agent")).to_be_visible()
    expect(citizen.get_by_test_id("filing-confirm-applicant")).to_contain_text(applicant["name"])
    values = citizen.get_by_test_id("filing-confirm-form-values")
    expect(values.locator('[data-field="supplyAddress"]')).to_have_text(FORM["supplyAddress"])
    expect(values.locator('[data-field="voltageLevel"]')).to_have_text(VOLTAGE[locale])
    materials = citizen.get_by_test_id("filing-confirm-materials")
    for material in REQUIRED_MATERIALS:
        expect(materials.locator(f'[data-material="{material}"]')).to_have_attribute(
            "data-uploaded", "true"
        )
    a11y.check(citizen, "confirm a filing, the preview")
    shot(citizen, "agent-filing-preview", locale)
    if phone:
        no_sideways_scroll(citizen, viewport, "the filing's preview")

    # When the citizen confirms it
    citizen.get_by_test_id("filing-confirm-confirm").click()

    # Then the case is theirs, in "My cases", and its page says who filed it and the session
    done = citizen.get_by_test_id("filing-confirm-done")
    expect(done).to_have_attribute("data-decision", "confirmed", timeout=20_000)
    a11y.check(citizen, "confirm a filing, confirmed")
    citizen.get_by_test_id("filing-confirm-my-cases").click()
    row = citizen.locator(f'[data-testid="case-row"][data-application-id="{application_id}"]')
    expect(row).to_be_visible(timeout=20_000)
    expect(row).to_have_attribute("data-status", "DRAFT")
    citizen.get_by_test_id(f"case-link-{application_id}").click()
    citizen.wait_for_url(f"**/cases/{application_id}")
    section = citizen.get_by_test_id("case-agent")
    expect(section).to_be_visible(timeout=20_000)
    expect(section.get_by_test_id("case-agent-filed-by")).to_have_attribute(
        "data-agent", username_of(agent_token)
    )
    expect(section.get_by_test_id("confirmation-confirmed")).to_have_attribute(
        "data-by", "applicant_account"
    )
    session = section.locator('[data-testid="assist-session"]')
    expect(session).to_have_count(1)
    expect(session.get_by_test_id("assist-session-notes")).to_have_text(NOTES)
    expect(citizen.get_by_test_id("case-continue")).to_have_count(0)
    a11y.check(citizen, "the confirmed case in My cases")
    shot(citizen, "agent-filing-case", locale)
    if phone:
        no_sideways_scroll(citizen, viewport, "the citizen's case page")
    citizen_token = id_token_of(people["citizen"])
    mine = case_of(web_system, citizen_token, application_id)
    assert mine["confirmation"]["confirmedBy"] == "applicant_account", readable(mine)

    # When the agent comes back to the filing and submits it
    agent.reload()
    expect(agent.get_by_test_id("agent-confirmation")).to_have_attribute(
        "data-state", "confirmed", timeout=20_000
    )
    expect(agent.get_by_test_id("agent-filing-moved")).to_be_visible()
    agent.get_by_test_id("agent-submit-button").click()

    # Then it is submitted on the applicant's behalf
    expect(agent.get_by_test_id("agent-submitted")).to_be_visible(timeout=20_000)
    expect(agent.get_by_test_id("agent-filing")).not_to_have_attribute("data-status", "DRAFT")
    submitted = case_of(web_system, agent_token, application_id)
    assert submitted["status"] != "DRAFT", readable(submitted)
    if submitted["status"] == "SUBMITTED":
        expect(agent.get_by_test_id("agent-filing-status")).to_have_text(SUBMITTED[locale])
    a11y.check(agent, "agent's filing, submitted")
    shot(agent, "agent-filing-submitted", locale)
    if phone:
        no_sideways_scroll(agent, viewport, "the submitted filing")

    # And the agent's list has it
    agent.goto("/console/agent")
    expect(
        agent.locator(f'[data-testid="agent-row"][data-application-id="{application_id}"]')
    ).to_be_visible(timeout=20_000)
    if phone:
        no_sideways_scroll(agent, viewport, "the agent's filings")
    a11y.assert_clean()
