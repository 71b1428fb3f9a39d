"""Key projects (重点项目) in a real browser, in Chinese and in English (and once in Chinese on
a 375 px phone). The steward (审批管家, group `agent`) signs in to the console, lands on the
projects list, and registers a project for the run's own enterprise: the form refused empty
(the error beside the project code, the focus on it), then every field, the investment
question answered 企业投资备案 (enterprise_filing) and 排污许可证核发 (SD-KFQ-0226) added from a
catalog search. The project page's roadmap has stage 1 (立项用地规划许可) next with its three
items. Over HTTP the company (the citizen) files SD-KFQ-0003, -0202 and -0203 for the
enterprise and puts two of them on the project; in the portal it adds the third from "add one
of my cases" (refused empty first, beside the chooser). Each department approves (over HTTP);
the steward's roadmap then shows stage 1 done with its date and stage 2 next, the project under
construction, the three cases on the timeline. The steward adds a joint consultation to the
log: without a conclusion it is refused beside the field, with the focus there; then signed
(signer, time, digest). The company's page shows the roadmap (stage 2's items linking to their
guides, stage 1's to the cases), the timeline and no log. axe-core checks every page."""

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from shared.domain.identifiers import credit_code_check_char
from tests.browser.support import (
    DESKTOP,
    Accessibility,
    concluded_through_the_api,
    filed_for,
    onboard_steward,
    shot,
)
from tests.browser.test_journey import prefer_locale, sign_in

STAGE_1 = ["SD-KFQ-0003", "SD-KFQ-0202", "SD-KFQ-0203"]
OPERATING_ITEM = "SD-KFQ-0226"  # 排污许可证核发
PHONE_375 = {"width": 375, "height": 812}
RUNS = {"zh": 3101, "en": 3102, "zh-375": 3103}
LIFECYCLE = {"zh": "建设中", "en": "Under construction"}
DONE = {"zh": "已完成", "en": "Done"}
NEXT = {"zh": "下一步", "en": "Next"}
CONCLUSION_MISSING = {"zh": "联合会诊须填写会诊结论", "en": "A consultation needs its conclusion"}
REQUIRED = {"zh": "必填", "en": "Required"}
MINE_MISSING = {"zh": "请选择一件您的办件", "en": "Choose one of your cases"}
LOG_TITLE = {"zh": "管家服务日志", "en": "Steward’s log"}


def enterprise(run: str) -> dict[str, str]:
    serial = RUNS[run]
    first17 = f"91370600MA3PJ{serial:04d}"
    return {
        "kind": "enterprise",
        "name": f"烟台恒远新材料有限公司{serial}",
        "creditCode": first17 + credit_code_check_char(first17),
        "legalRepresentative": "赵磊",
        "phone": "13800138000",
    }


def project_code(run: str) -> str:
    return f"2026-370600-26-03-{(RUNS[run] * 100 + int(time.time()) % 100) % 1_000_000:06d}"


def stage(page: Page, key: str) -> Any:
    return page.get_by_test_id("project-roadmap").locator(
        f'[data-testid="roadmap-stage"][data-stage="{key}"]'
    )


def api_post(web_system: dict[str, str], token: str, path: str, body: Any) -> Any:
    from infra.local.client import OneWindowClient

    return OneWindowClient(web_system["ApiUrl"]).as_user(token).call("POST", path, body=body)


