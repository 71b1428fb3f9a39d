"""The bundles (一件事) and their guided pre-screening (情景导航) on the portal, in Chinese and
English and in Chinese at a phone's width (375 px). A visitor opens the bundles from the
header and 企业开办一件事 from the list; submitting with a question unanswered names it beside
the question and puts the focus on it; a company with staff, invoices and a bank account gets
the plan: the business licence (SD-KFQ-0001) first, the bank account (SD-KFQ-0103) last,
waiting for what it needs, the licence material serving two items, the critical path's
working days and the visits, all as the API answers the same answers. The answers are in
the URL (a reload shows the same plan); changing the kind of business to an individual one
ends on the exit, whose item (SD-KFQ-0114) opens its guide. A government-invested project
(BND-CONSTRUCTION-1) ends on an exit with nothing to apply for instead; a bundle asking
nothing (BND-CONSTRUCTION-2) shows its plan at once; an answer the API refuses (422) and an
unknown bundle (404) are said so. axe-core checks each view."""

import re
from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.support import DESKTOP, SCREENSHOTS, Accessibility, readable, screenshot
from tests.browser.test_journey import prefer_locale

PHONE_375 = {"width": 375, "height": 812}
OPENING = "BND-BUSINESS-OPENING"
LICENCE_ITEM = "SD-KFQ-0001"  # 企业设立登记: the business licence
BANK_ITEM = "SD-KFQ-0103"  # 单位银行结算账户开立
INDIVIDUAL_ITEM = "SD-KFQ-0114"  # 个体工商户设立登记: where an individual business goes
LICENCE_MATERIAL = "BUSINESS_LICENCE"
SHARED_MATERIAL = "BANK_ACCOUNT"  # the account details social and medical insurance ask for
COMPANY = {
    "entityKind": "company",
    "hasEmployees": "yes",
    "needsInvoices": "yes",
    "needsBankAccount": "yes",
}
CONSTRUCTION_1 = "BND-CONSTRUCTION-1"
CONSTRUCTION_2 = "BND-CONSTRUCTION-2"  # no questions at all

NAV = {"zh": "一件事", "en": "One thing, one go"}
TITLE = {"zh": "一件事", "en": "One thing, one go"}
REQUIRED = {"zh": "请选择一项", "en": "Choose an option"}
INVALID = {
    "zh": "所选答案不是本题的选项，请重新选择",
    "en": "The answer given is not one of this question’s options: choose again",
}
SUBMIT = {"zh": "查看办理方案", "en": "See my plan"}
CHANGE = {"zh": "修改答案", "en": "Change answers"}
PLAN_TITLE = {"zh": "您的办理方案", "en": "Your plan"}
EXIT_TITLE = {"zh": "您的情形不适用本一件事", "en": "This bundle does not fit your situation"}
ITEM_COUNT = {"zh": "{n} 个事项", "en": "{n} services"}
SERVES = {"zh": "一份用于 {n} 个事项：", "en": "One copy serves {n} services: "}
TOTAL_DAYS = {"zh": "{n} 个工作日", "en": "{n} working days"}  # (the plans here take days)
SEPARATE = {"zh": "若逐项分别办理：{n} 次", "en": "If filed one by one: {n}"}
NOT_YET = {
    "zh": "一件事合并申报尚未开通",
    "en": "Filing the bundle as one application is not available yet",
}
NOT_FOUND = {"zh": "没有找到这件事", "en": "No such bundle"}
BACK_TO_CATALOG = {"zh": "返回办事指南", "en": "Back to the service guide"}


def name(thing: dict[str, Any], locale: str, base: str = "name") -> str:
    return str(thing[f"{base}Zh"] if locale == "zh" else thing[f"{base}En"])


def api(web_system: dict[str, str], method: str, path: str, body: Any = None) -> requests.Response:
    """The public API as another client calls it (no token)."""
    return requests.request(method, web_system["WebUrl"] + "api" + path, json=body, timeout=15)


def api_json(web_system: dict[str, str], method: str, path: str, body: Any = None) -> Any:
    answer = api(web_system, method, path, body)
    assert answer.status_code == 200, f"{method} {path}: {answer.status_code} {answer.text[:500]}"
    return answer.json()


