"""DynamoDB: the single table (with its stream), the audit table and the idempotency table."""

import json

from aws_cdk.assertions import Match

from infra import constants as c


def test_main_table_has_single_table_keys_and_two_indexes_of_summaries(synth):
    # Given the synthesized stack
    # When we look for the main table
    # Then it is keyed PK/SK with GSI1 (owners, inboxes, tickets) and GSI2 (by status and
    # due time), each projecting only the summary its pages show, never whole records
    synth.template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [
                {"AttributeName": c.TABLE_PK, "KeyType": "HASH"},
                {"AttributeName": c.TABLE_SK, "KeyType": "RANGE"},
            ],
            "AttributeDefinitions": Match.array_with(
                [
                    {"AttributeName": name, "AttributeType": "S"}
                    for name in (c.TABLE_PK, c.TABLE_SK, c.GSI1_PK, c.GSI1_SK, c.GSI2_PK, c.GSI2_SK)
                ]
            ),
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": index,
                    "KeySchema": [
                        {"AttributeName": pk, "KeyType": "HASH"},
                        {"AttributeName": sk, "KeyType": "RANGE"},
                    ],
                    "Projection": {
                        "ProjectionType": "INCLUDE",
                        "NonKeyAttributes": [c.SUMMARY_ATTRIBUTE],
                    },
                }
                for index, (pk, sk) in (
                    (c.GSI1, (c.GSI1_PK, c.GSI1_SK)),
                    (c.GSI2, (c.GSI2_PK, c.GSI2_SK)),
                )
            ],
        },
    )


def test_main_table_is_on_demand_encrypted_recoverable_and_never_deleted(synth):
    # Given the main table
    # When it is synthesized
    # Then it bills on demand, is KMS-encrypted, has PITR and deletion protection, and
    # CloudFormation retains it if the stack goes away
    synth.template.has_resource(
        "AWS::DynamoDB::GlobalTable",
        {
            "Properties": Match.object_like(
                {
                    "KeySchema": Match.array_with(
                        [{"AttributeName": c.TABLE_PK, "KeyType": "HASH"}]
                    ),
                    "BillingMode": "PAY_PER_REQUEST",
                    "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS"},
                    "Replicas": [
                        Match.object_like(
                            {
                                "DeletionProtectionEnabled": True,
                                "PointInTimeRecoverySpecification": {
                                    "PointInTimeRecoveryEnabled": True
                                },
                            }
                        )
                    ],
                }
            ),
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )


def test_idempotency_table_expires_records_and_has_pitr(synth):
    # Given the idempotency table Powertools writes to
    # When it is synthesized
    # Then it is keyed by `id`, expires records on `expiration`, bills on demand, has PITR
    synth.template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": c.IDEMPOTENCY_PK, "KeyType": "HASH"}],
            "TimeToLiveSpecification": {"AttributeName": c.IDEMPOTENCY_TTL, "Enabled": True},
            "BillingMode": "PAY_PER_REQUEST",
            "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS"},
            "Replicas": [
                Match.object_like(
                    {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}}
                )
            ],
        },
    )


def test_stack_has_exactly_the_four_tables(synth):
    # Given the stack; When counting tables; Then there are the main, audit, stats and
    # idempotency tables
    keys = sorted(
        table["Properties"]["KeySchema"][0]["AttributeName"]
        for table in synth.of_type("AWS::DynamoDB::GlobalTable").values()
    )
    assert keys == sorted([c.TABLE_PK, c.TABLE_PK, c.TABLE_PK, c.IDEMPOTENCY_PK])
    assert not synth.of_type("AWS::DynamoDB::Table")


def table_named(synth, name):
    """The table whose construct id is `name` (under Data): its logical id starts so."""
    (table,) = [
        t
        for key, t in synth.of_type("AWS::DynamoDB::GlobalTable").items()
        if key.startswith(f"Data{name}")
    ]
    return table


def _audit_table(synth):
    return table_named(synth, "AuditTable")


def _stream_mapping(synth, function):
    (props,) = [
        m["Properties"]
        for m in synth.of_type("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": synth.function(function)[0]}
    ]
    return props


def test_the_main_table_streams_old_and_new_images_to_the_audit_function(synth):
    synth.template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "GlobalSecondaryIndexes": Match.array_with([Match.object_like({"IndexName": c.GSI2})]),
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
        },
    )
    props = _stream_mapping(synth, "audit")
    assert props["StartingPosition"] == "TRIM_HORIZON"
    assert props["ParallelizationFactor"] == 1  # each case's changes in order
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["MaximumRetryAttempts"] == c.STREAM_RETRIES
    assert "OnFailure" in props["DestinationConfig"]
    patterns = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
    prefixes = [p["prefix"] for p in patterns[0]["dynamodb"]["Keys"]["PK"]["S"]]
    assert prefixes == ["APP#", "USER#", "APPLICANT#", "TICKET#"]


def test_the_audit_table_is_kept_protected_and_indexed_by_actor(synth):
    table = _audit_table(synth)
    assert table["DeletionPolicy"] == "Retain"
    replica = table["Properties"]["Replicas"][0]
    assert replica["DeletionProtectionEnabled"] is True
    assert replica["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    (index,) = table["Properties"]["GlobalSecondaryIndexes"]
    assert index["IndexName"] == c.GSI1
    assert index["Projection"] == {"ProjectionType": "ALL"}


def test_the_stats_function_reads_only_case_headers_and_reviews_of_the_stream(synth):
    # Given the stream's second consumer, the published figures
    props = _stream_mapping(synth, "stats")
    # Then it reads in order per shard, reports the record it failed on, keeps what keeps
    # failing in its own dead-letter queue, and Lambda filters out every other record
    assert props["ParallelizationFactor"] == 1
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["MaximumRetryAttempts"] == c.STREAM_RETRIES
    assert "OnFailure" in props["DestinationConfig"]
    (pattern,) = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
    keys = pattern["dynamodb"]["Keys"]
    assert [p["prefix"] for p in keys["PK"]["S"]] == ["APP#"]
    assert [p["prefix"] for p in keys["SK"]["S"]] == ["HEADER", "REVIEW#"]


def test_the_stats_table_is_kept_and_forgets_tallied_events_by_ttl(synth):
    table = table_named(synth, "StatsTable")
    assert table["DeletionPolicy"] == "Retain"
    assert table["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": c.STATS_TTL,
        "Enabled": True,
    }
    replica = table["Properties"]["Replicas"][0]
    assert replica["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert "GlobalSecondaryIndexes" not in table["Properties"]  # one query per page
