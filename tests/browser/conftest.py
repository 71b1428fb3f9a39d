"""The browser tier: the built web app (web/dist) in Debian's headless Chromium, driven by
Playwright for Python, against the local system (`python -m infra.local`, what `make run`
runs) started once for the tier on free ports.

Nothing here downloads a browser: the tests use /usr/bin/chromium (`make setup` installs
it) and fail, saying what to run, when it or the built app is missing.
"""

import contextlib
import functools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.constants import STACK_NAME
from tests.browser.support import (
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    ROOT,
    WEB_DIST,
    Accessibility,
    wait_until,
)

ITEM = "SD-KFQ-0010"  # lead POWER, co-departments WATER and URBAN
DEPARTMENTS = ("POWER", "WATER", "URBAN")
CITIZEN = "citizen@example.com"
WINDOW_CLERK = "window@example.com"
# A second officer of the water department (claims and assignments are between colleagues).
WATER_COLLEAGUE = "water2@staff.example.com"


def _preflight() -> None:
    """The tier needs the browser, its driver and the built app: without them it fails
    with what to run (never skips)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("Playwright for Python is not installed: run `make setup`", pytrace=False)
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: run `make setup` (it installs Debian's chromium)",
            pytrace=False,
        )
    if not (WEB_DIST / "index.html").exists():
        pytest.fail(
            f"{WEB_DIST / 'index.html'} not found: build the web app with `make web`",
            pytrace=False,
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _aws(endpoint: str) -> Iterator[None]:
    """Points this process's boto3 at the embedded AWS for the duration only (the later
    tiers in the same pytest run must not inherit it)."""
    saved = os.environ.get("AWS_ENDPOINT_URL")
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("AWS_ENDPOINT_URL", None)
        else:
            os.environ["AWS_ENDPOINT_URL"] = saved


@pytest.fixture(scope="package")
def web_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The local system serving the built app: outputs.json's values, with WebUrl (the
    gateway serves web/dist at its root, the API under /api/)."""
    _preflight()
    state = tmp_path_factory.mktemp("browser-local")
    env = {**os.environ, "ONEWINDOW_STATE_DIR": str(state), "PYTHONUNBUFFERED": "1"}
    env.pop("AWS_ENDPOINT_URL", None)
    api_port = _free_port()
    log_path = state / "run.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "infra.local",
            "--aws-port",
            str(_free_port()),
            "--api-port",
            str(api_port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    outputs_file = state / "outputs.json"
    deadline = time.monotonic() + 120
    try:
        while not outputs_file.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"local system did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        outputs: dict[str, str] = json.loads(outputs_file.read_text())[STACK_NAME]
        web = outputs.get("WebUrl") or f"http://127.0.0.1:{api_port}/"
        outputs["WebUrl"] = web if web.endswith("/") else web + "/"
        outputs["StateDir"] = str(state)
        outputs["RunLog"] = str(log_path)
        yield outputs
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="package")
def people(web_system: dict[str, str]) -> dict[str, str]:
    """The citizen, an officer and a lead of each department reviewing SD-KFQ-0010 (roles
    `POWER`, `lead-POWER`, …), a second water officer (`WATER-2`), the centre's supervisor
    (`supervisor`) and a window clerk (`window`), onboarded as ops do (AdminCreateUser,
    AdminAddUserToGroup): email by role, one demo password."""
    from infra.constants import GROUP_CITIZEN, GROUP_SUPERVISOR, GROUP_WINDOW
    from infra.local.users import DemoUser, ensure_user, lead_email, staff_email
    from shared.names import department_group, department_lead_group

    roster = (
        {"citizen": DemoUser(CITIZEN, GROUP_CITIZEN)}
        | {dept: DemoUser(staff_email(dept), department_group(dept)) for dept in DEPARTMENTS}
        | {
            f"lead-{dept}": DemoUser(
                lead_email(dept), department_group(dept), (department_lead_group(dept),)
            )
            for dept in DEPARTMENTS
        }
        | {"WATER-2": DemoUser(WATER_COLLEAGUE, department_group("WATER"))}
        | {"supervisor": DemoUser("supervisor@example.com", GROUP_SUPERVISOR)}
        | {"window": DemoUser(WINDOW_CLERK, GROUP_WINDOW)}
    )
    with _aws(web_system["AwsEndpointUrl"]):
        for user in roster.values():
            ensure_user(web_system["UserPoolId"], user)
    return {role: user.email for role, user in roster.items()}