def shot(page: Page, name: str) -> None:
    """This page's pictures, full length, beside the other local state."""
    folder = SCREENSHOTS / "bundle-screening"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True, animations="disabled")


def question(page: Page, q: dict[str, Any], locale: str) -> Locator:
    return page.get_by_role("group", name=name(q, locale, "text"), exact=True)


def answer(page: Page, detail: dict[str, Any], answers: dict[str, str], locale: str) -> None:
    """Chooses each answer by its label, as a person does."""
    for q in detail["questions"]:
        if q["key"] not in answers:
            continue
        option = next(o for o in q["options"] if o["value"] == answers[q["key"]])
        question(page, q, locale).get_by_role(
            "radio", name=name(option, locale, "label"), exact=True
        ).check()


def assert_no_sideways_scroll(page: Page, viewport: dict[str, int], what: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{what} scrolls sideways: {width} px"


@pytest.mark.parametrize(
    ("locale", "viewport"),
    [("zh", DESKTOP), ("en", DESKTOP), ("zh", PHONE_375)],
    ids=["zh", "en", "zh-phone"],
)
def test_a_visitor_screens_opening_a_business_and_is_sent_elsewhere_as_an_individual(
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
    index = api_json(web_system, "GET", "/bundles")["bundles"]
    detail = api_json(web_system, "GET", f"/bundles/{OPENING}")
    by_key = {q["key"]: q for q in detail["questions"]}

    # When a visitor opens the bundles from the header
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name=NAV[locale], exact=True).click()
    page.wait_for_url("**/bundles")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE[locale])
    # Then every bundle is listed, with its lead department and its number of items
    cards = page.get_by_test_id("bundle-card")
    expect(cards).to_have_count(len(index))
    summary = next(b for b in index if b["bundleId"] == OPENING)
    card = page.locator(f'[data-testid="bundle-card"][data-bundle-id="{OPENING}"]')
    expect(card.get_by_test_id("bundle-lead")).to_contain_text(
        name(summary["leadDepartment"], locale)
    )
    expect(card.get_by_test_id("bundle-item-count")).to_have_text(
        ITEM_COUNT[locale].format(n=summary["itemCount"])
    )
    a11y.check(page, "bundles")
    screenshot(page, "bundles", locale)
    shot(page, f"list-{tag}")
    assert_no_sideways_scroll(page, viewport, "the bundles")

    # When they open 企业开办一件事 and submit with the last question unanswered
    card.get_by_role("link", name=name(summary, locale), exact=True).click()
    page.wait_for_url(f"**/bundles/{OPENING}")
    expect(page.get_by_test_id("bundle-title")).to_have_text(name(detail, locale))
    expect(page.get_by_test_id("screening-question")).to_have_count(len(detail["questions"]))
    for it in detail["items"]:
        expect(
            page.get_by_test_id("bundle-items").get_by_role(
                "link", name=name(it, locale), exact=True
            )
        ).to_be_visible()
    partial = {k: v for k, v in COMPANY.items() if k != "needsBankAccount"}
    answer(page, detail, partial, locale)
    page.get_by_role("button", name=SUBMIT[locale]).click()
    # Then the message is beside that question, the focus on it, and nothing was screened
    unanswered = question(page, by_key["needsBankAccount"], locale)
    expect(unanswered.get_by_test_id("question-error")).to_have_text(REQUIRED[locale])
    expect(unanswered.get_by_role("radio").first).to_be_focused()
    expect(page.get_by_test_id("question-error")).to_have_count(1)
    expect(page.get_by_test_id("screening-result")).to_have_count(0)
    assert "needsBankAccount" not in page.url
    a11y.check(page, "bundle screening, a question unanswered")
    shot(page, f"unanswered-{tag}")

    # When they answer it from the keyboard (the focused option, chosen with Space)
    unanswered.get_by_role("radio").first.press("Space")
    expect(unanswered.get_by_role("radio").first).to_be_checked()
    answer(page, detail, COMPANY, locale)
    expect(page.get_by_test_id("question-error")).to_have_count(0)
    page.get_by_role("button", name=SUBMIT[locale]).click()
    page.wait_for_url(re.compile(r"[?&]needsBankAccount=yes"))
    # Then the plan shows, its heading focused, as the API screens the same answers
    expected = api_json(web_system, "POST", f"/bundles/{OPENING}/screening", {"answers": COMPANY})
    assert expected["outcome"] == "bundle" and expected["criticalPathDays"] == 2, readable(expected)
    result = page.get_by_test_id("screening-result")
    expect(result).to_have_attribute("data-outcome", "bundle")
    expect(page.get_by_test_id("result-title")).to_have_text(PLAN_TITLE[locale])
    expect(page.get_by_test_id("result-title")).to_be_focused()
    assert_plan(page, expected, locale)
    a11y.check(page, "bundle screening, the plan")
    screenshot(page, "bundle-plan", locale)
    shot(page, f"plan-{tag}")
    assert_no_sideways_scroll(page, viewport, "the plan")

    # When they reload the page, the answers being in its address
    page.reload()
    # Then the same plan shows, the answers summed up
    expect(page.get_by_test_id("screening-result")).to_have_attribute("data-outcome", "bundle")
    assert_plan(page, expected, locale)
    option = next(o for o in by_key["entityKind"]["options"] if o["value"] == "company")
    expect(
        page.get_by_test_id("screening-answers").locator('[data-question="entityKind"]')
    ).to_have_text(name(option, locale, "label"))

    # When they change the kind of business to an individual one
    page.get_by_role("button", name=CHANGE[locale]).click()
    expect(
        question(page, by_key["entityKind"], locale).get_by_role("radio", checked=True)
    ).to_be_focused()
    answer(page, detail, {"entityKind": "individual"}, locale)
    page.get_by_role("button", name=SUBMIT[locale]).click()
    page.wait_for_url(re.compile(r"[?&]entityKind=individual"))
    # Then the exit says why and what to apply for instead, as the API has it
    individual = api_json(
        web_system,
        "POST",
        f"/bundles/{OPENING}/screening",
        {"answers": {**COMPANY, "entityKind": "individual"}},
    )
    assert individual["outcome"] == "exit" and not individual["items"], readable(individual)
    exit_ = individual["exit"]
    assert [i["itemId"] for i in exit_["instead"]] == [INDIVIDUAL_ITEM], readable(exit_)
    expect(page.get_by_test_id("screening-result")).to_have_attribute("data-outcome", "exit")
    expect(page.get_by_test_id("result-title")).to_have_text(EXIT_TITLE[locale])
    expect(page.get_by_test_id("result-title")).to_be_focused()
    expect(page.get_by_test_id("exit-reason")).to_have_text(name(exit_, locale, "reason"))
    expect(page.get_by_test_id("bundle-plan")).to_have_count(0)
    instead = page.get_by_test_id(f"exit-item-link-{INDIVIDUAL_ITEM}")
    expect(instead).to_have_text(name(exit_["instead"][0], locale))
    expect(page.get_by_test_id(f"exit-apply-{INDIVIDUAL_ITEM}")).to_have_attribute(
        "href", f"/signin?redirect=/apply/{INDIVIDUAL_ITEM}"
    )
    a11y.check(page, "bundle screening, the exit")
    screenshot(page, "bundle-exit", locale)
    shot(page, f"exit-{tag}")
    assert_no_sideways_scroll(page, viewport, "the exit")

    # And the item to apply for instead opens its guide; back, the exit shows again
    instead.click()
    page.wait_for_url(f"**/catalog/{INDIVIDUAL_ITEM}")
    expect(page.get_by_test_id("guide-title")).to_have_text(name(exit_["instead"][0], locale))
    page.go_back()
    expect(page.get_by_test_id("exit-reason")).to_have_text(name(exit_, locale, "reason"))

    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()


