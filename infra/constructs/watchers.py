"""What watches the workflow from outside it: the deadlines sweep on a schedule, and the
reconciler of executions that ended without settling their case.

Step Functions reports every execution's end to EventBridge. The ends no Catch could
record (stopped, timed out, failed in the failure recorder) go to a queue and from it to
the reconcile function: the queue holds them through an outage of the function or the
table, retries each message, and keeps what still fails in a dead-letter queue.
"""

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra import constants as c


class Watchers(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        state_machine: sfn.IStateMachine,
        deadlines: lambda_.IFunction,
        reconcile: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        self.sweep_rule = events.Rule(
            self,
            "DeadlineSweep",
            description="Marks reviews past their due time overdue",
            schedule=events.Schedule.rate(Duration.minutes(c.DEADLINE_SWEEP_MINUTES)),
            targets=[targets.LambdaFunction(deadlines, retry_attempts=2)],
        )
        self.dead_letters = sqs.Queue(
            self,
            "UnsettledExecutionsDlq",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        self.queue = sqs.Queue(
            self,
            "UnsettledExecutions",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # Lambda's advice: six times the function's timeout, so no message is handed out
            # twice while its first batch is still running.
            visibility_timeout=Duration.seconds(6 * c.FUNCTIONS["reconcile"]["timeout"]),
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=self.dead_letters, max_receive_count=c.RECONCILE_ATTEMPTS
            ),
        )
        self.end_rule = events.Rule(
            self,
            "UnsettledExecutionEnds",
            description="Executions of the case workflow that ended without succeeding",
            event_pattern=events.EventPattern(
                source=["aws.states"],
                detail_type=[c.EXECUTION_STATUS_CHANGE],
                detail={
                    "status": sorted(c.UNSETTLED_ENDS),
                    "stateMachineArn": [state_machine.state_machine_arn],
                },
            ),
            targets=[targets.SqsQueue(self.queue)],
        )
        reconcile.add_event_source(
            sources.SqsEventSource(self.queue, batch_size=10, report_batch_item_failures=True)
        )
