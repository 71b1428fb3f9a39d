"""A single item's pre-screening on its guide (办前自查, the item's own 情景导航), in Chinese
and English and in Chinese at a phone's width (375 px). On the business licence's guide
(SD-KFQ-0001, for persons and enterprises) a visitor who submits without saying who applies
is told so beside the question; as an enterprise whose agent applies (the situation
委托代理人办理的, material AUTHORIZATION, ticked from the keyboard) they get exactly the
materials the API answers for the same body, the authorization letter among them, with the
departments, the promised working days, the visits and the apply link; the choices are in
the URL (a reload shows the same result); without the tick the letter is not asked for. An
item for enterprises only (SD-KFQ-0004) states the kind instead of asking it, and its guide
opened with ?kind=person shows the exit the API answers. A situation the item does not have
or a kind of applicant there is none of (a stale link) is refused by the API and said beside
the situations or the kind. axe-core checks each view."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import DESKTOP, SCREENSHOTS, Accessibility, readable
from tests.browser.test_bundle_screening import (
    PHONE_375,
    api,
    api_json,
    assert_no_sideways_scroll,
    name,
)
from tests.browser.test_journey import prefer_locale

LICENCE_ITEM = "SD-KFQ-0001"  # 企业设立登记: persons and enterprises, conditional materials
AGENT = "AUTHORIZATION"  # 委托代理人办理的: the power of attorney and the agent's ID
ENTERPRISE_ONLY = "SD-KFQ-0004"  # 建设工程规划许可证核发: enterprises only

TITLE = {"zh": "办前自查：我需要准备什么", "en": "Check what you need"}
KIND_QUESTION = {"zh": "您以什么身份申请？", "en": "Who is applying?"}
ENTERPRISE = {"zh": "企业或其他组织（法人）", "en": "An enterprise or other organisation"}
ONLY_ENTERPRISES = {
    "zh": "本事项仅受理企业或其他组织（法人）的申请。",
    "en": "This service takes applications from enterprises and other organisations only.",
}
SUBMIT = {"zh": "查看我需要准备的材料", "en": "Show what I need"}
RESULT_TITLE = {"zh": "您需要准备的材料", "en": "What you need to provide"}
EXIT_TITLE = {
    "zh": "本事项不适用于您的申请人类型",
    "en": "This service is not for your kind of applicant",
}
KIND_REQUIRED = {"zh": "请选择申请人类型", "en": "Choose who is applying"}
KIND_INVALID = {
    "zh": "链接中的申请人类型无效，请重新选择",
    "en": "The link names an unknown kind of applicant: choose again",
}
SITUATION_REFUSED = {
    "zh": "链接中的情形 {codes} 不属于本事项，请重新勾选",
    "en": "The link names situations this service does not have ({codes}): tick again",
}
DAYS = {"zh": "{n} 个工作日", "en": "{n} working day"}  # (SD-KFQ-0001 promises 1 day)
ZERO_VISIT = {"zh": "0 次（零跑动）", "en": "0 (no visit needed)"}
APPLY = {"zh": "登录后申请", "en": "Sign in to apply"}
COPIES = {"zh": "原件 {o} 份 / 复印件 {c} 份", "en": "Originals {o} / copies {c}"}


def shot(page: Page, name_: str) -> None:
    """This page's pictures, full length, beside the other local state."""
    folder = SCREENSHOTS / "item-screening"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name_}.png"), full_page=True, animations="disabled")


def screening_of(web_system: dict[str, str], item_id: str, body: dict[str, Any]) -> Any:
    return api_json(web_system, "POST", f"/catalog/items/{item_id}/screening", body)