@pytest.fixture(scope="package")
def password() -> str:
    from infra.local.users import DEMO_PASSWORD

    return DEMO_PASSWORD


@pytest.fixture(scope="package")
def id_token_of(web_system: dict[str, str], password: str) -> Callable[[str], str]:
    """An ID token for a demo user (for the API checks the tests make beside the UI)."""
    from infra.local.users import id_token

    def token(email: str) -> str:
        with _aws(web_system["AwsEndpointUrl"]):
            return id_token(web_system["UserPoolClientId"], email, password)

    return token


@pytest.fixture(scope="package")
def chromium(web_system: dict[str, str]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def browser_context(
    request: pytest.FixtureRequest,
    chromium: Any,
    web_system: dict[str, str],
    tmp_path: Path,
) -> Iterator[Callable[..., Any]]:
    """A factory of fresh browser contexts (one per person: their own storage) on the app's
    address; each closed after the test, and on a failure every open page is captured to
    the test's tmp directory first (the path is printed)."""
    from playwright.sync_api import BrowserContext

    opened: list[BrowserContext] = []

    def new(
        *, locale: str = "zh", viewport: dict[str, int] = DESKTOP, **kwargs: Any
    ) -> BrowserContext:
        context = chromium.new_context(
            base_url=web_system["WebUrl"],
            viewport=viewport,
            locale="zh-CN" if locale == "zh" else "en-US",
            accept_downloads=True,
            timezone_id="Asia/Shanghai",
            **kwargs,
        )
        if AXE_JS.exists():
            context.add_init_script(path=str(AXE_JS))
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(30_000)
        opened.append(context)
        return context

    yield new
    failed = request.node.stash.get(_FAILED, False)
    for n, context in enumerate(opened):
        for m, page in enumerate(context.pages):
            if failed:
                shot = tmp_path / f"failure-{n}-{m}.png"
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(shot), full_page=True)
                    print(f"failure screenshot: {shot} ({page.url})")
        context.close()
    if failed:
        print(f"local system log: {web_system['RunLog']}")


@pytest.fixture
def a11y() -> Accessibility:
    return Accessibility()


@pytest.fixture(scope="package")
def axe_available() -> bool:
    return AXE_JS.exists()


@pytest.fixture
def settle(
    web_system: dict[str, str], people: dict[str, str], id_token_of: Callable[[str], str]
) -> Iterator[list[str]]:
    """The cases a test leaves open, settled after it so that the later tests' queues and
    late lists hold none of them: a case at the window not accepted, a pending review
    decided by its department (officers onboarded as ops do)."""
    from infra.local.client import OneWindowClient
    from infra.local.users import DemoUser, ensure_user, staff_email
    from shared.names import department_group

    cases: list[str] = []
    yield cases
    api = OneWindowClient(web_system["ApiUrl"])
    citizen = api.as_user(id_token_of(people["citizen"]))
    clerk = api.as_user(id_token_of(people["window"]))
    for case in cases:
        if not _readable(citizen, case):
            continue  # a draft an agent still holds (its test ended early): no task to settle
        view = wait_until(
            functools.partial(_settled_or_open, citizen, case),
            f"{case} at the window or with its reviews",
            timeout=30,
        )
        if view["status"] == "SUBMITTED" and view.get("atWindowSince"):
            body = {"outcome": "not_accept", "reasons": ["测试结束"]}
            clerk.call("POST", f"/window/tasks/{case}/decision", body=body)
            continue
        for review in view.get("reviews") or []:
            if review["status"] != "PENDING":
                continue
            department = review["department"]
            officer = DemoUser(staff_email(department), department_group(department))
            with _aws(web_system["AwsEndpointUrl"]):
                ensure_user(web_system["UserPoolId"], officer)
            api.as_user(id_token_of(officer.email)).decide(review["taskId"], "approve", "同意")


def _readable(citizen: Any, case: str) -> bool:
    from infra.local.client import ApiError

    try:
        citizen.application(case)
    except ApiError as refused:
        if refused.status in (403, 404):
            return False
        raise
    return True


def _settled_or_open(citizen: Any, case: str) -> dict[str, Any] | None:
    """The case once it waits at the window, has its reviews, or is past both (None while
    acceptance is still at it)."""
    view: dict[str, Any] = citizen.application(case)
    if view["status"] == "SUBMITTED":
        return view if view.get("atWindowSince") else None
    if view["status"] == "IN_APPROVAL" and not view.get("reviews"):
        return None
    return view
