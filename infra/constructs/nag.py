"""Acknowledging cdk-nag findings: one finding, one construct, one real reason.

cdk-nag 3 runs as a CDK policy-validation plugin (see infra/app.py); a finding is accepted
with `Validations.of(construct).acknowledge`, which covers the construct and its children.
IAM5 findings are acknowledged one by one in the `RuleId[Finding]` form, so a new wildcard
in a policy fails the synth until someone looks at it.
"""

from aws_cdk import Acknowledgment, CfnResource, Stack, Validations
from constructs import IConstruct

MIN_REASON_LENGTH = 40


def acknowledge(construct: IConstruct, rule_id: str, reason: str) -> None:
    if len(reason) < MIN_REASON_LENGTH:
        raise ValueError(f"acknowledging {rule_id} needs a real reason, got {reason!r}")
    Validations.of(construct).acknowledge(Acknowledgment(id=rule_id, reason=reason))


def arn_finding(resource: IConstruct, suffix: str = "") -> str:
    """cdk-nag's IAM5 finding for `<resource ARN><suffix>`, e.g. `.../index/*`."""
    default_child = resource.node.default_child
    assert isinstance(default_child, CfnResource)
    logical_id = Stack.of(resource).get_logical_id(default_child)
    return f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>{suffix}]"
