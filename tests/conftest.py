"""Fixtures every tier shares: fake credentials so nothing can reach a real account."""

import os

import pytest

REGION = "us-east-1"


@pytest.fixture(autouse=True, scope="session")
def _fake_aws_credentials() -> None:
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
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.pop("AWS_PROFILE", None)