def assert_plan(page: Page, expected: dict[str, Any], locale: str) -> None:
    """The plan on the page is the API's: its waves, materials, days, visits, departments."""
    items = {i["itemId"]: i for i in expected["items"]}
    waves = page.get_by_test_id("plan-wave")
    expect(waves).to_have_count(len(expected["waves"]))
    for n, wave in enumerate(expected["waves"]):
        shown = waves.nth(n).get_by_test_id("plan-item")
        expect(shown).to_have_count(len(wave))
        assert shown.evaluate_all("els => els.map(e => e.dataset.itemId)") == wave
    # The licence first; the bank account last, waiting for the earlier results it needs
    assert expected["waves"][0] == [LICENCE_ITEM] and BANK_ITEM in expected["waves"][-1], readable(
        expected["waves"]
    )
    first = waves.first.locator(f'[data-item-id="{LICENCE_ITEM}"]')
    expect(
        first.get_by_role("link", name=name(items[LICENCE_ITEM], locale), exact=True)
    ).to_have_attribute("href", f"/catalog/{LICENCE_ITEM}")
    bank = items[BANK_ITEM]
    assert LICENCE_ITEM in bank["waitsFor"], readable(bank)
    last = waves.last
    for earlier in bank["waitsFor"]:
        expect(last.get_by_role("heading", level=4)).to_contain_text(name(items[earlier], locale))
        expect(
            last.locator(f'[data-item-id="{BANK_ITEM}"]').get_by_test_id("plan-item-waits")
        ).to_contain_text(name(items[earlier], locale))
    departments = {d["code"]: d for d in expected["departments"]}
    expect(
        last.locator(f'[data-item-id="{BANK_ITEM}"]').get_by_test_id("plan-item-departments")
    ).to_have_text(
        ("、" if locale == "zh" else ", ").join(
            name(departments[c], locale) for c in bank["departments"]
        )
    )
    # One merged list of materials; the bank account details serve two items
    materials = page.get_by_test_id("plan-material")
    expect(materials).to_have_count(len(expected["materials"]))
    bank_details = next(m for m in expected["materials"] if m["code"] == SHARED_MATERIAL)
    assert len(bank_details["itemIds"]) == 2, readable(bank_details)
    shown = page.locator(f'[data-testid="plan-material"][data-material="{SHARED_MATERIAL}"]')
    expect(shown.get_by_test_id("plan-material-serves")).to_contain_text(SERVES[locale].format(n=2))
    for item_id in bank_details["itemIds"]:
        expect(shown.get_by_test_id("plan-material-serves")).to_contain_text(
            name(items[item_id], locale)
        )
    # The licence the registration issues is not asked for: its result provides it
    (licence,) = expected["issuedInBundle"]
    assert licence["code"] == LICENCE_MATERIAL and licence["issuedBy"] == LICENCE_ITEM
    assert (
        page.locator(f'[data-testid="plan-material"][data-material="{LICENCE_MATERIAL}"]').count()
        == 0
    )
    provided = page.locator(f'[data-testid="plan-from-result"][data-material="{LICENCE_MATERIAL}"]')
    expect(provided).to_have_attribute("data-issued-by", LICENCE_ITEM)
    for item_id in [LICENCE_ITEM, *licence["itemIds"]]:
        expect(provided).to_contain_text(name(items[item_id], locale))
    conditional = [m for m in expected["materials"] if m["requiredWhenZh"]]
    expect(page.get_by_test_id("plan-material-when")).to_have_count(len(conditional))
    expect(page.get_by_test_id("plan-material-commitment")).to_have_count(
        sum(1 for m in expected["materials"] if m["commitmentAllowed"])
    )
    # The time to the last result along the critical path, the visits, the departments
    total = page.get_by_test_id("plan-total-time")
    expect(total).to_contain_text(TOTAL_DAYS[locale].format(n=expected["criticalPathDays"]))
    for item_id in expected["criticalPath"]:
        expect(page.get_by_test_id("plan-critical-path")).to_contain_text(
            name(items[item_id], locale)
        )
    expect(page.get_by_test_id("plan-visits")).to_contain_text(str(expected["onSiteVisits"]))
    expect(page.get_by_test_id("plan-visits-separate")).to_have_text(
        SEPARATE[locale].format(n=expected["visitsIfSeparate"])
    )
    shown_departments = page.get_by_test_id("plan-departments").locator("li")
    expect(shown_departments).to_have_text([name(d, locale) for d in expected["departments"]])
    # Not filed as one yet: each item on its own, no button to file the bundle
    expect(page.get_by_test_id("plan-not-yet")).to_contain_text(NOT_YET[locale])


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_an_exit_with_nothing_instead_a_bundle_asking_nothing_a_refused_answer_and_no_bundle(
    locale: str,
    web_system: dict[str, str],
    browser_context: Callable[..., BrowserContext],
    a11y: Accessibility,
) -> None:
    context = browser_context(locale=locale)
    prefer_locale(context, locale)
    page = context.new_page()

    # When a government-invested project is screened for its first construction stage
    stage_1 = api_json(web_system, "GET", f"/bundles/{CONSTRUCTION_1}")
    page.goto(f"/bundles/{CONSTRUCTION_1}")
    answer(page, stage_1, {"investment": "government"}, locale)
    page.get_by_role("button", name=SUBMIT[locale]).click()
    # Then it ends on the exit, the reason only, with the way back to the catalog
    expected = api_json(
        web_system,
        "POST",
        f"/bundles/{CONSTRUCTION_1}/screening",
        {"answers": {"investment": "government"}},
    )
    assert expected["outcome"] == "exit" and not expected["exit"]["instead"], readable(expected)
    expect(page.get_by_test_id("result-title")).to_have_text(EXIT_TITLE[locale])
    expect(page.get_by_test_id("exit-reason")).to_have_text(
        name(expected["exit"], locale, "reason")
    )
    expect(page.get_by_test_id("exit-instead")).to_have_count(0)
    expect(page.get_by_role("link", name=BACK_TO_CATALOG[locale], exact=True)).to_have_attribute(
        "href", "/"
    )
    a11y.check(page, "bundle screening, an exit with nothing instead")
    shot(page, f"exit-no-items-{locale}")

    # When a bundle that asks nothing is opened
    stage_2 = api_json(web_system, "POST", f"/bundles/{CONSTRUCTION_2}/screening", {"answers": {}})
    assert stage_2["outcome"] == "bundle" and stage_2["items"], readable(stage_2)
    page.goto(f"/bundles/{CONSTRUCTION_2}")
    # Then its plan shows at once, without a form
    expect(page.get_by_test_id("no-questions")).to_be_visible()
    expect(page.get_by_test_id("screening-form")).to_have_count(0)
    expect(page.get_by_test_id("plan-item")).to_have_count(len(stage_2["items"]))
    expect(page.get_by_test_id("plan-total-time")).to_contain_text(
        TOTAL_DAYS[locale].format(n=stage_2["criticalPathDays"])
    )
    a11y.check(page, "bundle screening, no questions")

    # When an address holds an answer that is not an option (a stale bookmark)
    refused = api(
        web_system,
        "POST",
        f"/bundles/{OPENING}/screening",
        {"answers": {**COMPANY, "entityKind": "partnership"}},
    )
    assert refused.status_code == 422, refused.text
    assert "answers.entityKind" in {f["field"] for f in refused.json()["fields"]}, refused.text
    opening = api_json(web_system, "GET", f"/bundles/{OPENING}")
    query = "&".join(f"{k}={v}" for k, v in {**COMPANY, "entityKind": "partnership"}.items())
    page.goto(f"/bundles/{OPENING}?{query}")
    # Then the API's refusal is said beside that question, the focus on it
    kind = question(page, opening["questions"][0], locale)
    expect(kind.get_by_test_id("question-error")).to_have_text(INVALID[locale])
    expect(kind.get_by_role("radio").first).to_be_focused()
    expect(page.get_by_test_id("screening-result")).to_have_count(0)

    # When the bundle does not exist
    missing = api(web_system, "GET", "/bundles/BND-NO-SUCH")
    assert missing.status_code == 404, missing.text
    assert "bundleId" in {f["field"] for f in missing.json().get("fields", [])}, missing.text
    page.goto("/bundles/BND-NO-SUCH")
    # Then the page says so, with the way back to the list
    expect(page.get_by_test_id("bundle-error")).to_contain_text(NOT_FOUND[locale])
    a11y.check(page, "bundle not found")
    a11y.assert_clean()
