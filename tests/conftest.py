"""What every tier shares: fake credentials so nothing can reach a real account.

Set at import, before any test module imports the handlers: Powertools reads its
POWERTOOLS_* variables when the shared Logger and Metrics are created, as Lambda
does at cold start.
"""

from infra.local.offline import REGION, fake_aws_environment

fake_aws_environment("onewindow-test")

__all__ = ["REGION"]
