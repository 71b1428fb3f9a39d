"""Creates the whole system on an embedded AWS (moto), from the definitions CDK deploys:
the same table keys and index, the same bucket layout, the same Cognito groups, one Lambda
per entry of infra/constants.FUNCTIONS with the handler and environment CDK gives it, and
the state machine from the very ASL file CDK deploys, with the same substitutions.
"""

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from infra import constants as c
from shared.adapters.repository import DynamoRepository
from shared.catalog import load_bundles, load_catalog
from shared.names import department_group, department_lead_group
from shared.services.catalog_import import import_catalog

INFRA_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class LocalNames:
    table: str = "onewindow-local"
    idempotency_table: str = "onewindow-local-idempotency"
    audit_table: str = "onewindow-local-audit"
    stats_table: str = "onewindow-local-stats"
    bucket: str = "onewindow-local-documents"
    state_machine: str = "onewindow-local-application"
    bundle_state_machine: str = "onewindow-local-bundle"
    unsettled_queue: str = "onewindow-local-unsettled-executions"
    user_pool: str = "onewindow-local"


def state_machine_definition(function_arns: dict[str, str]) -> str:
    """The ASL CDK deploys, with the same ${...} substitutions filled in."""
    text = (INFRA_DIR / c.ASL_FILE).read_text()
    for key in c.ASL_FUNCTIONS:
        text = text.replace("${" + c.asl_substitution_key(key) + "}", function_arns[key])
    return text


def bundle_machine_definition(function_arns: dict[str, str], application_machine: str) -> str:
    """The bundle machine's ASL, as CDK fills it in."""
    text = (INFRA_DIR / c.BUNDLE_ASL_FILE).read_text()
    for key in c.BUNDLE_ASL_FUNCTIONS:
        text = text.replace("${" + c.asl_substitution_key(key) + "}", function_arns[key])
    return text.replace("${" + c.APPLICATION_MACHINE_SUBSTITUTION + "}", application_machine)


def function_environment(key: str, resources: dict[str, str]) -> dict[str, str]:
    env = dict(c.runtime_environment(key))
    for name in c.FUNCTION_ENV[key]:
        env[name] = resources.get(name) or c.SETTING_DEFAULTS[name]
    return env


def environment_from_outputs(key: str, outputs: dict[str, str]) -> dict[str, str]:
    """A function's variables, from the outputs `provision` returned."""
    return function_environment(
        key,
        {
            "TABLE_NAME": outputs["TableName"],
            "IDEMPOTENCY_TABLE_NAME": outputs["IdempotencyTableName"],
            "AUDIT_TABLE_NAME": outputs["AuditTableName"],
            "STATS_TABLE_NAME": outputs["StatsTableName"],
            "DOCUMENTS_BUCKET": outputs["DocumentsBucketName"],
            "STATE_MACHINE_ARN": outputs["StateMachineArn"],
            "BUNDLE_STATE_MACHINE_ARN": outputs["BundleStateMachineArn"],
        },
    )


