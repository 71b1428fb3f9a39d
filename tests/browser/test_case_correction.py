"""Form fields the one-time list asks for, corrected on the citizen's case page, in a real
browser, in Chinese and in English.

Mid-approval (退回补正): a case of SD-KFQ-0010 filed over HTTP is in approval when the water
department asks (`POST /tasks/{taskId}/supplement-request`) for the power capacity to be
restated and the property proof to come again. On the case page the field is an input of
its kind, prefilled with the case's value, beside the department's reason; a value out of
range and the proof not uploaded again are refused on the page, by field, the focus on the
first; an error the API answers for the field shows under it. The citizen corrects it,
uploads the proof and submits: over the API the form holds the new value, the request is
closed and the case back in review, `form_supplemented` on its timeline.

At acceptance: a case filed with a required field blank is returned with a one-time notice
naming it; the field is editable on the page the same way, and once filled and resubmitted
the case goes on to approval with the value in its form. Every case is concluded (approved by
the three departments) so that the later tests' inboxes hold none of them; axe-core checks
each state."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.conftest import DEPARTMENTS
from tests.browser.support import (
    DESKTOP,
    SCREENSHOTS,
    Accessibility,
    decide_through_the_api,
    poll,
    readable,
)
from tests.browser.test_journey import CASE_TIMEOUT, api_get, prefer_locale, sign_in
from tests.browser.test_supplement import upload

ITEM = "SD-KFQ-0010"
FIELD = "powerCapacity"  # 申请用电容量（千伏安）: a number, 1 to 100000
MATERIAL = "PROPERTY_PROOF"
REASON = "用电容量与设计图纸不一致，请核实后重填"
OUT_OF_RANGE = {"zh": "不能大于 100000", "en": "At most 100000"}
CORRECTED = 630
FIELD_LABEL = {"zh": "申请用电容量（千伏安）", "en": "Requested power capacity (kVA)"}
MATERIAL_NAME = {
    "zh": "用电用水地址产权证明或租赁合同",
    "en": "Property title or lease of the supply address",
}
UPLOAD_AGAIN = {"zh": "请重新上传此材料", "en": "Upload this material again"}
FIX = {"zh": "请先更正标红的项目", "en": "Please correct the fields marked in red"}
CORRECTED_EVENT = {"zh": "按补正要求更正填报内容", "en": "Form corrected as asked"}
CORRECTED_DETAIL = {"zh": "已按要求更正：", "en": "Corrected as asked: "}
BLANK = "contactName"  # 联系人: required text
BLANK_LABEL = {"zh": "联系人", "en": "Contact person"}
REQUIRED = {"zh": "请填写联系人", "en": "Enter Contact person"}
API_REFUSAL = "容量超出该地址的供电能力"
PHONE_375 = {"width": 375, "height": 812}


def shot(page: Page, name: str) -> None:
    """This page's pictures, beside the other local state (ONEWINDOW_SCREENSHOTS moves them)."""
    folder = SCREENSHOTS / "case-correction"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True, animations="disabled")


def client_of(web_system: dict[str, str], token: str) -> Any:
    from infra.local.client import OneWindowClient

    return OneWindowClient(web_system["ApiUrl"]).as_user(token)


def filed(web_system: dict[str, str], token: str, leave_blank: str | None = None) -> str:
    """A case of SD-KFQ-0010 for the sample enterprise, every required material uploaded,
    submitted over HTTP (with `leave_blank`, that form field not given): its id."""
    from infra.local.client import SAMPLE_ENTERPRISE, sample_form, upload_required

    client = client_of(web_system, token)
    item = client.catalog_item(ITEM)
    form = {k: v for k, v in sample_form(item).items() if k != leave_blank}
    created = client.create(
        {
            "itemId": ITEM,
            "applicant": SAMPLE_ENTERPRISE,
            "form": form,
            "channel": "web",
            "delivery": {"mode": "electronic"},
        }
    )
    case = str(created["applicationId"])
    upload_required(client, case, item)
    client.submit(case)
    return case


def until(
    page: Page,
    web_system: dict[str, str],
    token: str,
    case: str,
    test: Callable[[dict[str, Any]], bool],
    what: str,
) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        view = api_get(web_system, token, f"/applications/{case}")
        return view if test(view) else None

    found: dict[str, Any] = poll(
        probe, timeout=CASE_TIMEOUT, interval_ms=1000, page=page, what=what
    )
    return found


def conclude(
    web_system: dict[str, str], people: dict[str, str], id_token_of: Callable[[str], str], case: str
) -> None:
    for department in DEPARTMENTS:
        decide_through_the_api(web_system, id_token_of(people[department]), f"{case}-{department}")


