"""The pages the journeys do not pass through, each opened as the person it is for and
checked by axe-core (no serious or critical violation), in Chinese and in English: sign-up,
a citizen's list of cases and of key projects, a steward's list of projects, the project
registration form as a supervisor has it (refused without a steward), a department
officer's certificates page (免证办, and a number it does not know), the follow-up team's
and ops' landing pages in the console, and the pages for a path that does not exist and
for a staff page a citizen may not open."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import _aws
from tests.browser.support import Accessibility, onboard_steward
from tests.browser.test_journey import prefer_locale, sign_in


@pytest.fixture(scope="package")
def console_people(web_system: dict[str, str]) -> dict[str, str]:
    """A follow-up team member and an operator, onboarded as ops do."""
    from infra.constants import GROUP_FOLLOWUP, GROUP_OPS
    from infra.local.users import DemoUser, ensure_user

    roster = {
        "followup": DemoUser("followup@example.com", GROUP_FOLLOWUP),
        "ops": DemoUser("ops@example.com", GROUP_OPS),
    }
    with _aws(web_system["AwsEndpointUrl"]):
        for user in roster.values():
            ensure_user(web_system["UserPoolId"], user)
    return {role: user.email for role, user in roster.items()}


def _page(browser_context: Callable[..., Any], locale: str) -> Page:
    context = browser_context(locale=locale)
    prefer_locale(context, locale)
    page: Page = context.new_page()
    return page


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_pages_no_journey_passes_are_accessible(
    browser_context: Callable[..., Any],
    web_system: dict[str, str],
    people: dict[str, str],
    console_people: dict[str, str],
    password: str,
    a11y: Accessibility,
    locale: str,
) -> None:
    # A visitor: sign-up, and a path that does not exist
    visitor = _page(browser_context, locale)
    visitor.goto("/signup")
    expect(visitor.get_by_test_id("signup-form")).to_be_visible()
    a11y.check(visitor, "sign-up")
    visitor.goto("/no-such-page")
    expect(visitor.get_by_test_id("go-home")).to_be_visible()
    a11y.check(visitor, "not found")
    # The bundles (一件事) and one bundle's questions (test_bundle_screening walks the rest)
    visitor.goto("/bundles")
    expect(visitor.get_by_test_id("bundle-card").first).to_be_visible()
    a11y.check(visitor, "bundles")
    visitor.goto("/bundles/BND-BUSINESS-OPENING")
    expect(visitor.get_by_test_id("screening-form")).to_be_visible()
    a11y.check(visitor, "bundle screening")

    # A citizen: their list of cases, and a staff page they may not open
    citizen = _page(browser_context, locale)
    sign_in(citizen, people["citizen"], password)
    citizen.goto("/cases")
    # (a list, empty or not, once the cases are read: the journeys may have filed some)
    expect(
        citizen.get_by_test_id("case-row").or_(citizen.get_by_test_id("cases-empty")).first
    ).to_be_visible()
    a11y.check(citizen, "my cases")
    # 重点项目: the projects the citizen's cases are in (test_projects walks one project)
    citizen.goto("/projects")
    expect(
        citizen.get_by_test_id("project-row").or_(citizen.get_by_test_id("projects-empty")).first
    ).to_be_visible()
    a11y.check(citizen, "my projects")
    citizen.goto("/console/inbox")
    expect(citizen.get_by_test_id("go-home")).to_be_visible()
    a11y.check(citizen, "forbidden")

    # A department officer: the certificates page (免证办), and a number it does not know
    officer = _page(browser_context, locale)
    sign_in(officer, people["POWER"], password)
    officer.goto("/console/certificates")
    expect(officer.get_by_test_id("certificate-lookup")).to_be_visible()
    a11y.check(officer, "console certificates")
    officer.get_by_test_id("certificate-number").fill("KFQ-LIC-20260101-NOSUCH00")
    officer.get_by_test_id("certificate-lookup-submit").click()
    expect(officer.get_by_test_id("certificate-lookup-error")).to_be_visible()
    a11y.check(officer, "console certificates, not found")

    # 重点项目 in the console: a steward's list, and the registration form as the centre has it
    # (the steward to be named)
    steward = _page(browser_context, locale)
    sign_in(steward, onboard_steward(web_system), password)
    steward.goto("/console/projects")
    expect(
        steward.get_by_test_id("projects-table").or_(steward.get_by_test_id("projects-empty")).first
    ).to_be_visible()
    a11y.check(steward, "console projects (steward)")
    supervisor = _page(browser_context, locale)
    sign_in(supervisor, people["supervisor"], password)
    supervisor.goto("/console/projects/new")
    expect(supervisor.get_by_test_id("project-question").first).to_be_visible()
    expect(supervisor.get_by_test_id("project-steward-input")).to_have_value("")
    supervisor.get_by_test_id("project-submit").click()
    expect(supervisor.get_by_test_id("project-steward-error")).to_be_visible()
    a11y.check(supervisor, "console project form (supervisor, refused)")

    # The follow-up team and ops: their landing pages in the console
    for role in ("followup", "ops"):
        staff = _page(browser_context, locale)
        sign_in(staff, console_people[role], password)
        staff.goto(f"/console/{role}")
        expect(staff.get_by_test_id("landing-today")).to_be_visible()
        a11y.check(staff, f"console landing ({role})")

    a11y.assert_clean()
