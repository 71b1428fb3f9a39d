"""Who may do what: every grant between functions, data, documents and the workflow.

Kept in one place so the whole IAM surface reads top to bottom. Each function has its own
role (infra/constructs/functions.py); the grants below are the only permissions it gets
besides writing its own log group and X-Ray traces.
"""

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from infra import constants as c
from infra.constructs.data import Data
from infra.constructs.documents import Documents
from infra.constructs.functions import Functions
from infra.constructs.nag import acknowledge, arn_finding
from infra.constructs.workflow import Workflow

# Functions that read one record of a case and write none (granted below, not read-write).
_READS_ONE_CASE_RECORD = frozenset({"stats"})


def grant_least_privilege(
    functions: Functions,
    data: Data,
    documents: Documents,
    workflow: Workflow,
    bundle_workflow: Workflow,
) -> None:
    for key, function in functions.functions.items():
        if "TABLE_NAME" not in c.FUNCTION_ENV[key] or key in _READS_ONE_CASE_RECORD:
            continue  # the sign-up trigger touches no case (Identity grants its one action)
        # Every stage reads and updates the case; GSI1 serves inboxes and listings.
        data.table.grant_read_write_data(function)
        acknowledge(
            functions.roles[key],
            arn_finding(data.table, "/index/*"),
            "Queries on the main table's GSI1 (department inboxes, an applicant's cases) "
            "need the index ARNs, which IAM names only as <table ARN>/index/*.",
        )

    api = functions["api"]
    data.idempotency_table.grant_read_write_data(api)
    # Parties, supervisors and ops read the audit trail; only the audit function adds to it,
    # and nothing may change or remove what is there (no UpdateItem, no DeleteItem).
    data.audit_table.grant_read_data(api)
    acknowledge(
        functions.roles["api"],
        arn_finding(data.audit_table, "/index/*"),
        "An actor's audit records are read from the audit table's GSI1, which IAM names "
        "only as <table ARN>/index/*.",
    )
    iam.Grant.add_to_principal(
        grantee=functions["audit"],
        actions=["dynamodb:PutItem", "dynamodb:Query", "dynamodb:GetItem"],
        resource_arns=[data.audit_table.table_arn],
    )
    # The published figures: only the stats function counts (its transactions put the
    # event's record and add to the counters); it reads a case's header for its clock. The
    # API reads the counters for everyone.
    iam.Grant.add_to_principal(
        grantee=functions["stats"],
        actions=["dynamodb:PutItem", "dynamodb:UpdateItem"],
        resource_arns=[data.stats_table.table_arn],
    )
    iam.Grant.add_to_principal(
        grantee=functions["stats"],
        actions=["dynamodb:GetItem"],
        resource_arns=[data.table.table_arn],
    )
    iam.Grant.add_to_principal(
        grantee=api, actions=["dynamodb:Query"], resource_arns=[data.stats_table.table_arn]
    )
    # The api function signs presigned POSTs (the browser uploads with its authority),
    # presigned GETs of materials for the reviewing departments, and of issued results; on
    # submit it reads each material's size and type (HeadObject) for acceptance.
    # GetObjectVersion: reviewers' links name the version that was submitted.
    _grant_objects(
        functions,
        "api",
        documents.bucket,
        ["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion"],
        c.UPLOADS_PREFIX,
    )
    _grant_objects(functions, "api", documents.bucket, "s3:GetObject", c.DOCUMENTS_PREFIX)
    # HeadObject on a material that was never uploaded must be a 404 (the case goes on to be
    # returned for supplement), not a 403 (the submit fails): S3 answers 404 only with
    # ListBucket.
    iam.Grant.add_to_principal(
        grantee=api, actions=["s3:ListBucket"], resource_arns=[documents.bucket.bucket_arn]
    )
    workflow.state_machine.grant_start_execution(api)
    # A bundle filing's submit starts the bundle machine (which starts the members' cases).
    bundle_workflow.state_machine.grant_start_execution(api)
    # Resubmissions and department decisions answer the workflow's task tokens.
    workflow.state_machine.grant_task_response(api)

    # 帮办代办: the API texts the applicant the code that confirms an agent's filing. SNS
    # names no resource for a phone number, so Publish is allowed on "*" and refused on
    # every topic: the API texts people and publishes nowhere else.
    api_role = functions.roles["api"]
    api_role.add_to_principal_policy(iam.PolicyStatement(actions=["sns:Publish"], resources=["*"]))
    api_role.add_to_principal_policy(
        iam.PolicyStatement(
            effect=iam.Effect.DENY,
            actions=["sns:Publish"],
            resources=[Stack.of(functions).format_arn(service="sns", resource="*")],
        )
    )
    acknowledge(
        api_role,
        "AwsSolutions-IAM5[Resource::*]",
        "X-Ray's trace actions and SNS Publish to a phone number (a confirmation code) name "
        "no resource; a Deny in the same policy refuses Publish on every topic.",
    )

    # The commitment wait answers its own token when the committed materials came in just
    # before it began (shared/stages/supplement.py). A policy of its own, not the role's
    # default one: the state machine names this function, so the function must not wait
    # for a policy that names the state machine.
    iam.Policy(
        functions,
        "SupplementAnswersItsWait",
        roles=[functions.roles["supplement"]],
        statements=[
            iam.PolicyStatement(
                actions=["states:SendTaskSuccess"],
                resources=[workflow.state_machine.state_machine_arn],
            )
        ],
    )

    # A retried issuance looks for the document it may have written already (HeadObject is
    # s3:GetObject; ListBucket makes a missing one a 404, not a 403).
    _grant_objects(
        functions,
        "issuance",
        documents.bucket,
        ["s3:PutObject", "s3:GetObject"],
        c.DOCUMENTS_PREFIX,
    )
    iam.Grant.add_to_principal(
        grantee=functions["issuance"],
        actions=["s3:ListBucket"],
        resource_arns=[documents.bucket.bucket_arn],
    )


def _grant_objects(
    functions: Functions, key: str, bucket: s3.IBucket, action: str | list[str], prefix: str
) -> None:
    """One object action under one key prefix.

    Bucket.grant_read/grant_put would add s3:GetBucket*, s3:List*, s3:Abort*, legal hold and
    retention actions that no function here uses.
    """
    iam.Grant.add_to_principal(
        grantee=functions[key],
        actions=[action] if isinstance(action, str) else action,
        resource_arns=[bucket.arn_for_objects(f"{prefix}*")],
    )
    acknowledge(
        functions.roles[key],
        arn_finding(bucket, f"/{prefix}*"),
        f"Object keys are per application under {prefix} (one key per material or "
        "result), so the grant names the prefix; the action is a single object action.",
    )
