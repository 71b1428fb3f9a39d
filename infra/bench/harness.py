"""The whole system in this process on moto, for the benchmarks: provisioned from the CDK
definitions, the real state machine on moto's interpreter, every Lambda task and every API
request running the project's handler (infra/local/inprocess.py, as the tests use it).

Every handler runs inside `Harness.metered()`, so a meter (infra/bench/meter.py) counts the
AWS calls the functions make and not the ones the benchmark makes to watch them.
"""

import contextlib
import io
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests

from infra.bench.env import fake_aws_environment
from infra.local.client import SAMPLE_ADDRESS, SAMPLE_ENTERPRISE, sample_form, uploaded_materials
from infra.local.inprocess import (
    Caller,
    InProcessSystem,
    Response,
    citizen,
    officer,
    running_system,
)
from infra.local.lambda_runtime import Handler, Invocation, LocalLambdaRuntime
from shared.catalog import load_catalog
from shared.models.application import Application
from shared.models.catalog import CatalogItem
from shared.observability import logger

STANDARD_ITEM = "SD-KFQ-0010"  # lead POWER, co-departments WATER and URBAN, mail allowed
PDF = b"%PDF-1.4\n% OneWindow benchmark material\n%%EOF\n"
# A scanned licence or form as citizens upload them: about 1 MB each.
MATERIAL_BYTES = 1_000_000
ENTERPRISE = SAMPLE_ENTERPRISE
ADDRESS = SAMPLE_ADDRESS

_metering = threading.local()


def in_handler() -> bool:
    """True while this thread runs a function's handler (a stage or the API)."""
    return getattr(_metering, "depth", 0) > 0


@contextmanager
def handler_scope() -> Iterator[None]:
    _metering.depth = getattr(_metering, "depth", 0) + 1
    try:
        yield
    finally:
        _metering.depth -= 1


class OutputCounter(io.TextIOBase):
    """Swallows what the functions print (JSON logs, EMF metric lines) and counts its bytes:
    in Lambda all of it is ingested by CloudWatch Logs."""

    def __init__(self) -> None:
        super().__init__()
        self.bytes = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.bytes += len(text.encode())
        return len(text)


@contextlib.contextmanager
def captured_output() -> Iterator[OutputCounter]:
    """Routes the Logger's stream and stdout (where Metrics prints EMF) to a counter."""
    counter = OutputCounter()
    handler = logger.registered_handler
    saved = handler.setStream(counter)  # type: ignore[attr-defined]
    try:
        with contextlib.redirect_stdout(counter):
            yield counter
    finally:
        handler.setStream(saved)  # type: ignore[attr-defined]


class MeteredRuntime(LocalLambdaRuntime):
    """The local Lambda runtime, with each handler run inside `handler_scope` and timed
    once the runtime's lock is held: `invocations` (the runtime's own record) includes the
    wait for the lock, `handler_runs` only the function's work, which is what Lambda bills.
    """

    def __init__(self) -> None:
        super().__init__()
        self.handler_runs: list[Invocation] = []
        # Called with the function's name and event after each run (the benchmark's
        # officers are told when a review lands in their inbox).
        self.on_finished: Callable[[str, dict[str, Any]], None] | None = None

    def _handler(self, handler_path: str) -> Handler:
        inner = super()._handler(handler_path)
        parts = handler_path.split(".")
        name = f"onewindow-local-{parts[1]}" if parts[0] == "functions" else handler_path

        def metered(event: dict[str, Any], context: Any) -> Any:
            started = time.perf_counter()
            error = None
            try:
                with handler_scope():
                    return inner(event, context)
            except Exception as exc:
                error = type(exc).__name__
                raise
            finally:
                elapsed = (time.perf_counter() - started) * 1000
                self.handler_runs.append(Invocation(name, elapsed, error))
                if self.on_finished is not None:
                    self.on_finished(name, event)

        return metered


