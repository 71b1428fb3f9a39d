"""The audit trail's feed: the main table's stream into the audit function, one batch at a
time per shard (so each subject's changes arrive in order), with what keeps failing kept
in a dead-letter queue instead of blocking the stream or being lost silently."""

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constants import AUDIT_BATCH_SIZE, AUDIT_BATCHING_SECONDS, AUDIT_RETRIES
from infra.constructs.nag import acknowledge
from shared.stages.audit import AUDITED_SUBJECTS


class AuditFeed(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.ITableV2,
        audit: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letters = sqs.Queue(
            self,
            "AuditDlq",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        acknowledge(
            self.dead_letters,
            "AwsSolutions-SQS3",
            "This queue is the dead-letter destination itself: the stream's event source "
            "mapping sends it the batches the audit function failed on (on_failure); "
            "nothing consumes it but ops.",
        )
        audit.add_event_source(
            sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=AUDIT_BATCH_SIZE,
                # A few seconds' changes per invocation: a case's burst of writes is one call.
                max_batching_window=Duration.seconds(AUDIT_BATCHING_SECONDS),
                parallelization_factor=1,  # per shard in order: a subject's trail stays ordered
                report_batch_item_failures=True,
                retry_attempts=AUDIT_RETRIES,
                bisect_batch_on_error=False,
                on_failure=sources.SqsDlq(self.dead_letters),
                filters=[
                    lambda_.FilterCriteria.filter(
                        {
                            "dynamodb": {
                                "Keys": {"PK": {"S": [{"prefix": p} for p in AUDITED_SUBJECTS]}}
                            }
                        }
                    )
                ],
            )
        )
