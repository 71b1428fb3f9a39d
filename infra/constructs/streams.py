"""The main table's stream and its two consumers: the audit trail (every change of the
audited records) and the published figures (case headers and reviews). Each reads one
batch at a time per shard, so a case's changes arrive in order; what keeps failing is
kept in that consumer's dead-letter queue instead of blocking the stream or being lost.
Lambda's filter drops the records a consumer does not read before it is invoked (and
billed); the local feed (infra/local/stream_feed.py) filters with the same data."""

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constants import STREAM_BATCH_SIZE, STREAM_BATCHING_SECONDS, STREAM_RETRIES
from infra.constructs.nag import acknowledge
from shared.stages.stream import KeyPrefixes


def _key_filter(prefixes: KeyPrefixes) -> dict[str, object]:
    """A filter on the record's keys: each named key starts with one of its prefixes."""
    keys = {name: {"S": [{"prefix": p} for p in starts]} for name, starts in prefixes.items()}
    return {"dynamodb": {"Keys": keys}}


class StreamConsumer(Construct):
    """One function reading the table's stream, in order per shard, with a dead-letter
    queue for the batches it failed on."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.ITableV2,
        function: lambda_.IFunction,
        keys: KeyPrefixes,
        dead_letter_id: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letters = sqs.Queue(
            self,
            dead_letter_id,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        acknowledge(
            self.dead_letters,
            "AwsSolutions-SQS3",
            "This queue is the dead-letter destination itself: the stream's event source "
            "mapping sends it the batches the function failed on (on_failure); nothing "
            "consumes it but ops.",
        )
        function.add_event_source(
            sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=STREAM_BATCH_SIZE,
                # A few seconds' changes per invocation: a case's burst of writes is one call.
                max_batching_window=Duration.seconds(STREAM_BATCHING_SECONDS),
                parallelization_factor=1,  # per shard in order: a case's changes stay ordered
                report_batch_item_failures=True,
                retry_attempts=STREAM_RETRIES,
                bisect_batch_on_error=False,
                on_failure=sources.SqsDlq(self.dead_letters),
                filters=[lambda_.FilterCriteria.filter(_key_filter(keys))],
            )
        )