def _create_tables(names: LocalNames) -> None:
    ddb = boto3.client("dynamodb")
    ddb.create_table(
        TableName=names.table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": a, "AttributeType": "S"}
            for a in (c.TABLE_PK, c.TABLE_SK, c.GSI1_PK, c.GSI1_SK, c.GSI2_PK, c.GSI2_SK)
        ],
        KeySchema=[
            {"AttributeName": c.TABLE_PK, "KeyType": "HASH"},
            {"AttributeName": c.TABLE_SK, "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
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
            for index, (pk, sk) in c.INDEX_KEYS.items()
        ],
        # As Data: the audit and stats functions read the changes (infra/local/stream_feed.py).
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    pk, sk = c.INDEX_KEYS[c.GSI1]
    ddb.create_table(
        TableName=names.audit_table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": a, "AttributeType": "S"} for a in (c.TABLE_PK, c.TABLE_SK, pk, sk)
        ],
        KeySchema=[
            {"AttributeName": c.TABLE_PK, "KeyType": "HASH"},
            {"AttributeName": c.TABLE_SK, "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": c.GSI1,
                "KeySchema": [
                    {"AttributeName": pk, "KeyType": "HASH"},
                    {"AttributeName": sk, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    ddb.create_table(
        TableName=names.stats_table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": a, "AttributeType": "S"} for a in (c.TABLE_PK, c.TABLE_SK)
        ],
        KeySchema=[
            {"AttributeName": c.TABLE_PK, "KeyType": "HASH"},
            {"AttributeName": c.TABLE_SK, "KeyType": "RANGE"},
        ],
    )
    ddb.update_time_to_live(
        TableName=names.stats_table,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": c.STATS_TTL},
    )
    ddb.create_table(
        TableName=names.idempotency_table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": c.IDEMPOTENCY_PK, "AttributeType": "S"}],
        KeySchema=[{"AttributeName": c.IDEMPOTENCY_PK, "KeyType": "HASH"}],
    )


def _create_bucket(names: LocalNames, region: str) -> None:
    s3 = boto3.client("s3")
    kwargs: dict[str, Any] = {"Bucket": names.bucket}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**kwargs)
    s3.put_bucket_versioning(Bucket=names.bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_cors(
        Bucket=names.bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedMethods": ["GET", "POST", "PUT"],
                    "AllowedOrigins": ["*"],
                    "AllowedHeaders": ["*"],
                }
            ]
        },
    )


def _create_identity(
    names: LocalNames, departments: list[str], sign_up_trigger: str
) -> tuple[str, str]:
    idp = boto3.client("cognito-idp")
    pool = idp.create_user_pool(
        PoolName=names.user_pool,
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        # As Identity.add_sign_up_trigger; moto calls it through infra/local/moto_cognito.py.
        LambdaConfig={"PostConfirmation": sign_up_trigger},
        # The deployed pool's policy (infra/constructs/identity.py).
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
            }
        },
    )["UserPool"]
    groups = [
        c.GROUP_AGENT,
        c.GROUP_CITIZEN,
        c.GROUP_FOLLOWUP,
        c.GROUP_OPS,
        c.GROUP_SUPERVISOR,
        c.GROUP_WINDOW,
        *(department_group(d) for d in departments),
        *(department_lead_group(d) for d in departments),
    ]
    for group in groups:
        idp.create_group(GroupName=group, UserPoolId=pool["Id"])
    app_client = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="web",
        GenerateSecret=False,
        ExplicitAuthFlows=[
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ],
    )["UserPoolClient"]
    return pool["Id"], app_client["ClientId"]


