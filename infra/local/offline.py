"""The process environment of the offline tiers (tests, benchmarks); standard library only,
so it can be set before anything reads it: Powertools reads POWERTOOLS_* when
shared/observability.py creates the Logger and Metrics, at import."""

import os

REGION = "us-east-1"


def fake_aws_environment(service_name: str) -> None:
    """Fake credentials and no endpoint or profile: nothing here can reach a real account."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SECURITY_TOKEN": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "POWERTOOLS_METRICS_NAMESPACE": "OneWindow",
            "POWERTOOLS_SERVICE_NAME": service_name,
        }
    )
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "MOTO_PORT"):
        os.environ.pop(name, None)
