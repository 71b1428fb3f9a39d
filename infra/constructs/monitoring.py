"""What tells ops the system is unwell: one dashboard, and alarms to an ops topic.

The alarms: an execution failed or was reconciled (it ended without settling its case),
the API's 5xx rate, any function's errors or throttles, a dead-letter queue holding
anything, and the deadlines sweep not having run for three of its periods. Every alarm
also notifies when it returns to OK, so a page is closed by the system, not by memory.

The topic is encrypted with a key of its own: CloudWatch cannot publish to a topic under
the AWS-managed SNS key, whose policy cannot be changed to let it.
"""

from collections.abc import Mapping, Sequence

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra import constants as c
from shared.names import AWAITING_COMMITMENT_METRIC

PERIOD = Duration.minutes(5)
# Below this many requests in a period a 5xx rate says little: one failed call of three.
MIN_REQUESTS_FOR_RATE = 20
API_5XX_PERCENT = 1
# (metric name, the function that emits it) of the cases' way through the stages
STAGE_FLOW = (
    ("AcceptanceAccepted", "acceptance"),
    ("AcceptanceReturned", "acceptance"),
    ("AcceptanceNotAccepted", "acceptance"),
    ("IssuedApproved", "issuance"),
    ("IssuedRejected", "issuance"),
    ("CasesFailed", "failure"),
    ("ExecutionsReconciled", "reconcile"),
)


