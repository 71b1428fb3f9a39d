"""DynamoDB: the single table and the idempotency table."""

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


def test_stack_has_exactly_the_two_tables(synth):
    # Given the stack; When counting tables; Then there are the main and idempotency tables
    keys = sorted(
        table["Properties"]["KeySchema"][0]["AttributeName"]
        for table in synth.of_type("AWS::DynamoDB::GlobalTable").values()
    )
    assert keys == sorted([c.TABLE_PK, c.IDEMPOTENCY_PK])
    assert not synth.of_type("AWS::DynamoDB::Table")