def assert_result(page: Page, expected: dict[str, Any], locale: str) -> None:
    """The result on the page is the API's: exactly its materials, in its order, with their
    originals, copies and 容缺; its departments, days and visits; the apply link."""
    result = page.get_by_test_id("item-screening-result")
    expect(result).to_have_attribute("data-outcome", "bundle")
    shown = result.get_by_test_id("item-screening-material")
    expect(shown).to_have_count(len(expected["materials"]))
    assert shown.evaluate_all("els => els.map(e => e.dataset.material)") == [
        m["code"] for m in expected["materials"]
    ]
    expect(result.get_by_test_id("item-screening-material-name")).to_have_text(
        [name(m, locale) for m in expected["materials"]]
    )
    expect(result.get_by_test_id("item-screening-material-copies")).to_have_text(
        [COPIES[locale].format(o=m["originals"], c=m["copies"]) for m in expected["materials"]]
    )
    expect(result.get_by_test_id("item-screening-material-commitment")).to_have_count(
        sum(1 for m in expected["materials"] if m["commitmentAllowed"])
    )
    for m in expected["materials"]:
        if m["commitmentAllowed"]:
            expect(
                result.locator(f'[data-material="{m["code"]}"]').get_by_test_id(
                    "item-screening-material-commitment"
                )
            ).to_have_count(1)
    expect(result.get_by_test_id("item-screening-departments").locator("li")).to_have_text(
        [name(d, locale) for d in expected["departments"]]
    )
    assert expected["criticalPathDays"] == 1 and expected["onSiteVisits"] == 0, readable(expected)
    expect(result.get_by_test_id("item-screening-days")).to_have_text(
        DAYS[locale].format(n=expected["criticalPathDays"])
    )
    expect(result.get_by_test_id("item-screening-visits")).to_have_text(ZERO_VISIT[locale])
    expect(result.get_by_role("link", name=APPLY[locale], exact=True)).to_have_attribute(
        "href", f"/signin?redirect=/apply/{LICENCE_ITEM}"
    )


