"""The real system on moto: provisioned from the CDK definitions, the real state machine
run by moto's interpreter, each Lambda task running the project's handler."""

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
import requests
from moto import mock_aws

from functions.api import dependencies, idempotency
from functions.api.handler import handler as api_handler
from infra.local.client import SAMPLE_ADDRESS, SAMPLE_ENTERPRISE, SAMPLE_PERSON
from infra.local.events import groups_claim, rest_event
from infra.local.lambda_runtime import LocalContext, LocalLambdaRuntime
from infra.local.provision import environment_from_outputs, provision
from shared.adapters.aws import reset_clients
from shared.adapters.repository import DynamoRepository
from shared.models.application import Application
from tests.conftest import REGION

MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}

PERSON = SAMPLE_PERSON
ENTERPRISE = SAMPLE_ENTERPRISE
ADDRESS = SAMPLE_ADDRESS


@dataclass(frozen=True)
class Caller:
    sub: str
    username: str
    groups: tuple[str, ...]

    @property
    def claims(self) -> dict[str, Any]:
        return {
            "sub": self.sub,
            "cognito:username": self.username,
            "cognito:groups": groups_claim(list(self.groups)),
            "token_use": "id",
        }


CITIZEN = Caller("sub-citizen-1", "zhangwei", ("citizen",))
OTHER_CITIZEN = Caller("sub-citizen-2", "lina", ("citizen",))


def staff(department: str) -> Caller:
    return Caller(
        f"sub-staff-{department.lower()}", f"staff-{department.lower()}", (f"dept-{department}",)
    )


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class System:
    outputs: dict[str, str]
    runtime: LocalLambdaRuntime
    api_env: dict[str, str]

    @property
    def repo(self) -> DynamoRepository:
        return DynamoRepository(self.outputs["TableName"])

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
        event = rest_event(
            method,
            path,
            body=body,
            query=query,
            headers=headers,
            claims=caller.claims if caller else None,
        )
        context = LocalContext(
            "onewindow-local-api",
            512,
            "arn:aws:lambda:us-east-1:123456789012:function:onewindow-local-api",
            29,
        )
        with self.runtime.exclusive(self.api_env):
            raw = api_handler(event, context)
        body_text = raw.get("body") or "null"
        headers = {k: v[-1] for k, v in (raw.get("multiValueHeaders") or {}).items()}
        headers.update(raw.get("headers") or {})
        return Response(raw["statusCode"], json.loads(body_text), headers)

    def application(self, application_id: str) -> Application:
        found = self.repo.get_application(application_id)
        assert found is not None
        return found

    def wait_for(
        self, application_id: str, condition: Callable[[Application], bool], timeout: float = 60.0
    ) -> Application:
        deadline = time.monotonic() + timeout
        while True:
            application = self.application(application_id)
            if condition(application):
                return application
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out; case is {application.status}: "
                    f"{[e.action for e in application.timeline]}"
                )
            time.sleep(0.05)

    def wait_for_status(
        self, application_id: str, *statuses: str, timeout: float = 60.0
    ) -> Application:
        return self.wait_for(application_id, lambda a: a.status.value in statuses, timeout)

    def execution(self, application_id: str) -> dict[str, Any]:
        arn = (
            self.outputs["StateMachineArn"].replace(":stateMachine:", ":execution:")
            + f":{application_id}"
        )
        return boto3.client("stepfunctions").describe_execution(executionArn=arn)

    def wait_execution(self, application_id: str, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            execution = self.execution(application_id)
            if execution["status"] != "RUNNING":
                return execution
            if time.monotonic() > deadline:
                raise AssertionError("execution still running")
            time.sleep(0.05)

    # -- journeys ---------------------------------------------------------------------
    def create(
        self,
        item_id: str,
        *,
        caller: Caller = CITIZEN,
        applicant: dict[str, Any] | None = None,
        form: dict[str, Any] | None = None,
        delivery: dict[str, Any] | None = None,
        channel: str = "web",
        headers: dict[str, str] | None = None,
    ) -> Response:
        body = {
            "itemId": item_id,
            "applicant": applicant or ENTERPRISE,
            "form": form or {},
            "channel": channel,
            "delivery": delivery or {"mode": "mail", "address": ADDRESS},
        }
        return self.api("POST", "/applications", body=body, caller=caller, headers=headers)

    def upload(
        self,
        application_id: str,
        code: str,
        content: bytes,
        content_type: str,
        caller: Caller = CITIZEN,
        file_name: str = "file.pdf",
    ) -> Response:
        grant = self.api(
            "POST",
            f"/applications/{application_id}/materials",
            caller=caller,
            body={
                "materialCode": code,
                "fileName": file_name,
                "contentType": content_type,
                "size": len(content),
            },
        )
        assert grant.status == 200, grant.body
        posted = requests.post(
            grant.body["url"],
            data=grant.body["fields"],
            files={"file": (file_name, content, content_type)},
            timeout=10,
        )
        assert posted.status_code in (200, 204), posted.text
        return grant


@contextmanager
def running_system() -> Iterator[System]:
    """The system on moto, for one test (the `system` fixture) or a module's worth."""
    with mock_aws(config=MOTO_CONFIG):  # type: ignore[arg-type]
        reset_clients()
        dependencies.reset()
        idempotency.reset()
        outputs = provision(region=REGION)
        runtime = LocalLambdaRuntime().install()
        try:
            yield System(outputs, runtime, environment_from_outputs("api", outputs))
        finally:
            runtime.uninstall()
            reset_clients()
            dependencies.reset()
            idempotency.reset()


@pytest.fixture
def system() -> Iterator[System]:
    with running_system() as running:
        yield running
