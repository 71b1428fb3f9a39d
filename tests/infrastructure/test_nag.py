"""cdk-nag (AWS Solutions) runs on every synth, and every accepted finding is explained.

cdk-nag 3 is a CDK policy-validation plugin: an unacknowledged error fails the synth, while
warnings only land in the cloud assembly's validation-report.json (not in annotations).
These tests hold both to zero and check how findings are acknowledged.
"""

import re

import pytest
from aws_cdk import App, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match

from infra.app import create_app
from infra.constructs.nag import MIN_REASON_LENGTH

ACKNOWLEDGED = Validations.ACKNOWLEDGED_RULES_METADATA_KEY


def _acknowledgments(stack: Stack) -> list[tuple[object, str, str]]:
    """(construct, rule id, reason) for every acknowledgment in the stack's tree."""
    found = []
    for construct in [stack.node.scope, *stack.node.find_all()]:
        for entry in construct.node.metadata:
            if entry.type == ACKNOWLEDGED:
                for rule, reason in entry.data.items():
                    found.append((construct, rule.split("::", 1)[-1], reason))
    return found


def test_synth_leaves_no_aws_solutions_finding(validation_report):
    # Given the synthesized app with the AWS Solutions pack
    # When we read the policy validation report
    # Then no plugin reports any violation, error or warning
    for plugin in validation_report["pluginReports"]:
        assert plugin["conclusion"] == "success"
        unresolved = [
            (v["ruleName"], v["severity"], [c["constructPath"] for c in v["violatingConstructs"]])
            for v in plugin["violations"]
        ]
        assert unresolved == []


def test_findings_are_acknowledged_per_resource_never_stack_wide(synth):
    # Given every acknowledged finding
    acknowledgments = _acknowledgments(synth.stack)
    assert acknowledgments
    for construct, rule, reason in acknowledgments:
        # Then it sits on a resource, not on the stack or the app
        assert not isinstance(construct, (Stack, App)), rule
        # And it gives a real reason
        assert len(reason) >= MIN_REASON_LENGTH, rule


def test_iam_findings_are_acknowledged_one_by_one_on_roles(synth):
    # Given the acknowledged IAM findings
    iam_acknowledgments = [
        (construct, rule)
        for construct, rule, _ in _acknowledgments(synth.stack)
        if rule.startswith("AwsSolutions-IAM")
    ]
    assert iam_acknowledgments
    for construct, rule in iam_acknowledgments:
        # Then each names one finding (RuleId[Finding]) and sits on the role it concerns
        assert re.fullmatch(r"AwsSolutions-IAM[45]\[(Resource|Policy|Action)::.+\]", rule), rule
        assert isinstance(construct, iam.Role), (rule, construct.node.path)


def test_nag_fails_the_synth_on_a_new_finding():
    # Given the app as infra/app.py builds it, plus a bucket that allows plain HTTP
    app, stack = create_app(department_codes=["TAX"])
    s3.Bucket(stack, "CarelessBucket", versioned=True)
    # When it is synthesized
    with pytest.raises(RuntimeError, match="ValidationFailed") as failure:
        app.synth()
    # Then the failure names the bucket and the finding (no TLS-only policy)
    message = str(failure.value)
    assert "OneWindow/CarelessBucket/Resource" in message
    assert "AwsSolutions-S10" in message


def test_synth_emits_no_warning_or_error_annotations(synth):
    # Given the synthesized stack
    annotations = Annotations.from_stack(synth.stack)
    # When we look for warnings and errors (deprecated APIs, misconfigurations, and any
    # AwsSolutions finding a plugin surfaced as an annotation)
    # Then there are none
    assert annotations.find_error("*", Match.any_value()) == []
    assert annotations.find_warning("*", Match.any_value()) == []
    assert annotations.find_warning("*", Match.string_like_regexp("AwsSolutions-.*")) == []
