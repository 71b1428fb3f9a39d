"""The dashboard and the alarms ops are told by (issue 14): what each alarm watches, that
every one reaches the ops topic both ways, and that the topic can be published to."""

import json
from typing import Any

import pytest
from aws_cdk.assertions import Template

from infra import constants as c
from shared.names import AWAITING_COMMITMENT_METRIC

Resources = dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def nested(synth: Any) -> Resources:
    """The monitoring nested stack's resources (its own template)."""
    resources: Resources = Template.from_stack(synth.stack.monitoring_stack).to_json()["Resources"]
    return resources


def of_type(resources: Resources, kind: str) -> Resources:
    return {k: r for k, r in resources.items() if r["Type"] == kind}


def alarms(nested: Resources) -> dict[str, dict[str, Any]]:
    return {k: r["Properties"] for k, r in of_type(nested, "AWS::CloudWatch::Alarm").items()}


def alarm_on(nested: Resources, metric_name: str, **dimensions: Any) -> dict[str, Any]:
    found = [
        p
        for p in alarms(nested).values()
        if p.get("MetricName") == metric_name
        and all(
            any(d["Name"] == k and d["Value"] == v for d in p.get("Dimensions", []))
            for k, v in dimensions.items()
        )
    ]
    assert len(found) == 1, f"expected one alarm on {metric_name} {dimensions}, got {found}"
    return found[0]


def test_monitoring_is_a_nested_stack_of_its_own(synth: Any) -> None:
    # CloudFormation's limit is 500 resources a stack; the API's routes take most of them
    # (one invoke permission serves them all; the next large addition belongs in a nested
    # stack of its own, as the alarms are).
    assert len(synth.resources) < 460, len(synth.resources)
    assert len(synth.of_type("AWS::CloudFormation::Stack")) == 1
    assert not synth.of_type("AWS::CloudWatch::Alarm")


def test_every_alarm_pages_the_ops_topic_and_says_when_it_is_over(nested: Resources) -> None:
    # Given the ops topic and every alarm
    (topic,) = of_type(nested, "AWS::SNS::Topic")
    found = alarms(nested)
    assert len(found) == 4 + 1 + 3 + 1 + 2 * len(c.FUNCTIONS), sorted(found)

    # Then each one notifies it on alarm and on recovery, and says what it means
    for name, properties in found.items():
        assert properties["AlarmActions"] == [{"Ref": topic}], name
        assert properties["OKActions"] == [{"Ref": topic}], name
        assert properties["AlarmDescription"], name


def test_the_ops_topic_is_encrypted_with_a_key_cloudwatch_may_use(nested: Resources) -> None:
    ((_, topic),) = of_type(nested, "AWS::SNS::Topic").items()
    key_ref = topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]
    key = nested[key_ref]["Properties"]
    assert key["EnableKeyRotation"] is True
    statements = key["KeyPolicy"]["Statement"]
    cloudwatch = [
        s for s in statements if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert cloudwatch and set(cloudwatch[0]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def test_a_failed_timed_out_or_aborted_execution_and_a_reconciled_case_alarm(
    nested: Resources,
) -> None:
    for metric in ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"):
        alarm = alarm_on(nested, metric)
        assert alarm["Namespace"] == "AWS/States" and alarm["Threshold"] == 1, metric
    reconciled = alarm_on(nested, "ExecutionsReconciled", service=f"{c.SERVICE_NAME}-reconcile")
    assert reconciled["Namespace"] == c.METRICS_NAMESPACE


def metric_names(alarm: dict[str, Any]) -> set[str]:
    return {
        m["MetricStat"]["Metric"]["MetricName"]
        for m in alarm.get("Metrics", [])
        if "MetricStat" in m
    }


def expression(alarm: dict[str, Any]) -> str:
    return next((m["Expression"] for m in alarm.get("Metrics", []) if "Expression" in m), "")


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_each_function_alarms_on_errors_and_throttles(nested: Resources, metric: str) -> None:
    found = [
        p
        for p in alarms(nested).values()
        if p.get("MetricName") == metric or metric in metric_names(p)
    ]
    assert len(found) == len(c.FUNCTIONS)
    assert all(p["Threshold"] == 1 and p["TreatMissingData"] == "notBreaching" for p in found)


def test_issuance_errors_leave_out_the_cases_waiting_for_a_commitment(nested: Resources) -> None:
    # Issuance raises AwaitingCommitment on purpose (容缺) and counts each: not a fault.
    (alarm,) = [p for p in alarms(nested).values() if "Errors" in metric_names(p)]
    assert metric_names(alarm) == {"Errors", AWAITING_COMMITMENT_METRIC}
    assert expression(alarm) == "errors - FILL(waiting, 0)"


def test_the_api_alarms_on_its_5xx_rate_not_on_one_error(nested: Resources) -> None:
    (rate,) = [p for p in alarms(nested).values() if "5XXError" in metric_names(p)]
    assert "100 * errors / requests" in expression(rate) and "requests >= 20" in expression(rate)
    assert metric_names(rate) == {"5XXError", "Count"}
    assert rate["ComparisonOperator"] == "GreaterThanThreshold" and rate["EvaluationPeriods"] == 2


def test_every_dead_letter_queue_alarms_when_it_holds_anything(
    synth: Any, nested: Resources
) -> None:
    queues = [
        r
        for r in synth.of_type("AWS::SQS::Queue").values()
        if "RedrivePolicy" not in r["Properties"]  # a dead-letter queue has none
    ]
    watched = [
        p
        for p in alarms(nested).values()
        if p.get("MetricName") == "ApproximateNumberOfMessagesVisible"
    ]
    assert len(queues) == len(watched) == 3


def test_a_sweep_that_stops_running_alarms(nested: Resources) -> None:
    alarm = alarm_on(nested, "ReviewsOverdue", service=f"{c.SERVICE_NAME}-deadlines")
    # No data is the failure: the sweep publishes its count on every run, zero included.
    assert alarm["TreatMissingData"] == "breaching"
    assert alarm["ComparisonOperator"] == "LessThanThreshold"
    assert alarm["Statistic"] == "SampleCount"
    assert alarm["Period"] == c.DEADLINE_SWEEP_MINUTES * 60 and alarm["EvaluationPeriods"] == 3


def test_one_dashboard_shows_the_stages_the_api_and_the_queues(
    synth: Any, nested: Resources
) -> None:
    ((_, dashboard),) = of_type(nested, "AWS::CloudWatch::Dashboard").items()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for shown in (
        "Cases through the stages",
        "AcceptanceAccepted",
        "IssuedApproved",
        "Executions",
        "API latency",
        "p99",
        "Reviews warned and overdue",
        "Dead-letter queues",
        "Function throttles",
        "Alarms",
    ):
        assert shown in body, shown
    outputs = synth.template.to_json()["Outputs"]
    assert {"OpsAlarmTopicArn", "DashboardName"} <= set(outputs)
