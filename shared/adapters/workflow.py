"""Step Functions: start a case's execution, answer its task tokens."""

import json
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.aws import client
from shared.adapters.aws_errors import AWS_ERRORS, error_code, translate
from shared.errors import Conflict
from shared.settings import get_settings

_WAIT_OVER = {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"}


class StepFunctionsWorkflow:
    def __init__(self, state_machine_arn: str | None = None) -> None:
        self.state_machine_arn = state_machine_arn or get_settings().require("state_machine_arn")

    @property
    def _sfn(self) -> Any:
        return client("stepfunctions")

    def start(self, application_id: str) -> str:
        # Named by the case: a repeated start cannot run the case twice.
        try:
            response = self._sfn.start_execution(
                stateMachineArn=self.state_machine_arn,
                name=application_id,
                input=json.dumps({"applicationId": application_id}),
            )
        except AWS_ERRORS as exc:
            if isinstance(exc, ClientError) and error_code(exc) == "ExecutionAlreadyExists":
                raise Conflict(
                    "the application was already submitted", field="applicationId"
                ) from exc
            raise translate(exc) from exc
        return str(response["executionArn"])

    def succeed(self, token: str, output: dict[str, Any]) -> None:
        try:
            self._sfn.send_task_success(taskToken=token, output=json.dumps(output))
        except AWS_ERRORS as exc:
            if isinstance(exc, ClientError) and error_code(exc) in _WAIT_OVER:
                raise Conflict(
                    "the wait for this step has ended (timed out or already answered)",
                    field="taskId",
                ) from exc
            raise translate(exc) from exc


class StepFunctionsBundleWorkflow:
    def __init__(self, state_machine_arn: str | None = None) -> None:
        self.state_machine_arn = state_machine_arn or get_settings().require(
            "bundle_state_machine_arn"
        )

    def start_bundle(self, bundle_case_id: str, waves: list[list[str]]) -> str:
        # Named by the bundle case, as a case's is by the case: it runs once.
        try:
            response = client("stepfunctions").start_execution(
                stateMachineArn=self.state_machine_arn,
                name=bundle_case_id,
                input=json.dumps({"bundleCaseId": bundle_case_id, "waves": waves}),
            )
        except AWS_ERRORS as exc:
            if isinstance(exc, ClientError) and error_code(exc) == "ExecutionAlreadyExists":
                raise Conflict(
                    "the bundle application was already submitted", field="bundleCaseId"
                ) from exc
            raise translate(exc) from exc
        return str(response["executionArn"])


def answer_token(token: str, output: dict[str, Any]) -> None:
    """Answers a task token from a function that starts no execution (so it has no state
    machine ARN): the commitment wait answering its own."""
    try:
        client("stepfunctions").send_task_success(taskToken=token, output=json.dumps(output))
    except AWS_ERRORS as exc:
        if isinstance(exc, ClientError) and error_code(exc) in _WAIT_OVER:
            return  # already answered or over: nothing waits on it
        raise translate(exc) from exc
