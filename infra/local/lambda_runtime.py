"""Runs the project's handlers when moto's Step Functions interpreter invokes a Lambda.

moto without a Docker engine only echoes Lambda payloads. We hook its Docker-less Lambda
backend so that an invocation imports the function's handler (from the Handler moto holds,
as CDK configured it) and runs it with that function's environment variables.

Why in-process rather than worker processes: moto's state lives in this process when
tests use `mock_aws`, so only in-process handlers see the same tables and buckets; and it
keeps `make run` a single process. The price is that handlers share one interpreter, so
invocations run one at a time under a lock while their environment is swapped in (which
moto's DynamoDB, not safe for concurrent writers, needs anyway). The
hook is on moto 5.2.5's `LambdaSimpleBackend.invoke` (pinned in pyproject.toml).
"""

import importlib
import json
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from moto.awslambda_simple.models import LambdaSimpleBackend

from shared.adapters.aws import reset_clients
from shared.settings import get_settings

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LocalContext:
    """The attributes of Lambda's context object that Powertools and handlers read."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    _started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self._started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


@dataclass
class Invocation:
    function_name: str
    duration_ms: float
    error: str | None


class LocalLambdaRuntime:
    _lock = threading.RLock()

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self.invocations: list[Invocation] = []
        self._original: Any = None
        # What Lambda's pollers do between invocations (the audit feed), run after each.
        self._after: list[Callable[[], None]] = []
        self._settling = threading.Lock()
        self._settler: int | None = None  # the thread running the pollers
        self._asked_again = False

    @property
    def lock(self) -> threading.RLock:
        """The lock handlers run under: a poller takes it to read moto's state."""
        return self._lock

    def after_each_invocation(self, work: Callable[[], None]) -> None:
        self._after.append(work)

    def settle(self, wait: bool = False) -> None:
        """Runs the pollers now, one thread at a time, never from within one of their own
        invocations. Not under the handlers' lock: under `make run` a poller's invocation
        goes through moto's server, whose thread must take that lock. A call that finds
        the pollers running asks them to go round once more, so no write is left behind;
        with `wait` (a test's in-process call, whose pollers run in its own thread) it
        waits for them instead, so that what it reads next includes what they deliver."""
        while True:
            blocking = wait and self._settler != threading.get_ident()
            if not self._settling.acquire(blocking=blocking):
                self._asked_again = True
                return
            self._settler = threading.get_ident()
            try:
                self._asked_again = False
                for work in self._after:
                    work()
            finally:
                self._settler = None
                self._settling.release()
            if not self._asked_again:
                return

    # -- installing the hook ----------------------------------------------------------
    def install(self) -> "LocalLambdaRuntime":
        runtime = self
        self._original = LambdaSimpleBackend.invoke

        def invoke(
            backend: LambdaSimpleBackend,
            function_name: str,
            qualifier: str | None,
            body: Any,
            headers: Any,
            response_headers: Any,
        ) -> bytes:
            fn = backend.get_function(function_name, qualifier)
            return runtime.invoke(fn, body, response_headers)

        LambdaSimpleBackend.invoke = invoke  # type: ignore[method-assign,assignment]
        pin_environment()
        return self

    def uninstall(self) -> None:
        if self._original is not None:
            LambdaSimpleBackend.invoke = self._original  # type: ignore[method-assign]
            self._original = None

    # -- running a handler --------------------------------------------------------------
    def invoke(self, fn: Any, body: Any, response_headers: dict[str, str]) -> bytes:
        event = json.loads(body) if body else {}
        env = dict(fn.environment_vars or {})
        env["AWS_LAMBDA_FUNCTION_NAME"] = fn.function_name
        context = LocalContext(
            function_name=fn.function_name,
            memory_limit_in_mb=int(fn.memory_size),
            invoked_function_arn=fn.function_arn,
            timeout_seconds=int(fn.timeout),
        )
        started = time.perf_counter()
        error = None
        with self._lock, environment(env):
            try:
                result = self._handler(fn.handler)(event, context)
                payload = json.dumps(result)
            except Exception as exc:  # the function's error, reported the way Lambda does
                error = type(exc).__name__
                response_headers["x-amz-function-error"] = "Unhandled"
                payload = json.dumps(
                    {
                        "errorType": error,
                        "errorMessage": str(exc),
                        "stackTrace": traceback.format_exception(exc)[-3:],
                    }
                )
        self.invocations.append(
            Invocation(fn.function_name, (time.perf_counter() - started) * 1000, error)
        )
        self.settle()
        return payload.encode()

    @contextmanager
    def exclusive(self, env: dict[str, str]) -> Iterator[None]:
        """Runs a handler invoked from outside moto (the API, behind the local gateway) in
        turn with the stage handlers: moto's DynamoDB is not safe for concurrent writers
        (a transaction deep-copies a table another thread may be writing)."""
        with self._lock, environment(env):
            yield

    def _handler(self, handler_path: str) -> Handler:
        if handler_path not in self._handlers:
            module_name, _, attribute = handler_path.rpartition(".")
            self._handlers[handler_path] = getattr(importlib.import_module(module_name), attribute)
        return self._handlers[handler_path]


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Sets a function's variables for one invocation, then puts back the values the process
    had. Keys are never removed: moto's interpreter threads create boto3 clients outside the
    lock, and botocore iterates os.environ while doing so (its proxy lookup), which raises if
    a key comes or goes meanwhile. A name a function set stays with that value afterwards;
    `pin_environment` puts every name in place up front so none is even added mid-run."""
    saved = {k: os.environ[k] for k in values if k in os.environ}
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        os.environ.update(saved)
        get_settings.cache_clear()


def pin_environment() -> None:
    """Every variable any function may be given, present once, before executions run:
    settings at their defaults, resource names empty (Settings treats empty as not set)."""
    from infra.constants import FUNCTION_ENV, FUNCTIONS, SETTING_DEFAULTS, runtime_environment

    names = {"AWS_LAMBDA_FUNCTION_NAME"}
    for key in FUNCTIONS:
        names.update(FUNCTION_ENV[key], runtime_environment(key))
    defaults = {**runtime_environment("local"), **SETTING_DEFAULTS}
    for name in sorted(names):
        os.environ.setdefault(name, defaults.get(name, ""))


__all__ = ["LocalContext", "LocalLambdaRuntime", "environment", "reset_clients"]
