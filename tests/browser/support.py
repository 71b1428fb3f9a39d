"""What the browser tests share besides fixtures: valid and invalid identifiers, a small
real PDF, the accessibility check (axe-core) and the README's screenshots."""

import contextlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
# What the gateway serves (infra/local: ONEWINDOW_WEB_DIST, web/dist by default).
WEB_DIST = Path(os.environ.get("ONEWINDOW_WEB_DIST") or ROOT / "web" / "dist")
AXE_JS = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
# The README's screenshots are refreshed on purpose (`make screenshots` points this at
# docs/screenshots); a plain test run writes its shots beside the other local state, so
# that `make test` leaves the checkout as it found it.
SCREENSHOTS = Path(os.environ.get("ONEWINDOW_SCREENSHOTS") or ROOT / ".local" / "screenshots")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# The locale whose run takes the README's screenshots (the README is in English).
SCREENSHOT_LOCALE = "en"

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def resident_id(first17: str = "37060219900307123") -> str:
    """A resident ID number (GB 11643) with its check character: region 370602 (Zhifu,
    Yantai), born 1990-03-07, sequence 123."""
    assert len(first17) == 17 and first17.isdigit()
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + _ID_CHECK[total % 11]


def wrong_resident_id(first17: str = "37060219900307123") -> str:
    """The same number with a check character that does not match."""
    good = resident_id(first17)
    wrong = next(c for c in "0123456789X" if c != good[-1])
    return good[:-1] + wrong


def small_pdf(title: str) -> bytes:
    """A small but well-formed one-page PDF (a cross-reference table with true offsets)."""
    text = title.encode("ascii", "replace")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


T = TypeVar("T")


def poll(
    probe: Callable[[], T | None], *, timeout: float, interval_ms: int, page: Page, what: str
) -> T:
    """Calls probe until it returns something truthy or the deadline passes (waiting in the
    page's own event loop between tries, so the page keeps running)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = probe()
        except Exception as exc:  # one failed try is reported only if every try fails
            last = exc
        else:
            if last:
                return last
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s (last: {last!r})")
        page.wait_for_timeout(interval_ms)


def wait_until(probe: Callable[[], T | None], what: str, timeout: float = 120) -> T:
    """Calls probe each second until it returns something truthy (outside a page: set-up
    and clean-up over the API)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(1)
    raise AssertionError(f"{what}: not within {timeout:.0f} s (last: {last!r})")


@dataclass
class Accessibility:
    """axe-core on each page visited; violations of impact serious or critical are kept
    and asserted at the end of the test, so one journey reports every page's."""

    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    missing: bool = False

    def check(self, page: Page, label: str) -> None:
        if not AXE_JS.exists():
            self.missing = True
            return
        # The contexts load axe as an init script (CDP's, which the app's CSP does not
        # govern); a page opened otherwise gets it as a script tag.
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.slice(0, 5).map(n => ({
                        target: n.target.join(' '), summary: n.failureSummary || ''})),
                    count: v.nodes.length}));
            }"""
        )
        self.checked.append(label)
        for v in result:
            if v["impact"] not in ("serious", "critical"):
                continue
            nodes = "\n".join(
                f"      at {n['target']}\n        {n['summary'].replace(chr(10), ' ')}"
                for n in v["nodes"]
            )
            self.problems.append(
                f"  [{label}] {v['impact']} {v['id']}: {v['help']} ({v['count']} nodes, "
                f"{v['helpUrl']})\n{nodes}"
            )

    def assert_clean(self) -> None:
        assert not self.problems, (
            "axe-core: serious or critical violations on "
            f"{len({p.split(']')[0] for p in self.problems})} page(s):\n" + "\n".join(self.problems)
        )


def screenshot(page: Page, name: str, locale: str) -> None:
    """One of the README's screenshots, at the fixed desktop viewport, into SCREENSHOTS
    (taken in one locale only)."""
    if locale != SCREENSHOT_LOCALE or page.viewport_size != DESKTOP:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # A page that keeps loading (a PDF preview, polling) is shot as it stands.
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=5_000)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled")


def shot(page: Page, name: str, locale: str) -> None:
    """The README's shot (English, desktop: `screenshot`), and at any other viewport a
    full-page shot beside the local state, named by the locale and the width
    (`<name>-<locale>-375.png`), to look at a phone's layout by eye."""
    if page.viewport_size == DESKTOP:
        screenshot(page, name, locale)
        return
    folder = ROOT / ".local" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=5_000)
    width = (page.viewport_size or {}).get("width", 0)
    page.screenshot(path=str(folder / f"{name}-{locale}-{width}.png"), full_page=True)


