"""Step Functions on moto as AWS behaves, in two ways (hooks on moto 5.2.5 internals,
pinned in pyproject.toml):

- Every execution's end is reported to EventBridge. AWS sends a "Step Functions Execution
  Status Change" event to the default bus; moto's interpreter sends none. The hook is on
  `BaseExecutionWorkerCommunication.terminated`, called once when an execution's program
  ends, however it ends; the event goes through moto's own EventBridge, so the rules and
  targets provisioned from the CDK definitions route it.
- StopExecution ends the execution at once. moto marks the program stopped but its states
  keep waiting out their timeouts (a review's wait lasts weeks), so the execution stayed
  RUNNING. `Program.eval` here waits for its states in short slices and returns as soon as
  the program is stopped; the abandoned waits are daemon threads that do nothing more,
  and what they raise on the way out no longer turns the stopped execution into a failed
  one (`Environment.set_error` and `set_timed_out` leave a stopped program stopped).
- A task that starts another state machine's execution (`states:startExecution.sync:2`,
  the bundle machine's) calls StartExecution with the parameter names of the ASL
  (`StateMachineArn`, `Name`, `Input`), as AWS takes them; moto's interpreter handed those
  names to boto3 unchanged, whose serializer knows only `stateMachineArn`, `name` and
  `input` (KeyError), and reads the answer's `ExecutionArn` where boto3 says
  `executionArn`. `StateTaskServiceSfn._eval_service_task` here translates both ways.
- StopExecution right after StartExecution stops the execution. moto's worker sets up its
  environment in its own thread, and a stop that came first raised AttributeError (AWS
  stops an execution whatever it is doing); the stop now waits for that set-up, briefly.
"""

import json
import threading
import time
from datetime import datetime
from typing import Any

from moto.stepfunctions.parser.asl.component.program.program import Program
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn import (  # noqa: E501
    StateTaskServiceSfn,
)
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped
from moto.stepfunctions.parser.asl.utils.boto_client import boto_client_for
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker
from moto.stepfunctions.parser.utils import TMP_THREADS

from infra.constants import EXECUTION_STATUS_CHANGE

_original: Any = None
_original_eval: Any = None
_original_endings: dict[str, Any] = {}
_original_stop: Any = None
_original_sfn_task: Any = None
_SLICE_SECONDS = 0.05
_SET_UP_SECONDS = 5.0


def _millis(moment: datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


def status_change_event(execution: Any) -> dict[str, Any]:
    """The PutEvents entry AWS would send for this execution's end."""
    status = execution.exec_status
    detail = {
        "executionArn": execution.exec_arn,
        "stateMachineArn": execution.state_machine.arn,
        "name": execution.name,
        "status": getattr(status, "value", str(status)),
        "startDate": _millis(execution.start_date),
        "stopDate": _millis(execution.stop_date),
        "input": json.dumps(execution.input_data),
        "output": json.dumps(execution.output) if execution.output is not None else None,
        "error": execution.error,
        "cause": execution.cause,
    }
    return {
        "Source": "aws.states",
        "DetailType": EXECUTION_STATUS_CHANGE,
        "Detail": json.dumps(detail),
        "Resources": [execution.exec_arn],
    }


def _terminated(self: BaseExecutionWorkerCommunication) -> None:
    _original(self)
    from moto.events.models import events_backends

    execution = self.execution
    backend = events_backends[execution.account_id][execution.region_name]
    backend.put_events([status_change_event(execution)])


def _eval_until_stopped(self: Program, env: Any) -> None:
    """moto's Program.eval, except that a stop ends the wait for the states at once."""
    timeout = self.timeout_seconds.timeout_seconds if self.timeout_seconds else None
    env.next_state_name = self.start_at.start_at_name
    worker = threading.Thread(target=super(Program, self).eval, args=(env,), daemon=True)
    TMP_THREADS.append(worker)
    worker.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    while worker.is_alive():
        if isinstance(env.program_state(), ProgramStopped):
            return
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            env.set_timed_out()
            return
        worker.join(_SLICE_SECONDS if remaining is None else min(_SLICE_SECONDS, remaining))


def _unless_stopped(name: str) -> Any:
    original = getattr(Environment, name)

    def ending(self: Environment, *args: Any, **kwargs: Any) -> None:
        if not isinstance(self.program_state(), ProgramStopped):
            original(self, *args, **kwargs)

    return ending


def _stop_once_set_up(self: ExecutionWorker, *args: Any, **kwargs: Any) -> None:
    """moto's ExecutionWorker.stop, once the worker's thread has made its environment."""
    deadline = time.monotonic() + _SET_UP_SECONDS
    while self.env is None and time.monotonic() < deadline:
        time.sleep(0.005)
    _original_stop(self, *args, **kwargs)


def _start_as_aws_does(
    self: StateTaskServiceSfn,
    env: Any,
    resource_runtime_part: Any,
    normalised_parameters: dict[str, Any],
    state_credentials: Any,
) -> None:
    """moto's StateTaskServiceSfn._eval_service_task, with the ASL's parameter names given
    to boto3 as its own, and the answer's names given back as the ASL's."""
    client = boto_client_for(
        region=resource_runtime_part.region,
        service=self._get_boto_service_name(),
        state_credentials=state_credentials,
    )
    parameters = {k[:1].lower() + k[1:]: v for k, v in normalised_parameters.items()}
    response = getattr(client, self._get_boto_service_action())(**parameters)
    response.pop("ResponseMetadata", None)
    env.stack.append({k[:1].upper() + k[1:]: v for k, v in response.items()})


def install() -> None:
    global _original, _original_eval, _original_stop, _original_sfn_task
    if _original_sfn_task is None:
        _original_sfn_task = StateTaskServiceSfn._eval_service_task
        StateTaskServiceSfn._eval_service_task = _start_as_aws_does  # type: ignore[method-assign]
    for name in ("set_error", "set_timed_out"):
        if name not in _original_endings:
            _original_endings[name] = getattr(Environment, name)
            setattr(Environment, name, _unless_stopped(name))
    if _original is None:
        _original = BaseExecutionWorkerCommunication.terminated
        BaseExecutionWorkerCommunication.terminated = _terminated  # type: ignore[method-assign]
    if _original_eval is None:
        _original_eval = Program.eval
        Program.eval = _eval_until_stopped  # type: ignore[method-assign]
    if _original_stop is None:
        _original_stop = ExecutionWorker.stop
        ExecutionWorker.stop = _stop_once_set_up  # type: ignore[method-assign]
