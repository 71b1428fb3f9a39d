"""Acknowledging cdk-nag findings: one finding, one construct, one real reason.

cdk-nag 3 runs as a CDK policy-validation plugin (see infra/app.py); a finding is accepted
with `Validations.of(construct).acknowledge`, which covers the construct and its children.
IAM5 findings are acknowledged one by one in the `RuleId[Finding]` form, so a new wildcard
in a policy fails the synth until someone looks at it.
"""

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

MIN_REASON_LENGTH = 40


def acknowledge(construct: IConstruct, rule_id: str, reason: str) -> None:
    if len(reason) < MIN_REASON_LENGTH:
        raise ValueError(f"acknowledging {rule_id} needs a real reason, got {reason!r}")
    Validations.of(construct).acknowledge(Acknowledgment(id=rule_id, reason=reason))