def readable(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)[:2000]


def file_through_the_api(
    web_system: dict[str, str],
    token: str,
    item_id: str,
    delivery: dict[str, Any],
    skip: frozenset[str] = frozenset(),
) -> str:
    """A case filed, its required materials uploaded (all but `skip`) and submitted over
    HTTP, as another client would (the journeys on the page are the other tests'): its id."""
    from infra.local.client import SAMPLE_ENTERPRISE, OneWindowClient, sample_form, upload_required

    client = OneWindowClient(web_system["ApiUrl"]).as_user(token)
    item = client.catalog_item(item_id)
    created = client.create(
        {
            "itemId": item_id,
            "applicant": SAMPLE_ENTERPRISE,
            "form": sample_form(item),
            "channel": "web",
            "delivery": delivery,
        }
    )
    application_id = str(created["applicationId"])
    upload_required(client, application_id, item, skip=skip)
    client.submit(application_id)
    return application_id


def decide_through_the_api(
    web_system: dict[str, str], token: str, task_id: str, decision: str = "approve"
) -> None:
    """One department's decision over HTTP (to conclude what a test leaves pending)."""
    from infra.local.client import OneWindowClient

    OneWindowClient(web_system["ApiUrl"]).as_user(token).decide(task_id, decision, "同意")


def username_of(id_token: str) -> str:
    """The user name the API knows someone by (the ID token's `cognito:username`: under a
    pool whose users sign in with their e-mail, an opaque id, not the e-mail)."""
    import base64

    part = id_token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return str(claims.get("cognito:username") or claims.get("email") or claims["sub"])


def onboard_officer(web_system: dict[str, str], department: str) -> str:
    """An officer of the department, onboarded as ops do (AdminCreateUser,
    AdminAddUserToGroup dept-<CODE>): their e-mail."""
    from infra.local.users import DemoUser, ensure_user, staff_email
    from shared.names import department_group
    from tests.browser.conftest import _aws

    officer = DemoUser(staff_email(department), department_group(department))
    with _aws(web_system["AwsEndpointUrl"]):
        ensure_user(web_system["UserPoolId"], officer)
    return officer.email


def issued_through_the_api(
    web_system: dict[str, str],
    citizen_token: str,
    token_of: Callable[[str], str],
    item_id: str,
    applicant: dict[str, Any],
    form: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Over HTTP: a case of the item for the applicant filed, its required materials uploaded
    and submitted, each of its departments' officers approving as their reviews come (each
    onboarded as ops do), until its result is issued (electronic delivery): the result
    (`certificateNo`, `verificationCode`) with the case's `applicationId`."""
    from infra.local.client import OneWindowClient, sample_form, upload_required

    api = OneWindowClient(web_system["ApiUrl"])
    client = api.as_user(citizen_token)
    item = client.catalog_item(item_id)
    created = client.create(
        {
            "itemId": item_id,
            "applicant": applicant,
            "form": sample_form(item) | (form or {}),
            "channel": "web",
            "delivery": {"mode": "electronic"},
        }
    )
    case = str(created["applicationId"])
    upload_required(client, case, item)
    client.submit(case)
    officers: dict[str, Any] = {}

    def step() -> dict[str, Any] | None:
        view: dict[str, Any] = client.application(case)
        if view["status"] in ("ISSUED", "DELIVERED", "COMPLETED"):
            return view
        assert view["status"] in ("SUBMITTED", "IN_APPROVAL", "APPROVED"), readable(view)
        for review in view.get("reviews") or []:
            if review["status"] != "PENDING":
                continue
            department = review["department"]
            if department not in officers:
                officers[department] = api.as_user(
                    token_of(onboard_officer(web_system, department))
                )
            # (a 409: decided on the last round, not yet read back as such)
            body = {"decision": "approve", "comment": "同意"}
            path = f"/tasks/{review['taskId']}/decision"
            officers[department].call("POST", path, body=body, expect=(200, 409))
        return None

    wait_until(step, f"{case} of {item_id} issued", timeout=180)
    result: dict[str, Any] = client.result(case)
    assert result.get("certificateNo"), readable(result)
    return result | {"applicationId": case}