def _create_functions(resources: dict[str, str]) -> dict[str, str]:
    lam = boto3.client("lambda")
    iam = boto3.client("iam")
    role = iam.create_role(
        RoleName="onewindow-local-lambda",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    # The code is never run from this zip: the local runtime imports the handler from the
    # checkout. moto still wants a package.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "OneWindow local function: runs from the checkout")
    arns = {}
    for key, spec in c.FUNCTIONS.items():
        arns[key] = lam.create_function(
            FunctionName=f"onewindow-local-{key}",
            Runtime=c.LAMBDA_RUNTIME,
            Role=role,
            Handler=f"functions.{key}.handler.handler",
            Code={"ZipFile": buffer.getvalue()},
            MemorySize=spec["memory"],
            Timeout=spec["timeout"],
            Architectures=["arm64"],
            Environment={"Variables": function_environment(key, resources)},
        )["FunctionArn"]
    return arns


def _create_watchers(names: LocalNames, machine_arn: str, reconcile_arn: str) -> str:
    """As infra/constructs/watchers.py: unsettled ends of the machine's executions go by an
    EventBridge rule to a queue (with its dead-letter queue) that the reconciler consumes.
    The sweep's schedule has no local twin: `make run` and the tests run it themselves."""
    sqs = boto3.client("sqs")
    dead = sqs.create_queue(QueueName=f"{names.unsettled_queue}-dlq")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])
    queue = sqs.create_queue(
        QueueName=names.unsettled_queue,
        Attributes={
            "VisibilityTimeout": str(6 * c.FUNCTIONS["reconcile"]["timeout"]),
            "RedrivePolicy": json.dumps(
                {
                    "deadLetterTargetArn": dead_arn["Attributes"]["QueueArn"],
                    "maxReceiveCount": str(c.RECONCILE_ATTEMPTS),
                }
            ),
        },
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
    arn = queue_arn["Attributes"]["QueueArn"]
    events = boto3.client("events")
    rule = "onewindow-local-unsettled-execution-ends"
    pattern = {
        "source": ["aws.states"],
        "detail-type": [c.EXECUTION_STATUS_CHANGE],
        "detail": {"status": sorted(c.UNSETTLED_ENDS), "stateMachineArn": [machine_arn]},
    }
    events.put_rule(Name=rule, EventPattern=json.dumps(pattern), State="ENABLED")
    events.put_targets(Rule=rule, Targets=[{"Id": "reconcile-queue", "Arn": arn}])
    boto3.client("lambda").create_event_source_mapping(
        EventSourceArn=arn,
        FunctionName=reconcile_arn,
        BatchSize=10,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    return queue


def provision(names: LocalNames | None = None, region: str = "us-east-1") -> dict[str, str]:
    """Creates everything and loads the catalog; returns the stack's outputs."""
    names = names or LocalNames()
    catalog = load_catalog()
    _create_tables(names)
    _create_bucket(names, region)
    account = boto3.client("sts").get_caller_identity()["Account"]
    machine_arn = f"arn:aws:states:{region}:{account}:stateMachine:{names.state_machine}"
    bundle_arn = f"arn:aws:states:{region}:{account}:stateMachine:{names.bundle_state_machine}"
    resources = {
        "TABLE_NAME": names.table,
        "IDEMPOTENCY_TABLE_NAME": names.idempotency_table,
        "AUDIT_TABLE_NAME": names.audit_table,
        "STATS_TABLE_NAME": names.stats_table,
        "DOCUMENTS_BUCKET": names.bucket,
        "STATE_MACHINE_ARN": machine_arn,
        "BUNDLE_STATE_MACHINE_ARN": bundle_arn,
    }
    arns = _create_functions(resources)
    departments = [d.code for d in catalog.departments]
    pool_id, client_id = _create_identity(names, departments, arns["signup"])
    machine = boto3.client("stepfunctions").create_state_machine(
        name=names.state_machine,
        definition=state_machine_definition(arns),
        roleArn=f"arn:aws:iam::{account}:role/onewindow-local-states",
        type="STANDARD",
    )["stateMachineArn"]
    assert machine == machine_arn, machine
    bundle_machine = boto3.client("stepfunctions").create_state_machine(
        name=names.bundle_state_machine,
        definition=bundle_machine_definition(arns, machine),
        roleArn=f"arn:aws:iam::{account}:role/onewindow-local-states",
        type="STANDARD",
    )["stateMachineArn"]
    assert bundle_machine == bundle_arn, bundle_machine
    queue = _create_watchers(names, machine, arns["reconcile"])
    import_catalog(catalog, DynamoRepository(names.table), bundles=load_bundles(catalog))
    return {
        "TableName": names.table,
        "IdempotencyTableName": names.idempotency_table,
        "AuditTableName": names.audit_table,
        "StatsTableName": names.stats_table,
        "DocumentsBucketName": names.bucket,
        "StateMachineArn": machine,
        "BundleStateMachineArn": bundle_machine,
        "UnsettledExecutionsQueueUrl": queue,
        "UserPoolId": pool_id,
        "UserPoolClientId": client_id,
        **{f"{k.capitalize()}FunctionArn": v for k, v in arns.items()},
    }