def stage_metric(name: str, key: str, period: Duration = PERIOD) -> cw.Metric:
    """A count the stage's Powertools metrics publish (dimension `service`)."""
    return cw.Metric(
        namespace=c.METRICS_NAMESPACE,
        metric_name=name,
        dimensions_map={"service": f"{c.SERVICE_NAME}-{key}"},
        statistic="Sum",
        period=period,
    )


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Mapping[str, lambda_.IFunction],
        state_machine: sfn.StateMachine,
        rest_api: apigw.RestApi,
        dead_letter_queues: Mapping[str, sqs.IQueue],
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = self._ops_topic()
        self.alarms: dict[str, cw.Alarm] = {}
        self._workflow_alarms(state_machine)
        self._api_alarm(rest_api)
        for key, function in sorted(functions.items()):
            self._function_alarms(key, function)
        for name, queue in sorted(dead_letter_queues.items()):
            self._alarm(
                f"{name}NotEmpty",
                queue.metric_approximate_number_of_messages_visible(
                    period=PERIOD, statistic="Maximum"
                ),
                f"{name} holds messages that could not be processed: read, fix, redrive",
            )
        self._sweep_alarm()
        self.dashboard = self._dashboard(functions, state_machine, rest_api, dead_letter_queues)

    def _ops_topic(self) -> sns.Topic:
        key = kms.Key(
            self,
            "OpsAlarmsKey",
            description="Encrypts the ops alarm topic; CloudWatch may use it to publish",
            enable_key_rotation=True,
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )
        return sns.Topic(
            self,
            "OpsAlarms",
            display_name="OneWindow ops alarms",
            master_key=key,
            enforce_ssl=True,
        )

    def _alarm(
        self,
        name: str,
        metric: cw.IMetric,
        description: str,
        *,
        threshold: float = 1,
        missing: cw.TreatMissingData = cw.TreatMissingData.NOT_BREACHING,
        comparison: cw.ComparisonOperator = (
            cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
        ),
        periods: int = 1,
    ) -> cw.Alarm:
        alarm = cw.Alarm(
            self,
            name,
            metric=metric,
            threshold=threshold,
            evaluation_periods=periods,
            comparison_operator=comparison,
            treat_missing_data=missing,
            alarm_description=description,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        alarm.add_ok_action(actions.SnsAction(self.topic))
        self.alarms[name] = alarm
        return alarm

    def _workflow_alarms(self, state_machine: sfn.StateMachine) -> None:
        self._alarm(
            "ExecutionsFailed",
            state_machine.metric_failed(period=PERIOD, statistic="Sum"),
            "A case's execution failed: its case shows FAILED with the reason",
        )
        for ended in ("metric_timed_out", "metric_aborted"):
            metric = getattr(state_machine, ended)(period=PERIOD, statistic="Sum")
            self._alarm(
                f"Executions{ended.removeprefix('metric_').title().replace('_', '')}",
                metric,
                "An execution ended without its own failure handling: the reconciler "
                "settles its case",
            )
        self._alarm(
            "ExecutionsReconciled",
            stage_metric("ExecutionsReconciled", "reconcile"),
            "The reconciler settled a case whose execution ended without doing so",
        )

    def _api_alarm(self, rest_api: apigw.RestApi) -> None:
        rate = cw.MathExpression(
            expression=f"IF(requests >= {MIN_REQUESTS_FOR_RATE}, 100 * errors / requests, 0)",
            using_metrics={
                "errors": rest_api.metric_server_error(period=PERIOD, statistic="Sum"),
                "requests": rest_api.metric_count(period=PERIOD, statistic="Sum"),
            },
            label="API 5xx, % of requests",
            period=PERIOD,
        )
        self._alarm(
            "Api5xxRate",
            rate,
            f"More than {API_5XX_PERCENT}% of the API's requests answered 5xx "
            f"(with at least {MIN_REQUESTS_FOR_RATE} requests in {PERIOD.to_minutes()} minutes)",
            threshold=API_5XX_PERCENT,
            comparison=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
            periods=2,
        )

    def _function_alarms(self, key: str, function: lambda_.IFunction) -> None:
        name = key.title().replace("_", "")
        errors: cw.IMetric = function.metric_errors(period=PERIOD, statistic="Sum")
        if key == "issuance":
            # Issuance raises AwaitingCommitment on purpose (the state machine catches it
            # and waits for a 容缺 material) and counts each one: those are not faults.
            errors = cw.MathExpression(
                expression="errors - FILL(waiting, 0)",
                using_metrics={
                    "errors": errors,
                    "waiting": stage_metric(AWAITING_COMMITMENT_METRIC, "issuance"),
                },
                label="issuance errors, waiting for a commitment left out",
                period=PERIOD,
            )
        self._alarm(f"{name}Errors", errors, f"The {key} function raised errors")
        self._alarm(
            f"{name}Throttles",
            function.metric_throttles(period=PERIOD, statistic="Sum"),
            f"The {key} function was throttled: concurrency is exhausted",
        )

    def _sweep_alarm(self) -> None:
        # The sweep's own count of what it looked at is published on every run, even when
        # nothing was late: no data for three periods means it did not run.
        sweep = Duration.minutes(c.DEADLINE_SWEEP_MINUTES)
        self._alarm(
            "DeadlineSweepLate",
            stage_metric("ReviewsOverdue", "deadlines", period=sweep).with_(
                statistic="SampleCount"
            ),
            f"The deadlines sweep (every {c.DEADLINE_SWEEP_MINUTES} minutes) has not run for "
            "three of its periods: warnings and overdue marks are not being set",
            comparison=cw.ComparisonOperator.LESS_THAN_THRESHOLD,
            missing=cw.TreatMissingData.BREACHING,
            periods=3,
        )

    def _dashboard(
        self,
        functions: Mapping[str, lambda_.IFunction],
        state_machine: sfn.StateMachine,
        rest_api: apigw.RestApi,
        dead_letter_queues: Mapping[str, sqs.IQueue],
    ) -> cw.Dashboard:
        dashboard = cw.Dashboard(self, "Dashboard", dashboard_name=f"{c.SERVICE_NAME}-ops")
        dashboard.add_widgets(
            _graph("Cases through the stages", [stage_metric(n, k) for n, k in STAGE_FLOW]),
            _graph(
                "Executions",
                [
                    state_machine.metric_started(period=PERIOD, statistic="Sum"),
                    state_machine.metric_succeeded(period=PERIOD, statistic="Sum"),
                    state_machine.metric_failed(period=PERIOD, statistic="Sum"),
                    state_machine.metric_timed_out(period=PERIOD, statistic="Sum"),
                ],
            ),
        )
        dashboard.add_widgets(
            _graph(
                "API requests, 4xx and 5xx",
                [
                    rest_api.metric_count(period=PERIOD, statistic="Sum"),
                    rest_api.metric_client_error(period=PERIOD, statistic="Sum"),
                    rest_api.metric_server_error(period=PERIOD, statistic="Sum"),
                ],
            ),
            _graph(
                "API latency (ms)",
                [
                    rest_api.metric_latency(period=PERIOD, statistic=p, label=p)
                    for p in ("p50", "p99")
                ],
            ),
        )
        dashboard.add_widgets(
            _graph(
                "Reviews warned and overdue (each sweep)",
                [stage_metric(n, "deadlines") for n in ("ReviewsWarned", "ReviewsOverdue")],
            ),
            _graph(
                "Dead-letter queues",
                [
                    q.metric_approximate_number_of_messages_visible(period=PERIOD, label=n)
                    for n, q in sorted(dead_letter_queues.items())
                ],
            ),
        )
        dashboard.add_widgets(
            _graph(
                "Function errors",
                [f.metric_errors(period=PERIOD, label=k) for k, f in sorted(functions.items())],
            ),
            _graph(
                "Function throttles",
                [f.metric_throttles(period=PERIOD, label=k) for k, f in sorted(functions.items())],
            ),
        )
        dashboard.add_widgets(
            cw.AlarmStatusWidget(
                title="Alarms", alarms=list(self.alarms.values()), width=24, height=6
            )
        )
        return dashboard


def _graph(title: str, metrics: Sequence[cw.IMetric]) -> cw.GraphWidget:
    return cw.GraphWidget(title=title, left=list(metrics), width=12, height=6)