def onboard_steward(web_system: dict[str, str], email: str = "steward@example.com") -> str:
    """A steward of key projects (审批管家, group `agent`), onboarded as ops do: their e-mail."""
    from infra.constants import GROUP_AGENT
    from infra.local.users import DemoUser, ensure_user
    from tests.browser.conftest import _aws

    with _aws(web_system["AwsEndpointUrl"]):
        ensure_user(web_system["UserPoolId"], DemoUser(email, GROUP_AGENT))
    return email


def filed_for(
    web_system: dict[str, str],
    token: str,
    item_id: str,
    applicant: dict[str, Any],
    form: dict[str, Any] | None = None,
) -> str:
    """Over HTTP: a case of the item for the applicant filed (delivered electronically when
    the item offers it, else as it offers first), its required materials uploaded, submitted:
    its id."""
    from infra.local.client import SAMPLE_ADDRESS, OneWindowClient, sample_form, upload_required

    client = OneWindowClient(web_system["ApiUrl"]).as_user(token)
    item = client.catalog_item(item_id)
    modes = item["deliveryModes"]
    mode = "electronic" if "electronic" in modes else modes[0]
    delivery = {"mode": mode, **({"address": SAMPLE_ADDRESS} if mode == "mail" else {})}
    created = client.create(
        {
            "itemId": item_id,
            "applicant": applicant,
            "form": sample_form(item) | (form or {}),
            "channel": "web",
            "delivery": delivery,
        }
    )
    case = str(created["applicationId"])
    upload_required(client, case, item)
    client.submit(case)
    return case


def concluded_through_the_api(
    web_system: dict[str, str],
    citizen_token: str,
    token_of: Callable[[str], str],
    clerk_token: str,
    cases: list[str],
    timeout: float = 240,
) -> None:
    """Over HTTP: each case taken to its end, together: accepted at the window when acceptance
    puts it there (its originals checked), each department's officer approving as their
    reviews come (each onboarded as ops do), until every case is issued or delivered."""
    from infra.local.client import OneWindowClient, uploaded_materials

    api = OneWindowClient(web_system["ApiUrl"])
    client = api.as_user(citizen_token)
    clerk = api.as_user(clerk_token)
    officers: dict[str, Any] = {}

    def step() -> bool:
        done = True
        for case in cases:
            view: dict[str, Any] = client.application(case)
            if view["status"] in ("ISSUED", "DELIVERED", "COMPLETED"):
                continue
            done = False
            assert view["status"] in ("SUBMITTED", "IN_APPROVAL", "APPROVED"), readable(view)
            if view["status"] == "SUBMITTED" and view.get("atWindowSince"):
                item = client.catalog_item(view["itemId"])
                originals = [m["code"] for m in uploaded_materials(item) if m.get("originals")]
                body = {"outcome": "accept", "checkedOriginals": originals}
                clerk.call("POST", f"/window/tasks/{case}/decision", body=body, expect=(200, 409))
                continue
            for review in view.get("reviews") or []:
                if review["status"] != "PENDING":
                    continue
                department = review["department"]
                if department not in officers:
                    officers[department] = api.as_user(
                        token_of(onboard_officer(web_system, department))
                    )
                body = {"decision": "approve", "comment": "同意"}
                path = f"/tasks/{review['taskId']}/decision"
                officers[department].call("POST", path, body=body, expect=(200, 409))
        return done

    wait_until(step, f"{cases} concluded", timeout=timeout)