@pytest.mark.parametrize(
    ("locale", "viewport"),
    [("zh", DESKTOP), ("en", DESKTOP), ("zh", PHONE_375)],
    ids=["zh", "en", "zh-phone"],
)
def test_a_form_field_and_a_material_a_department_asks_for_are_supplied_on_the_case_page(
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
    tag = f"{locale}-{'phone' if viewport == PHONE_375 else 'desktop'}"
    context = browser_context(locale=locale, viewport=viewport)
    prefer_locale(context, locale)
    page = context.new_page()
    sign_in(page, people["citizen"], password)
    token = id_token_of(people["citizen"])
    # Given a case in review whose water department asks for the capacity and the proof again
    case = filed(web_system, token)
    before = until(
        page,
        web_system,
        token,
        case,
        lambda v: v["status"] == "IN_APPROVAL" and len(v["reviews"]) == 3,
        f"{case} in approval",
    )
    notice = [
        {"field": FIELD, "reason": REASON},
        {"field": MATERIAL, "reason": "产权证明已过期，请上传有效期内的证明"},
    ]
    water = client_of(web_system, id_token_of(people["WATER"]))
    water.call("POST", f"/tasks/{case}-WATER/supplement-request", body={"missing": notice})

    # When the citizen opens the case page
    page.goto(f"/cases/{case}")
    supplement = page.get_by_test_id("case-supplement")
    expect(supplement).to_have_attribute("data-department", "WATER")

    # Then the field is there to correct, as its kind, with the case's value and the reason
    corrections = supplement.get_by_test_id("case-missing-form")
    expect(corrections.locator("[data-field]")).to_have_count(1)
    field = corrections.get_by_label(FIELD_LABEL[locale])
    expect(field).to_have_attribute("data-testid", f"field-{FIELD}")
    expect(field).to_have_value(str(before["form"][FIELD]))
    expect(field).to_have_attribute("inputmode", "decimal")
    expect(corrections.get_by_test_id(f"case-missing-reason-{FIELD}")).to_contain_text(REASON)
    expect(supplement.get_by_test_id(f"material-{MATERIAL}")).to_contain_text(MATERIAL_NAME[locale])
    expect(page.locator('[data-testid^="material-file-"]')).to_have_count(1)
    # And the timeline names what was asked, in the page's language
    requested = page.get_by_test_id("case-timeline").locator('[data-action="supplement_requested"]')
    expect(requested).to_contain_text(FIELD_LABEL[locale])
    expect(requested).to_contain_text(REASON)
    expect(requested).to_contain_text(MATERIAL_NAME[locale])
    a11y.check(page, f"case page, a field and a material asked for ({locale})")
    shot(page, f"asked-{tag}")

    # When the citizen submits a capacity out of range, the proof not uploaded again
    field.fill("200000")
    supplement.get_by_test_id("case-resubmit").click()

    # Then nothing is sent: the page names both, the focus on the field
    expect(supplement.get_by_test_id(f"error-form-{FIELD}")).to_contain_text(OUT_OF_RANGE[locale])
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    expect(supplement.get_by_test_id(f"material-error-{MATERIAL}")).to_have_text(
        UPLOAD_AGAIN[locale]
    )
    expect(supplement.get_by_test_id("resubmit-error")).to_have_text(FIX[locale])
    assert (
        api_get(web_system, token, f"/applications/{case}")["form"][FIELD] == before["form"][FIELD]
    )
    a11y.check(page, f"case page, the supplement refused on the page ({locale})")
    shot(page, f"refused-{tag}")

    # When the value fits but the API refuses it for the field (simulated, once)
    def refuse(route: Route) -> None:
        body = {
            "error": "validation_failed",
            "message": "the form has 1 problem(s): form.powerCapacity",
            "fields": [{"field": f"body.form.{FIELD}", "message": API_REFUSAL}],
        }
        route.fulfill(status=422, content_type="application/json", body=json.dumps(body))

    page.route(f"**/api/applications/{case}/draft", refuse)
    field.fill(str(CORRECTED))
    upload(page, supplement, MATERIAL, tmp_path)
    expect(supplement.get_by_test_id(f"material-error-{MATERIAL}")).to_have_count(0)
    supplement.get_by_test_id("case-resubmit").click()

    # Then its message shows under the field, and the request is still open
    expect(supplement.get_by_test_id(f"error-form-{FIELD}")).to_have_text(API_REFUSAL)
    expect(field).to_be_focused()
    shot(page, f"api-refused-{tag}")
    page.unroute(f"**/api/applications/{case}/draft", refuse)
    assert api_get(web_system, token, f"/applications/{case}")["clock"]["paused"] is True

    # When the citizen submits again
    supplement.get_by_test_id("case-resubmit").click()

    # Then the request is answered on the page, the correction on the timeline
    expect(page.get_by_test_id("case-supplement")).to_have_count(0, timeout=20_000)
    expect(page.locator("#c-supplemented")).to_be_focused()
    answered = page.get_by_test_id("case-supplement-answer")
    expect(answered).to_have_count(1)
    expect(answered.locator(f'[data-field="{FIELD}"]')).to_contain_text(FIELD_LABEL[locale])
    event = page.get_by_test_id("case-timeline").locator('[data-action="form_supplemented"]')
    expect(event).to_contain_text(CORRECTED_EVENT[locale])
    expect(event).to_contain_text(CORRECTED_DETAIL[locale] + FIELD_LABEL[locale])
    a11y.check(page, f"case page, the supplement answered ({locale})")
    shot(page, f"answered-{tag}")

    # And over the API: the new value, the rest of the form as it was, the review resumed
    after = api_get(web_system, token, f"/applications/{case}")
    assert after["status"] == "IN_APPROVAL", readable(after)
    assert after["form"][FIELD] == CORRECTED, readable(after["form"])
    assert {k: v for k, v in after["form"].items() if k != FIELD} == {
        k: v for k, v in before["form"].items() if k != FIELD
    }, readable(after["form"])
    assert after["clock"]["paused"] is False, readable(after["clock"])
    (pause,) = [p for p in after["clock"]["pauses"] if p["kind"] == "supplement"]
    assert pause["endedAt"] and pause["outcome"] == "supplemented", readable(pause)
    actions = [e["action"] for e in after["timeline"]]
    assert "form_supplemented" in actions and "supplemented" in actions, actions
    proof = after["materials"][MATERIAL]
    assert (
        proof["fileName"] == f"{MATERIAL.lower()}.pdf" and proof["requestedAt"] > pause["startedAt"]
    ), readable(proof)

    conclude(web_system, people, id_token_of, case)
    until(page, web_system, token, case, lambda v: v["status"] == "COMPLETED", f"{case} concluded")
    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_form_field_a_return_lists_is_filled_in_on_the_case_page(
    locale: str,
    web_system: dict[str, str],
    people: dict[str, str],
    password: str,
    id_token_of: Callable[[str], str],
    browser_context: Callable[..., BrowserContext],
    a11y: Accessibility,
    axe_available: bool,
) -> None:
    context = browser_context(locale=locale)
    prefer_locale(context, locale)
    page = context.new_page()
    sign_in(page, people["citizen"], password)
    token = id_token_of(people["citizen"])
    # Given a case returned at acceptance for its contact person left blank
    case = filed(web_system, token, leave_blank=BLANK)
    until(page, web_system, token, case, lambda v: v["status"] == "RETURNED", f"{case} returned")

    # When the citizen opens it, the field is there to fill in, empty
    page.goto(f"/cases/{case}")
    returned = page.get_by_test_id("case-returned")
    expect(
        returned.get_by_test_id("case-missing").locator(f'[data-field="form.{BLANK}"]')
    ).to_contain_text(BLANK_LABEL[locale])
    field = returned.get_by_test_id("case-missing-form").get_by_label(BLANK_LABEL[locale])
    expect(field).to_have_value("")
    a11y.check(page, f"case page, returned for a blank field ({locale})")

    # When resubmitted still blank, the page asks for it
    returned.get_by_test_id("case-resubmit").click()
    expect(returned.get_by_test_id(f"error-form-{BLANK}")).to_have_text(REQUIRED[locale])
    expect(field).to_be_focused()
    a11y.check(page, f"case page, the blank field refused ({locale})")
    shot(page, f"returned-refused-{locale}")

    # When filled in and resubmitted, the case goes on to approval with it
    field.fill("王强")
    returned.get_by_test_id("case-resubmit").click()
    expect(page.get_by_test_id("case-returned")).to_have_count(0, timeout=20_000)
    view = until(
        page,
        web_system,
        token,
        case,
        lambda v: v["status"] == "IN_APPROVAL" and len(v["reviews"]) == 3,
        f"{case} in approval",
    )
    assert view["form"][BLANK] == "王强", readable(view["form"])

    conclude(web_system, people, id_token_of, case)
    until(page, web_system, token, case, lambda v: v["status"] == "COMPLETED", f"{case} concluded")
    assert axe_available, "axe-core missing (see test_axe_core_is_there_to_check_every_page)"
    a11y.assert_clean()