@pytest.mark.parametrize(
    ("locale", "viewport"),
    [("zh", DESKTOP), ("en", DESKTOP), ("zh", PHONE_375)],
    ids=["zh", "en", "zh-phone"],
)
def test_a_visitor_checks_what_they_need_for_an_item_and_is_told_when_it_is_not_for_them(
    locale: str,
    viewport: dict[str, int],
    web_system: dict[str, str],
    browser_context: Callable[..., BrowserContext],
    a11y: Accessibility,
    axe_available: bool,
) -> None:
    tag = f"{locale}-{'phone' if viewport == PHONE_375 else 'desktop'}"
    context = browser_context(locale=locale, viewport=viewport)
    prefer_locale(context, locale)
    page = context.new_page()
    item = api_json(web_system, "GET", f"/catalog/items/{LICENCE_ITEM}")
    assert sorted(item["applicantKinds"]) == ["enterprise", "person"], readable(item)
    conditional = [
        m for m in item["materials"] if m.get("requiredWhenZh") and m.get("source") == "applicant"
    ]
    agent = next(m for m in conditional if m["code"] == AGENT)
    assert agent["requiredWhenZh"] == "委托代理人办理的", readable(agent)

    # When a visitor opens the business licence's guide
    page.goto(f"/catalog/{LICENCE_ITEM}")
    section = page.get_by_test_id("item-screening")
    expect(section.get_by_role("heading", level=2)).to_have_text(TITLE[locale])
    # Then it asks who applies, and has one checkbox per conditional material, by its situation
    kinds = page.get_by_role("group", name=KIND_QUESTION[locale], exact=True)
    expect(kinds.get_by_role("radio")).to_have_count(2)
    boxes = section.get_by_role("checkbox")
    expect(boxes).to_have_count(len(conditional))
    for m in conditional:
        box = section.get_by_role("checkbox", name=re.compile(re.escape(m["requiredWhenZh"])))
        expect(box).to_have_count(1)
        expect(box).to_have_attribute("value", m["code"])
        label = section.locator(f'label[data-material="{m["code"]}"]')
        expect(label).to_contain_text(name(m, locale))
        if locale == "en":
            expect(label.locator('[lang="zh-CN"]')).to_have_text(m["requiredWhenZh"])
    expect(page.get_by_test_id("item-screening-result")).to_have_count(0)
    a11y.check(page, "item screening, the form")

    # When they tick that an agent applies, from the keyboard, and submit without the kind
    agent_box = section.get_by_role("checkbox", name=re.compile(agent["requiredWhenZh"]))
    agent_box.focus()
    agent_box.press("Space")
    expect(agent_box).to_be_checked()
    section.get_by_role("button", name=SUBMIT[locale]).click()
    # Then the message is beside the question, the focus on it, nothing screened
    expect(kinds.get_by_test_id("item-screening-kind-error")).to_have_text(KIND_REQUIRED[locale])
    expect(kinds.get_by_role("radio").first).to_be_focused()
    expect(page.get_by_test_id("item-screening-result")).to_have_count(0)
    assert "kind=" not in page.url
    shot(page, f"kind-missing-{tag}")

    # When they say they are an enterprise and submit
    kinds.get_by_role("radio", name=ENTERPRISE[locale], exact=True).check()
    expect(page.get_by_test_id("item-screening-kind-error")).to_have_count(0)
    section.get_by_role("button", name=SUBMIT[locale]).click()
    page.wait_for_url(re.compile(r"\?kind=enterprise&situations=AUTHORIZATION$"))
    # Then the result's heading takes the focus, and it is what the API answers for the same
    with_agent = screening_of(
        web_system, LICENCE_ITEM, {"applicantKind": "enterprise", "situations": [AGENT]}
    )
    assert with_agent["outcome"] == "bundle" and with_agent["itemId"] == LICENCE_ITEM, readable(
        with_agent
    )
    assert with_agent["bundleId"] is None, readable(with_agent)
    assert AGENT in [m["code"] for m in with_agent["materials"]], readable(with_agent)
    title = page.get_by_test_id("item-screening-result-title")
    expect(title).to_have_text(RESULT_TITLE[locale])
    expect(title).to_be_focused()
    expect(page.get_by_test_id("item-screening-live")).to_have_attribute("aria-live", "polite")
    assert_result(page, with_agent, locale)
    expect(
        page.locator(f'[data-testid="item-screening-material"][data-material="{AGENT}"]')
    ).to_contain_text(name(agent, locale))
    a11y.check(page, "item screening, the result")
    shot(page, f"result-{tag}")
    assert_no_sideways_scroll(page, viewport, "the result")

    # When they reload the page, the choices being in its address
    page.reload()
    # Then the same result shows, the form as they left it
    assert_result(page, with_agent, locale)
    expect(
        section.get_by_role("checkbox", name=re.compile(agent["requiredWhenZh"]))
    ).to_be_checked()
    expect(kinds.get_by_role("radio", name=ENTERPRISE[locale], exact=True)).to_be_checked()

    # When they untick it and submit again
    section.get_by_role("checkbox", name=re.compile(agent["requiredWhenZh"])).uncheck()
    expect(page.get_by_test_id("item-screening-changed")).to_be_visible()
    section.get_by_role("button", name=SUBMIT[locale]).click()
    page.wait_for_url(re.compile(r"\?kind=enterprise$"))
    # Then the authorization letter is no longer asked for, as the API answers
    without = screening_of(
        web_system, LICENCE_ITEM, {"applicantKind": "enterprise", "situations": []}
    )
    assert AGENT not in [m["code"] for m in without["materials"]], readable(without)
    assert len(without["materials"]) == len(with_agent["materials"]) - 1, readable(without)
    assert_result(page, without, locale)
    expect(
        page.locator(f'[data-testid="item-screening-material"][data-material="{AGENT}"]')
    ).to_have_count(0)
    expect(page.get_by_test_id("item-screening-changed")).to_have_count(0)

    # When a link names a situation the item does not have (a stale bookmark)
    refused = api(
        web_system,
        "POST",
        f"/catalog/items/{LICENCE_ITEM}/screening",
        {"applicantKind": "enterprise", "situations": [AGENT, "NO_SUCH"]},
    )
    assert refused.status_code == 422, refused.text
    assert "situations.1" in {f["field"] for f in refused.json()["fields"]}, refused.text
    page.goto(f"/catalog/{LICENCE_ITEM}?kind=enterprise&situations={AGENT},NO_SUCH")
    # Then the API's refusal is said beside the situations, the focus there, nothing screened
    situations = page.get_by_test_id("item-screening-situations")
    expect(situations.get_by_test_id("item-screening-situations-error")).to_have_text(
        SITUATION_REFUSED[locale].format(codes="NO_SUCH")
    )
    expect(situations.get_by_role("checkbox").first).to_be_focused()
    expect(page.get_by_test_id("item-screening-result")).to_have_count(0)
    a11y.check(page, "item screening, a situation refused")

    # When a link names a kind of applicant there is none of
    refused = api(
        web_system,
        "POST",
        f"/catalog/items/{LICENCE_ITEM}/screening",
        {"applicantKind": "robot", "situations": []},
    )
    assert refused.status_code == 422, refused.text
    assert "body.applicantKind" in {f["field"] for f in refused.json()["fields"]}, refused.text
    page.goto(f"/catalog/{LICENCE_ITEM}?kind=robot")
    # Then the refusal is said beside the question of who applies, the focus on it
    expect(kinds.get_by_test_id("item-screening-kind-error")).to_have_text(KIND_INVALID[locale])
    expect(kinds.get_by_role("radio").first).to_be_focused()
    expect(page.get_by_test_id("item-screening-situations-error")).to_have_count(0)
    expect(page.get_by_test_id("item-screening-result")).to_have_count(0)

    # When they open the guide of an item for enterprises only
    only = api_json(web_system, "GET", f"/catalog/items/{ENTERPRISE_ONLY}")
    assert only["applicantKinds"] == ["enterprise"], readable(only)
    page.goto(f"/catalog/{ENTERPRISE_ONLY}")
    # Then the kind is stated, not asked
    expect(page.get_by_test_id("item-screening-kind-fixed")).to_have_text(ONLY_ENTERPRISES[locale])
    expect(page.get_by_test_id("item-screening").get_by_role("radio")).to_have_count(0)
    expect(page.get_by_role("group", name=KIND_QUESTION[locale])).to_have_count(0)
    shot(page, f"enterprise-only-{tag}")

    # When its guide is opened as for a person (?kind=person)
    page.goto(f"/catalog/{ENTERPRISE_ONLY}?kind=person")
    # Then it shows the exit the API answers, in the page's language
    exit_view = screening_of(
        web_system, ENTERPRISE_ONLY, {"applicantKind": "person", "situations": []}
    )
    assert exit_view["outcome"] == "exit" and not exit_view["materials"], readable(exit_view)
    result = page.get_by_test_id("item-screening-result")
    expect(result).to_have_attribute("data-outcome", "exit")
    expect(page.get_by_test_id("item-screening-result-title")).to_have_text(EXIT_TITLE[locale])
    expect(page.get_by_test_id("exit-reason")).to_have_text(
        name(exit_view["exit"], locale, "reason")
    )
    expect(result.get_by_test_id("item-screening-material")).to_have_count(0)
    expect(page.get_by_test_id("item-screening-kind-fixed")).to_have_text(ONLY_ENTERPRISES[locale])
    a11y.check(page, "item screening, the exit")
    shot(page, f"exit-{tag}")
    assert_no_sideways_scroll(page, viewport, "the exit")

    # When they submit as the enterprise the item is for
    page.get_by_test_id("item-screening").get_by_role("button", name=SUBMIT[locale]).click()
    page.wait_for_url(re.compile(r"\?kind=enterprise$"))
    # Then the item's materials show instead of the exit
    as_enterprise = screening_of(web_system, ENTERPRISE_ONLY, {"applicantKind": "enterprise"})
    expect(result).to_have_attribute("data-outcome", "bundle")
    expect(result.get_by_test_id("item-screening-material")).to_have_count(
        len(as_enterprise["materials"])
    )
    expect(page.get_by_test_id("item-screening-result-title")).to_be_focused()

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
