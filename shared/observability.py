"""Logger and Metrics, created once and shared by every function.

Service name and namespace come from POWERTOOLS_* variables that CDK sets per function.

No Tracer: the X-Ray SDK it wraps is in maintenance mode (since 2026-02-25, AWS recommends
OpenTelemetry) and importing it cost every cold start ~30 ms, a fifth of the budget. Traces
still come from the services: Lambda active tracing records each invocation (init and
handler time), Step Functions and API Gateway trace their side, and the Logger puts the
X-Ray trace id on every log line, so logs and traces still join up.
"""

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()
