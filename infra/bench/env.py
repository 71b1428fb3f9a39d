"""The benchmarks' process environment: the offline one, under the benchmarks' name."""

from infra.local.offline import REGION
from infra.local.offline import fake_aws_environment as _fake


def fake_aws_environment() -> None:
    _fake("onewindow-bench")


__all__ = ["REGION", "fake_aws_environment"]
