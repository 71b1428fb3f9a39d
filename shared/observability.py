"""Logger and Metrics, created once and shared by every function.

Service name and namespace come from POWERTOOLS_* variables that CDK sets per function.

No Tracer: the X-Ray SDK it wraps is in maintenance mode (since 2026-02-25, AWS recommends
OpenTelemetry) and importing it cost every cold start ~30 ms, a fifth of the budget. Traces
still come from the services: Lambda active tracing records each invocation (init and
handler time), Step Functions and API Gateway trace their side, and the Logger puts the
X-Ray trace id on every log line, so logs and traces still join up.
"""

import functools
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()


# -- One case's story (issue 14) -------------------------------------------------------
# Every line a stage writes carries the case's id twice over: as `correlation_id` (set by
# inject_lambda_context from the event) and as `application_id`, the key the API's lines
# carry too, so one Logs Insights filter finds the case across every function (README,
# “Watching it”). Each invocation logs one line when it ends, with its outcome, or the
# fault that ended it.

_CASE_KEYS = {"applicationId": "application_id", "bundleCaseId": "bundle_case_id"}

Handler = Callable[[dict[str, Any], Any], Any]


def case_keys(raw: Mapping[str, Any]) -> dict[str, str]:
    """The log keys naming the case an event is about (those it names)."""
    return {key: str(raw[field]) for field, key in _CASE_KEYS.items() if raw.get(field)}


def logged_step(step: str) -> Callable[[Handler], Handler]:
    """Wraps a stage handler (inside inject_lambda_context, which clears the keys of the
    invocation before): the case's keys on every line, and one line for the step's end."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def run(raw: dict[str, Any], context: Any) -> Any:
            logger.append_keys(step=step, **case_keys(raw))
            try:
                output = handler(raw, context)
            except Exception:
                logger.exception("step failed")
                raise
            logger.info("step done", extra=_outcome(output))
            return output

        return run

    return wrap


def _outcome(output: Any) -> dict[str, Any]:
    if not isinstance(output, Mapping):
        return {}
    return {k: output[k] for k in ("outcome", "status", "decision") if k in output}