@dataclass
class Harness(InProcessSystem):
    runtime: MeteredRuntime
    api_invocations: list[Invocation] = field(default_factory=list)
    # Requests the "browser" sends straight to S3 with presigned URLs (no SDK call).
    presigned_requests: dict[str, int] = field(default_factory=dict)
    # API requests that carried an ID token (a browser sends a CORS preflight first).
    token_requests: int = 0
    # The preflights a browser sends with the API's Access-Control-Max-Age: one per caller
    # and URL (path and query) in a sitting, as browsers cache preflights by URL and the
    # cached answer covers every allowed method (infra/constructs/api.py).
    preflights: int = 0
    _preflighted: set[tuple[str, str]] = field(default_factory=set)
    # Each person's visit that called the API, as (sitting, caller sub or "visitor"): an
    # API cold start each (cost.py): requests seconds apart in one visit reuse the warm
    # container; at a zone's pace, visits hours apart do not.
    api_visits: set[tuple[int, str]] = field(default_factory=set)
    _sitting: int = 0
    # What the functions printed (logs, EMF metrics), swallowed and counted.
    output: OutputCounter = field(default_factory=OutputCounter)
    # Bytes browsers fetched from S3 (data transfer out): reviewers' materials, results.
    downloaded_bytes: int = 0

    # -- the API, as API Gateway invokes it, metered --------------------------------------
    def api(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        caller: Caller | None = None,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        if caller:
            self.token_requests += 1
            self._preflight(caller, path, query)
        self.api_visits.add((self._sitting, caller.sub if caller else "visitor"))
        return super().api(method, path, body=body, caller=caller, query=query, headers=headers)

    def run_api_handler(self, event: dict[str, Any]) -> dict[str, Any]:
        # Timed once the runtime's lock is held: the function's work, not the wait.
        with handler_scope():
            started = time.perf_counter()
            raw = super().run_api_handler(event)
            elapsed = (time.perf_counter() - started) * 1000
        self.api_invocations.append(Invocation("onewindow-local-api", elapsed, None))
        return raw

    def _preflight(self, caller: Caller, path: str, query: dict[str, str] | None) -> None:
        url = path + ("?" + urlencode(sorted(query.items())) if query else "")
        if (caller.sub, url) not in self._preflighted:
            self._preflighted.add((caller.sub, url))
            self.preflights += 1

    def new_sitting(self) -> None:
        """A later visit (the applicant back days after filing, an officer's next case):
        every preflight the browser cached has expired (Chromium keeps one 2 hours), and
        the API's warm container is long gone."""
        self._preflighted.clear()
        self._sitting += 1

    def reset_counts(self) -> None:
        self.runtime.invocations.clear()
        self.runtime.handler_runs.clear()
        self.api_invocations.clear()
        self.presigned_requests.clear()
        self.token_requests = self.preflights = 0
        self._preflighted.clear()
        self.api_visits.clear()
        self.output.bytes = 0
        self.downloaded_bytes = 0

    def _presigned(self, kind: str) -> None:
        self.presigned_requests[kind] = self.presigned_requests.get(kind, 0) + 1

    def draft(
        self,
        item_id: str = STANDARD_ITEM,
        who: Caller | None = None,
        skip: frozenset[str] | set[str] = frozenset(),
    ) -> str:
        """Files a case and uploads its required materials (but `skip`) as a browser would."""
        who = who or citizen()
        item = catalog_item(item_id).model_dump(mode="json", by_alias=True)
        form = sample_form(item)
        body = {
            "itemId": item_id,
            "applicant": ENTERPRISE,
            "form": form,
            "channel": "web",
            "delivery": {"mode": "mail", "address": ADDRESS},
        }
        created = self.api("POST", "/applications", body=body, caller=who)
        assert created.status == 201, created.body
        application_id: str = created.body["applicationId"]
        for rule in uploaded_materials(item):
            if rule["code"] not in skip:
                content = material(min(MATERIAL_BYTES, rule["maxSizeBytes"]))
                self.upload_material(
                    application_id, rule["code"], rule["contentTypes"][0], who, content
                )
        return application_id

    def upload_material(
        self,
        application_id: str,
        code: str,
        content_type: str,
        who: Caller,
        content: bytes = PDF,
    ) -> None:
        self.upload(application_id, code, content, content_type, who, f"{code.lower()}.pdf")
        self._presigned("POST")

    def bundle_filed(
        self, bundle_id: str, answers: dict[str, str], who: Caller | None = None
    ) -> dict[str, Any]:
        """Files a bundle as one (a shared field given once, a shared material uploaded
        once), uploads each member's own required materials and submits it; answers the
        filing's view."""
        who = who or citizen()
        bundle = self.api("POST", f"/bundles/{bundle_id}/screening", body={"answers": answers}).body
        items = [catalog_item(i["itemId"]) for i in bundle["items"]]
        forms = {i.item_id: sample_form(i.model_dump(mode="json", by_alias=True)) for i in items}
        shared = self.api("GET", f"/bundles/{bundle_id}").body["sharedFields"]
        shared_form = {
            name: next(form[name] for form in forms.values() if name in form) for name in shared
        }
        body = {
            "applicant": ENTERPRISE,
            "answers": answers,
            "sharedForm": shared_form,
            "forms": {i: {k: v for k, v in f.items() if k not in shared} for i, f in forms.items()},
            "channel": "web",
            "delivery": {"mode": "electronic"},
        }
        created = self.api("POST", f"/bundles/{bundle_id}/applications", body=body, caller=who)
        assert created.status == 201, created.body
        view: dict[str, Any] = created.body
        members = {m["itemId"]: m["applicationId"] for m in view["members"]}
        for rule in (m for m in view["materials"] if m["required"]):
            if rule["shared"]:
                self.upload_shared(view["bundleCaseId"], rule["code"], PDF, who)
                continue
            (item_id,) = rule["itemIds"]
            content_type = catalog_item(item_id).material(rule["code"])
            assert content_type is not None, rule
            self.upload_material(members[item_id], rule["code"], content_type.content_types[0], who)
        submitted = self.api(
            "POST", f"/bundle-applications/{view['bundleCaseId']}/submit", caller=who
        )
        assert submitted.status == 200, submitted.body
        return view

    def download(self, url: str) -> bytes:
        """What a browser does with a presigned GET link (moto's S3 is in this process)."""
        with self.runtime.exclusive({}):
            answer = requests.get(url, timeout=10)
        assert answer.status_code == 200, answer.text[:300]
        self._presigned("GET")
        self.downloaded_bytes += len(answer.content)
        return answer.content

    def read_materials(self, task_id: str, staff: Caller) -> None:
        """The reviewing officer opens each of the case's materials before deciding."""
        listed = self.api("GET", f"/tasks/{task_id}/materials", caller=staff)
        assert listed.status == 200, listed.body
        for view in listed.body["items"]:
            if view.get("downloadUrl"):
                self.download(view["downloadUrl"])

    def submit(self, application_id: str, who: Caller | None = None) -> None:
        submitted = self.api(
            "POST", f"/applications/{application_id}/submit", caller=who or citizen()
        )
        assert submitted.status == 200, submitted.body

    def decide_all(self, application_id: str, item_id: str = STANDARD_ITEM) -> None:
        """Each department's officer opens the inbox, finds the case and approves it."""
        for department in catalog_item(item_id).departments:
            self.wait_for(application_id, _review_opened(department))
            staff = officer(department)
            inbox = self.api("GET", "/tasks", caller=staff, query={"department": department})
            assert inbox.status == 200, inbox.body
            task = next(
                (t for t in inbox.body["items"] if t["applicationId"] == application_id), None
            )
            if task is None:
                case = self.application(application_id)
                raise RuntimeError(
                    f"case {application_id} is not in {department}'s inbox; it is "
                    f"{case.status}: {case.failure_reason or self.actions(application_id)}"
                )
            self.read_materials(task["taskId"], staff)
            answer = self.api(
                "POST",
                f"/tasks/{task['taskId']}/decision",
                caller=staff,
                body={"decision": "approve", "comment": "符合条件，同意"},
            )
            assert answer.status == 200, answer.body

    def conclude(self, application_id: str, who: Caller | None = None, rating: int = 5) -> None:
        """The applicant follows the case, reads the result, downloads it and rates."""
        who = who or citizen()
        seen = self.api("GET", f"/applications/{application_id}", caller=who)
        assert seen.status == 200, seen.body
        result = self.api("GET", f"/applications/{application_id}/result", caller=who)
        assert result.status == 200 and result.body["outcome"] == "APPROVED", result.body
        assert self.download(result.body["downloadUrl"]).startswith(b"%PDF-")
        rated = self.api(
            "POST",
            f"/applications/{application_id}/feedback",
            caller=who,
            body={"rating": rating, "comment": "办事很方便"},
        )
        assert rated.status == 200, rated.body


def material(size: int) -> bytes:
    """A PDF of about `size` bytes: the header, a comment as padding, the trailer."""
    padding = max(0, size - len(PDF))
    return PDF[:-6] + b"%" + b"0" * max(0, padding - 2) + b"\n" + PDF[-6:]


def _review_opened(department: str) -> Callable[[Application], bool]:
    return lambda application: department in application.reviews


def catalog_item(item_id: str) -> CatalogItem:
    return next(i for i in load_catalog().items if i.item_id == item_id)


@contextmanager
def local_system(*, install_runtime: bool = True) -> Iterator[Harness]:
    fake_aws_environment()
    with (
        captured_output() as output,
        running_system(
            Harness, MeteredRuntime(), install_runtime=install_runtime, output=output
        ) as harness,
    ):
        yield harness