@pytest.mark.parametrize("run", ["zh", "en", "zh-375"])
def test_a_steward_registers_a_project_and_its_roadmap_follows_the_companys_cases(
    run: str,
    web_system: dict[str, str],
    people: dict[str, str],
    password: str,
    id_token_of: Callable[[str], str],
    browser_context: Callable[..., BrowserContext],
    a11y: Accessibility,
    settle: list[str],
) -> None:
    locale = "zh" if run.startswith("zh") else "en"
    viewport = PHONE_375 if run == "zh-375" else DESKTOP
    company = enterprise(run)
    code = project_code(run)
    steward_email = onboard_steward(web_system)

    # The steward lands on the projects list and opens the registration form
    steward_context = browser_context(locale=locale, viewport=viewport)
    prefer_locale(steward_context, locale)
    steward = steward_context.new_page()
    sign_in(steward, steward_email, password)
    steward.goto("/console")
    expect(steward.get_by_test_id("console-projects")).to_be_visible()
    expect(steward.get_by_test_id("console-nav-projects")).to_have_attribute("aria-current", "page")
    a11y.check(steward, f"console projects ({run})")
    steward.get_by_test_id("project-new").click()
    expect(steward.get_by_test_id("project-form")).to_be_visible()
    expect(steward.get_by_test_id("project-question")).to_have_count(3)

    # Refused empty: the error beside the project code, the focus on it
    steward.get_by_test_id("project-submit").click()
    expect(steward.get_by_test_id("project-code-error")).to_have_text(REQUIRED[locale])
    expect(steward.locator("#pf-projectCode")).to_be_focused()
    a11y.check(steward, f"project form, refused ({run})")

    # Every field, the situation and one operating licence from the catalog
    steward.get_by_test_id("project-code-input").fill(code)
    steward.get_by_test_id("project-name-input").fill("年产5万吨高性能复合材料项目")
    steward.get_by_test_id("project-enterprise-input").fill(company["name"])
    steward.get_by_test_id("project-credit-code-input").fill(company["creditCode"])
    steward.get_by_test_id("project-site-input").fill("烟台经济技术开发区长江路以北")
    steward.get_by_test_id("project-investment-input").fill("120000")
    steward.get_by_test_id("project-park-input").fill("新材料产业园")
    steward_input = steward.get_by_test_id("project-steward-input")
    expect(steward_input).not_to_have_value("")
    expect(steward_input).to_have_attribute("readonly", "")
    steward.get_by_test_id("situation-investment-enterprise_filing").check()
    steward.get_by_test_id("project-item-search").fill("排污")
    steward.get_by_test_id("project-item-search").press("Enter")
    result = steward.locator(
        f'[data-testid="project-item-result"][data-item-id="{OPERATING_ITEM}"]'
    )
    result.get_by_test_id("project-item-add").click()
    chip = steward.locator(f'[data-testid="project-item-chip"][data-item-id="{OPERATING_ITEM}"]')
    expect(chip).to_be_visible()
    expect(chip.get_by_test_id("project-item-remove")).to_be_focused()
    a11y.check(steward, f"project form, filled ({run})")
    shot(steward, "console-project-new", locale)
    steward.get_by_test_id("project-submit").click()

    # The project's page: stage 1 next with its three items
    page_of_project = steward.get_by_test_id("console-project")
    expect(page_of_project).to_be_visible(timeout=20_000)
    project_id = page_of_project.get_attribute("data-project-id")
    assert project_id and re.fullmatch(r"[0-9A-Z]{26}", project_id)
    expect(steward.get_by_test_id("project-code")).to_have_text(code)
    first = stage(steward, "approval_and_land")
    expect(first).to_have_attribute("data-state", "next")
    expect(first.get_by_test_id("roadmap-stage-state")).to_have_text(NEXT[locale])
    items = first.get_by_test_id("roadmap-item")
    expect(items).to_have_count(3)
    assert [items.nth(n).get_attribute("data-item-id") for n in range(3)] == STAGE_1
    expect(steward.get_by_test_id("project-lifecycle")).to_have_attribute(
        "data-lifecycle", "planning"
    )
    expect(steward.get_by_test_id("project-cases-empty")).to_be_visible()
    a11y.check(steward, f"console project, registered ({run})")

    # Over HTTP: the company files the stage's three items and puts two on the project
    citizen_token = id_token_of(people["citizen"])
    form = {"enterpriseName": company["name"], "creditCode": company["creditCode"]}
    cases = {item: filed_for(web_system, citizen_token, item, company, form) for item in STAGE_1}
    settle.extend(cases.values())
    for item in STAGE_1[1:]:
        body = {"applicationId": cases[item]}
        api_post(web_system, citizen_token, f"/projects/{project_id}/cases", body)

    # In the portal the company adds the third from its own cases
    citizen_context = browser_context(locale=locale, viewport=viewport)
    prefer_locale(citizen_context, locale)
    citizen = citizen_context.new_page()
    sign_in(citizen, people["citizen"], password)
    citizen.get_by_test_id("nav-projects").click()
    row = citizen.locator(f'[data-testid="project-row"][data-project-id="{project_id}"]')
    expect(row).to_be_visible()
    a11y.check(citizen, f"my projects ({run})")
    row.get_by_test_id("project-open").click()
    expect(citizen.get_by_test_id("portal-project")).to_be_visible()
    expect(citizen.get_by_test_id("project-case")).to_have_count(2)
    citizen.get_by_test_id("my-case-submit").click()
    expect(citizen.get_by_test_id("my-case-error")).to_have_text(MINE_MISSING[locale])
    expect(citizen.get_by_test_id("my-case")).to_be_focused()
    citizen.get_by_test_id("my-case").select_option(cases[STAGE_1[0]])
    citizen.get_by_test_id("my-case-submit").click()
    expect(citizen.get_by_test_id("my-case-notice")).to_contain_text(cases[STAGE_1[0]])
    expect(citizen.get_by_test_id("project-case")).to_have_count(3)
    expect(stage(citizen, "approval_and_land")).to_have_attribute("data-state", "running")
    a11y.check(citizen, f"portal project, running ({run})")

    # Each department approves: stage 1 done with its date, stage 2 next, under construction
    concluded_through_the_api(
        web_system, citizen_token, id_token_of, id_token_of(people["window"]), list(cases.values())
    )
    steward.reload()
    first = stage(steward, "approval_and_land")
    expect(first).to_have_attribute("data-state", "done", timeout=20_000)
    expect(first.get_by_test_id("roadmap-stage-state")).to_have_text(DONE[locale])
    expect(first.get_by_test_id("roadmap-stage-concluded")).to_be_visible()
    expect(stage(steward, "engineering_planning")).to_have_attribute("data-state", "next")
    expect(steward.get_by_test_id("project-lifecycle")).to_contain_text(LIFECYCLE[locale])
    expect(steward.get_by_test_id("project-next-stage")).to_have_attribute(
        "data-stage", "engineering_planning"
    )
    timeline = steward.get_by_test_id("project-case")
    expect(timeline).to_have_count(3)
    for n in range(3):
        assert timeline.nth(n).get_attribute("data-application-id") in cases.values()

    # The steward's log: a consultation refused without its conclusion, then signed
    steward.get_by_test_id("log-kind").select_option("consultation")
    steward.get_by_test_id("log-summary").fill("组织自然资源、住建部门对设计方案开展前置会诊")
    steward.get_by_test_id("log-dept-NATRES").check()
    steward.get_by_test_id("log-dept-HOUSING").check()
    steward.get_by_test_id("log-participants").fill("审批管家、企业项目负责人")
    steward.get_by_test_id("log-submit").click()
    expect(steward.get_by_test_id("log-conclusion-error")).to_have_text(CONCLUSION_MISSING[locale])
    expect(steward.locator("#log-conclusion")).to_be_focused()
    a11y.check(steward, f"console project, log refused ({run})")
    steward.get_by_test_id("log-conclusion").fill("方案符合控规，按程序报审")
    steward.get_by_test_id("log-submit").click()
    entry = steward.get_by_test_id("log-entry").first
    expect(entry).to_have_attribute("data-kind", "consultation")
    expect(entry.get_by_test_id("log-entry-conclusion")).to_contain_text("方案符合控规")
    expect(entry.get_by_test_id("log-entry-departments")).to_contain_text(
        "自然资源和规划局" if locale == "zh" else "Natural Resources and Planning Bureau"
    )
    assert len(entry.get_by_test_id("log-entry-digest").get_attribute("data-digest") or "") == 64
    expect(entry.get_by_test_id("log-entry-signed")).not_to_be_empty()
    expect(steward.get_by_test_id("log-notice")).to_be_focused()
    a11y.check(steward, f"console project, concluded ({run})")
    shot(steward, "console-project", locale)
    # The steward opens a concluded case of the project: its audit trail, with a chain
    first.get_by_test_id("roadmap-item").first.get_by_test_id("roadmap-item-link").click()
    expect(steward).to_have_url(re.compile(r"/console/cases/[0-9A-Z]{26}/audit"))
    expect(steward.get_by_test_id("audit-chain").first).to_be_visible(timeout=20_000)
    steward.go_back()
    expect(stage(steward, "approval_and_land")).to_have_attribute("data-state", "done")

    # The company's page: the roadmap (guides for stage 2, cases for stage 1), the timeline,
    # no log
    citizen.reload()
    expect(stage(citizen, "approval_and_land")).to_have_attribute("data-state", "done")
    done_link = stage(citizen, "approval_and_land").get_by_test_id("roadmap-item-link").first
    expect(done_link).to_have_attribute("href", re.compile(r"/cases/[0-9A-Z]{26}$"))
    second = stage(citizen, "engineering_planning")
    expect(second).to_have_attribute("data-state", "next")
    guide = second.locator('[data-testid="roadmap-item"][data-state="not_filed"]').first
    expect(guide.get_by_test_id("roadmap-item-link")).to_have_attribute(
        "href", re.compile(r"/catalog/SD-KFQ-\d{4}$")
    )
    expect(citizen.get_by_test_id("project-case")).to_have_count(3)
    for case in cases.values():  # (on the project: no longer offered)
        expect(citizen.get_by_test_id("my-case").locator(f'option[value="{case}"]')).to_have_count(
            0
        )
    expect(citizen.get_by_test_id("project-log")).to_have_count(0)
    expect(citizen.get_by_text(LOG_TITLE[locale])).to_have_count(0)
    a11y.check(citizen, f"portal project, concluded ({run})")
    shot(citizen, "portal-project", locale)

    a11y.assert_clean()
