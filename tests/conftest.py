"""Fixtures every tier shares: fake credentials so nothing can reach a real account.

Set at import, before any test module imports the handlers: Powertools reads its
POWERTOOLS_* variables when the shared Logger, Tracer and Metrics are created, as Lambda
does at cold start.
"""

import os

REGION = "us-east-1"

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "OneWindow",
        "POWERTOOLS_SERVICE_NAME": "onewindow-test",
    }
)
for _name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
    os.environ.pop(_name, None)
