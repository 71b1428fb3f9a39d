"""The whole system inside this process, on moto's in-memory AWS: what the integration
tests and the benchmarks drive. Provisioned from the CDK definitions, the real state machine
run by moto's interpreter, each Lambda task running the project's handler, and the API
handler called with the REST proxy events API Gateway would send."""

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import boto3
import requests
from moto import mock_aws

from infra.constants import FUNCTIONS
from infra.local import moto_patches
from infra.local.events import groups_claim, rest_event
from infra.local.lambda_runtime import LocalContext, LocalLambdaRuntime
from infra.local.offline import REGION
from infra.local.provision import environment_from_outputs, provision
from infra.local.stream_feed import StreamFeed
from shared.adapters.aws import reset_clients
from shared.adapters.repository import DynamoRepository
from shared.models.application import Application, TimelineEvent
from shared.models.bundle_cases import BundleCase
from shared.names import department_group

MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}


@dataclass(frozen=True)
class Caller:
    """Who signed in: the claims API Gateway's Cognito authorizer would pass on."""

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


def citizen(n: int = 1) -> Caller:
    return Caller(f"sub-citizen-{n}", f"citizen-{n}", ("citizen",))


def officer(department: str) -> Caller:
    name = department.lower()
    return Caller(f"sub-staff-{name}", f"staff-{name}", (department_group(department),))


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class InProcessSystem:
    outputs: dict[str, str]
    runtime: LocalLambdaRuntime
    api_env: dict[str, str]

    @property
    def repo(self) -> DynamoRepository:
        return DynamoRepository(self.outputs["TableName"])

    # -- the API, as API Gateway invokes it -------------------------------------------
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
        raw = self.invoke_api(event)
        response_headers = {k: v[-1] for k, v in (raw.get("multiValueHeaders") or {}).items()}
        response_headers.update(raw.get("headers") or {})
        text = raw.get("body") or "null"
        is_json = response_headers.get("Content-Type", "application/json").startswith(
            "application/json"
        )
        return Response(
            int(raw["statusCode"]), json.loads(text) if is_json else text, response_headers
        )

    def invoke_api(self, event: dict[str, Any]) -> dict[str, Any]:
        """In turn with the stage functions (see LocalLambdaRuntime.exclusive)."""
        with self.runtime.exclusive(self.api_env):
            answer = self.run_api_handler(event)
        self.runtime.settle(wait=True)
        return answer

    def run_api_handler(self, event: dict[str, Any]) -> dict[str, Any]:
        from functions.api.handler import handler

        spec = FUNCTIONS["api"]
        context = LocalContext(
            "onewindow-local-api",
            spec["memory"],
            f"arn:aws:lambda:{REGION}:123456789012:function:onewindow-local-api",
            spec["timeout"],
        )
        return cast(dict[str, Any], handler(event, context))

    def upload(
        self,
        application_id: str,
        code: str,
        content: bytes,
        content_type: str,
        caller: Caller,
        file_name: str = "file.pdf",
    ) -> Response:
        """What a browser does: asks for a presigned POST, then posts the file to S3."""
        return self._post_file(
            f"/applications/{application_id}/materials",
            code,
            content,
            content_type,
            caller,
            file_name,
        )

    def upload_shared(
        self,
        bundle_case_id: str,
        code: str,
        content: bytes,
        caller: Caller,
        content_type: str = "application/pdf",
        file_name: str = "shared.pdf",
    ) -> Response:
        """A bundle filing's shared material, uploaded once for its members."""
        return self._post_file(
            f"/bundle-applications/{bundle_case_id}/materials",
            code,
            content,
            content_type,
            caller,
            file_name,
        )

    def _post_file(
        self,
        grant_path: str,
        code: str,
        content: bytes,
        content_type: str,
        caller: Caller,
        file_name: str,
    ) -> Response:
        grant = self.api(
            "POST",
            grant_path,
            caller=caller,
            body={
                "materialCode": code,
                "fileName": file_name,
                "contentType": content_type,
                "size": len(content),
            },
        )
        assert grant.status == 200, grant.body
        with self.runtime.exclusive({}):  # moto's S3 answers in this process
            posted = requests.post(
                grant.body["url"],
                data=grant.body["fields"],
                files={"file": (file_name, content, content_type)},
                timeout=10,
            )
        assert posted.status_code in (200, 204), posted.text
        return grant

    # -- watching the system ----------------------------------------------------------
    def application(self, application_id: str) -> Application:
        with self.runtime.exclusive({}):
            found = self.repo.get_application(application_id)
        assert found is not None, application_id
        return found

    def records(self, application_id: str) -> list[dict[str, Any]]:
        """Every raw record of the case's item collection, as DynamoDB holds it."""
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.outputs["TableName"],
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": f"APP#{application_id}"}},
        }
        with self.runtime.exclusive({}):
            while True:
                page = boto3.client("dynamodb").query(**kwargs)
                items.extend(page["Items"])
                if "LastEvaluatedKey" not in page:
                    return items
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def timeline(self, application_id: str) -> list[TimelineEvent]:
        """Every event of the case, oldest first (all pages)."""
        events: list[TimelineEvent] = []
        cursor = None
        with self.runtime.exclusive({}):
            while True:
                page = self.repo.list_timeline(application_id, 100, cursor)
                events.extend(page.items)
                cursor = page.next_cursor
                if cursor is None:
                    return events

    def actions(self, application_id: str) -> list[str]:
        return [e.action for e in self.timeline(application_id)]

    def wait_for_action(self, application_id: str, action: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while action not in self.actions(application_id):
            if time.monotonic() > deadline:
                raise TimeoutError(f"case {application_id} never recorded {action}")
            time.sleep(0.05)

    def wait_for(
        self,
        application_id: str,
        condition: Callable[[Application], bool],
        timeout: float = 60.0,
        poll: float = 0.05,
    ) -> Application:
        deadline = time.monotonic() + timeout
        while True:
            application = self.application(application_id)
            if condition(application):
                return application
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"case {application_id} is {application.status}: {self.actions(application_id)}"
                )
            time.sleep(poll)

    def wait_for_status(
        self, application_id: str, *statuses: str, timeout: float = 60.0
    ) -> Application:
        return self.wait_for(application_id, lambda a: a.status.value in statuses, timeout)

    def bundle_case(self, bundle_case_id: str) -> BundleCase:
        found = self.repo.get_bundle_case(bundle_case_id)
        assert found is not None, bundle_case_id
        return found

    def wait_bundle(
        self, bundle_case_id: str, *statuses: str, timeout: float = 60.0, poll: float = 0.1
    ) -> BundleCase:
        deadline = time.monotonic() + timeout
        while True:
            found = self.bundle_case(bundle_case_id)
            if found.status.value in statuses:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"bundle application {bundle_case_id} is {found.status}")
            time.sleep(poll)

    def bundle_execution(self, bundle_case_id: str) -> dict[str, Any]:
        machine = self.outputs["BundleStateMachineArn"]
        arn = machine.replace(":stateMachine:", ":execution:") + f":{bundle_case_id}"
        return dict(boto3.client("stepfunctions").describe_execution(executionArn=arn))

    def execution_arn(self, application_id: str) -> str:
        machine = self.outputs["StateMachineArn"]
        return machine.replace(":stateMachine:", ":execution:") + f":{application_id}"

    def execution(self, application_id: str) -> dict[str, Any]:
        sfn = boto3.client("stepfunctions")
        return dict(sfn.describe_execution(executionArn=self.execution_arn(application_id)))

    def wait_execution(self, application_id: str, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            execution = self.execution(application_id)
            if execution["status"] != "RUNNING":
                return execution
            if time.monotonic() > deadline:
                raise TimeoutError(f"execution of {application_id} still running")
            time.sleep(0.02)

    def stop_execution(self, application_id: str, cause: str = "stopped by an operator") -> None:
        boto3.client("stepfunctions").stop_execution(
            executionArn=self.execution_arn(application_id), error="Stopped", cause=cause
        )

    def invoke_function(self, key: str, event: dict[str, Any]) -> dict[str, Any]:
        """A function run as Lambda runs it (its own environment), e.g. what a schedule
        would start; the answer, or an AssertionError with the function's error."""
        response = boto3.client("lambda").invoke(
            FunctionName=f"onewindow-local-{key}", Payload=json.dumps(event).encode()
        )
        payload = json.loads(response["Payload"].read() or b"null")
        self.runtime.settle(wait=True)
        assert "FunctionError" not in response, payload
        return cast(dict[str, Any], payload)

    def advance_clock(self, days: float) -> None:
        """Moves the system's time `days` forward (the local clock control)."""
        from datetime import timedelta

        from shared.models.common import advance_clock

        advance_clock(timedelta(days=days))

    def sweep_deadlines(self) -> dict[str, Any]:
        """The deadlines sweep, as its schedule starts it."""
        return self.invoke_function("deadlines", {"source": "aws.events"})

    def history(self, application_id: str) -> list[dict[str, Any]]:
        sfn = boto3.client("stepfunctions")
        events: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "executionArn": self.execution_arn(application_id),
            "maxResults": 1000,
        }
        while True:
            page = sfn.get_execution_history(**kwargs)
            events.extend(cast(list[dict[str, Any]], page["events"]))
            if not page.get("nextToken"):
                return events
            kwargs["nextToken"] = page["nextToken"]


