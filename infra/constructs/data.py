"""DynamoDB: the single table of cases, tasks and timelines (its stream feeds the audit
trail and the published figures), the audit table, the stats table, and the idempotency
table."""

from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from infra import constants as c

_STRING = dynamodb.AttributeType.STRING
_PITR = dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True)
# What every table here has: on demand, encrypted, recoverable to the second.
_EVERY_TABLE: dict[str, Any] = {
    "billing": dynamodb.Billing.on_demand(),
    "encryption": dynamodb.TableEncryptionV2.aws_managed_key(),
    "point_in_time_recovery_specification": _PITR,
}
# A table of public records (the cases, the audit trail): never deleted with the stack.
_KEPT_FOR_GOOD: dict[str, Any] = {
    **_EVERY_TABLE,
    "deletion_protection": True,
    "removal_policy": RemovalPolicy.RETAIN,
}


class Data(Construct):
    """The main table (PK/SK, GSI1 and GSI2, a stream of old and new images), the audit
    table (PK/SK, GSI1 by actor) and the Powertools idempotency table."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.table = self._build_main_table()
        self.idempotency_table = self._build_idempotency_table()
        self.audit_table = self._build_audit_table()
        self.stats_table = self._build_stats_table()

    def _build_main_table(self) -> dynamodb.TableV2:
        # Cases are public records of administrative acts: never delete them with the stack.
        return dynamodb.TableV2(
            self,
            "MainTable",
            partition_key=dynamodb.Attribute(name=c.TABLE_PK, type=_STRING),
            sort_key=dynamodb.Attribute(name=c.TABLE_SK, type=_STRING),
            # Each index projects the one `summary` attribute its pages show, never the
            # whole record: writes to a record stay cheap however large its document.
            global_secondary_indexes=[
                dynamodb.GlobalSecondaryIndexPropsV2(
                    index_name=index,
                    partition_key=dynamodb.Attribute(name=pk, type=_STRING),
                    sort_key=dynamodb.Attribute(name=sk, type=_STRING),
                    projection_type=dynamodb.ProjectionType.INCLUDE,
                    non_key_attributes=[c.SUMMARY_ATTRIBUTE],
                )
                for index, (pk, sk) in c.INDEX_KEYS.items()
            ],
            # Who changed what, before and after: the audit function reads every change.
            dynamo_stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            **_KEPT_FOR_GOOD,
        )

    def _build_audit_table(self) -> dynamodb.TableV2:
        # The audit trail outlives everything it records: retained, protected, and written
        # only by the audit function, which may add items and nothing else.
        pk, sk = c.INDEX_KEYS[c.GSI1]
        return dynamodb.TableV2(
            self,
            "AuditTable",
            partition_key=dynamodb.Attribute(name=c.TABLE_PK, type=_STRING),
            sort_key=dynamodb.Attribute(name=c.TABLE_SK, type=_STRING),
            global_secondary_indexes=[
                dynamodb.GlobalSecondaryIndexPropsV2(
                    index_name=c.GSI1,
                    partition_key=dynamodb.Attribute(name=pk, type=_STRING),
                    sort_key=dynamodb.Attribute(name=sk, type=_STRING),
                    projection_type=dynamodb.ProjectionType.ALL,
                )
            ],
            **_KEPT_FOR_GOOD,
        )

    def _build_stats_table(self) -> dynamodb.TableV2:
        # The published figures: counters that only the stream's changes can rebuild, so
        # kept like the records they count; the events already tallied expire (TTL).
        return dynamodb.TableV2(
            self,
            "StatsTable",
            partition_key=dynamodb.Attribute(name=c.TABLE_PK, type=_STRING),
            sort_key=dynamodb.Attribute(name=c.TABLE_SK, type=_STRING),
            time_to_live_attribute=c.STATS_TTL,
            **_KEPT_FOR_GOOD,
        )

    def _build_idempotency_table(self) -> dynamodb.TableV2:
        # Records live for the idempotency window only (TTL), so losing the table with the
        # stack loses nothing that matters; PITR still guards against a bad bulk write.
        return dynamodb.TableV2(
            self,
            "IdempotencyTable",
            partition_key=dynamodb.Attribute(name=c.IDEMPOTENCY_PK, type=_STRING),
            time_to_live_attribute=c.IDEMPOTENCY_TTL,
            **_EVERY_TABLE,
            removal_policy=RemovalPolicy.DESTROY,
        )