S = TypeVar("S", bound=InProcessSystem)


def _stop_running_executions(machine_arn: str) -> None:
    """Executions still waiting when a system is torn down would otherwise go on in their
    threads (a retry, a timeout) against whatever moto holds next: the next test's data."""
    sfn = boto3.client("stepfunctions")
    pages = sfn.get_paginator("list_executions").paginate(
        stateMachineArn=machine_arn, statusFilter="RUNNING"
    )
    for page in pages:
        for execution in page["executions"]:
            sfn.stop_execution(executionArn=execution["executionArn"])


@contextmanager
def running_system(
    system_class: type[S],
    runtime: LocalLambdaRuntime | None = None,
    *,
    install_runtime: bool = True,
    **extra: Any,
) -> Iterator[S]:
    """Provisions everything on a fresh in-memory AWS and hands over the system."""
    from functions.api import dependencies, idempotency
    from shared.models.common import reset_clock

    moto_patches.install()
    with mock_aws(config=cast(Any, MOTO_CONFIG)):
        reset_clients()
        dependencies.reset()
        idempotency.reset()
        outputs = provision(region=REGION)
        runtime = runtime or LocalLambdaRuntime()
        if install_runtime:
            runtime.install()
            runtime.after_each_invocation(StreamFeed(outputs, runtime.lock).drain)
        try:
            yield system_class(outputs, runtime, environment_from_outputs("api", outputs), **extra)
        finally:
            _stop_running_executions(outputs["BundleStateMachineArn"])
            _stop_running_executions(outputs["StateMachineArn"])
            runtime.uninstall()
            reset_clock()  # a test that moved the clock leaves the next one at today
            reset_clients()
            dependencies.reset()
            idempotency.reset()
