"""IAM: each function gets what its stage needs, and nothing another stage needs."""

import json

import pytest

from infra import constants as c
from tests.infrastructure.conftest import as_list, statements_allowing

TABLE_WRITE = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:GetItem"}


def _object_prefixes(statements, action):
    """Key prefixes (uploads/, documents/) the statements allow `action` on."""
    prefixes = set()
    for statement in statements_allowing(statements, action):
        for resource in as_list(statement["Resource"]):
            parts = resource["Fn::Join"][1]
            prefixes.add(parts[-1].removeprefix("/"))
    return prefixes


@pytest.mark.parametrize(
    "key", [k for k in c.FUNCTIONS if "TABLE_NAME" in c.FUNCTION_ENV[k] and k != "stats"]
)
def test_every_function_reads_and_writes_the_main_table(synth, key):
    # Given any function given the table; When we read its role's policy
    # Then it may use the main table
    assert synth.function_actions(key) >= TABLE_WRITE


def test_the_sign_up_trigger_may_only_add_users_to_groups_of_its_pool(synth):
    # Given the post-confirmation trigger (functions/signup)
    statements = synth.function_statements("signup")
    (pool,) = synth.of_type("AWS::Cognito::UserPool")
    # When we read its role's policies (logs and X-Ray aside)
    granted = [
        s
        for s in statements
        if not any(a.startswith(("logs:", "xray:")) for a in as_list(s["Action"]))
    ]
    # Then it may add users to groups of this pool, named without a wildcard, and no more
    assert granted == [
        {
            "Action": "cognito-idp:AdminAddUserToGroup",
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [pool, "Arn"]},
        }
    ]


def test_api_starts_executions_and_answers_task_tokens(synth):
    # Given the api function, which submits cases and records decisions
    actions = synth.function_actions("api")
    # Then it may start the state machine and answer its task tokens
    assert {"states:StartExecution", "states:SendTaskSuccess", "states:SendTaskFailure"} <= actions
    machine, _ = synth.state_machine()
    bundle_machine, _ = synth.state_machine("BundleWorkflow")
    statements = synth.function_statements("api")

    def resources(action: str) -> list[dict[str, str]]:
        return [r for s in statements_allowing(statements, action) for r in as_list(s["Resource"])]

    # A bundle filing's submit starts the bundle machine; only cases wait on tokens
    assert sorted(resources("states:StartExecution"), key=str) == sorted(
        [{"Ref": machine}, {"Ref": bundle_machine}], key=str
    )
    assert resources("states:SendTaskSuccess") == [{"Ref": machine}]


def test_api_uses_the_idempotency_table(synth):
    # Given the api function and the idempotency table
    tables = synth.of_type("AWS::DynamoDB::GlobalTable")
    idempotency = next(k for k, t in tables.items() if "TimeToLiveSpecification" in t["Properties"])
    statements = synth.function_statements("api")
    # Then it may write idempotency records
    resources = [
        r
        for s in statements_allowing(statements, "dynamodb:PutItem")
        for r in as_list(s["Resource"])
    ]
    assert {"Fn::GetAtt": [idempotency, "Arn"]} in resources


def test_api_signs_uploads_and_downloads_only(synth):
    # Given the api function, which signs presigned POSTs (uploads) and GETs (materials for
    # the reviewing departments, issued results) and looks at each upload on submit
    statements = synth.function_statements("api")
    # Then it may put under uploads/ and get under uploads/ and documents/, nothing broader
    assert _object_prefixes(statements, "s3:PutObject") == {f"{c.UPLOADS_PREFIX}*"}
    assert _object_prefixes(statements, "s3:GetObject") == {
        f"{c.UPLOADS_PREFIX}*",
        f"{c.DOCUMENTS_PREFIX}*",
    }
    # And sign links to the exact version of a material that was submitted
    assert _object_prefixes(statements, "s3:GetObjectVersion") == {f"{c.UPLOADS_PREFIX}*"}
    # And list the bucket, so a material never uploaded is a 404, not a 403
    assert "s3:ListBucket" in synth.function_actions("api")
    assert not statements_allowing(statements, "s3:DeleteObject")


def test_acceptance_decides_from_the_case_alone(synth):
    # Given the acceptance function, which judges what submit recorded of each upload
    actions = synth.function_actions("acceptance")
    # Then it has no S3 or Step Functions permissions at all
    assert not any(a.startswith(("s3:", "states:")) for a in actions)


def test_issuance_writes_results_but_cannot_read_uploads(synth):
    # Given the issuance function, which writes the certificate or rejection notice
    statements = synth.function_statements("issuance")
    # Then it may put under documents/ only, and read only there (a retry looks for the
    # document it may have written): never an upload
    assert _object_prefixes(statements, "s3:PutObject") == {f"{c.DOCUMENTS_PREFIX}*"}
    assert _object_prefixes(statements, "s3:GetObject") == {f"{c.DOCUMENTS_PREFIX}*"}


def test_the_waits_of_acceptance_may_answer_a_token_and_nothing_else_of_the_workflow(synth):
    # Given the supplement function, which also keeps the commitment wait (容缺): it answers
    # its own token when the materials came in just before the wait began
    actions = synth.function_actions("supplement")
    # Then its only Step Functions action is SendTaskSuccess, and it touches no S3
    assert {a for a in actions if a.startswith("states:")} == {"states:SendTaskSuccess"}
    assert not any(a.startswith("s3:") for a in actions)


@pytest.mark.parametrize(
    "key", ["approval", "delivery", "feedback", "failure", "deadlines", "reconcile"]
)
def test_other_stages_have_no_s3_or_workflow_access(synth, key):
    # Given a stage that only touches the case record
    actions = synth.function_actions(key)
    # Then it has no S3 or Step Functions permissions
    assert not any(a.startswith(("s3:", "states:")) for a in actions)


@pytest.mark.parametrize("key", list(c.FUNCTIONS))
def test_wildcard_resources_are_only_for_xray_and_texts(synth, key):
    # Given a function role; When a statement allows Resource "*"
    # Then it is X-Ray tracing (no resource-level permissions), or the API's SNS Publish
    # of a text message to a phone number (which has no ARN)
    for statement in synth.function_statements(key):
        if statement.get("Effect", "Allow") == "Allow" and "*" in as_list(statement["Resource"]):
            texts = {"sns:Publish"} if key == "api" else set()
            actions = set(as_list(statement["Action"])) - texts
            assert all(a.startswith("xray:") for a in actions), actions


def test_the_api_texts_phones_but_publishes_to_no_topic(synth):
    # Given the API's statements on SNS
    statements = [
        s for s in synth.function_statements("api") if "sns:Publish" in as_list(s["Action"])
    ]
    # Then Publish is allowed (on "*": a phone number has no ARN), and denied on every
    # topic of the account and region
    denied = [s for s in statements if s["Effect"] == "Deny"]
    assert len(statements) == 2 and len(denied) == 1
    assert ":sns:" in json.dumps(denied[0]["Resource"])
    # And no other function may publish at all
    for key in c.FUNCTIONS:
        if key != "api":
            actions = synth.function_actions(key)
            assert not any(a.startswith("sns:") for a in actions), key


@pytest.mark.parametrize("key", list(c.FUNCTIONS))
def test_no_action_wildcards_beyond_the_table_grant(synth, key):
    # Given a function role; Then any wildcard action is a DynamoDB read/write family
    # from grant_read_write_data (e.g. dynamodb:BatchGet*), never s3:* or states:*
    for statement in synth.function_statements(key):
        for action in as_list(statement["Action"]):
            if "*" in action:
                assert action.startswith("dynamodb:"), action


def _table_id(synth, name):
    tables = synth.of_type("AWS::DynamoDB::GlobalTable")
    (found,) = [key for key in tables if key.startswith(f"Data{name}")]
    return found


def _audit_table_id(synth):
    return _table_id(synth, "AuditTable")


def _actions_on(statements, resource):
    return {
        action
        for s in statements
        if resource in as_list(s["Resource"])
        for action in as_list(s["Action"])
    }


def test_only_the_stats_function_counts_and_it_reads_one_case_record(synth):
    stats_table = {"Fn::GetAtt": [_table_id(synth, "StatsTable"), "Arn"]}
    main_table = {"Fn::GetAtt": [_table_id(synth, "MainTable"), "Arn"]}
    # The stats function: its transactions' puts and adds on the stats table; of the main
    # table, GetItem (a case's clock) and the stream; nothing else
    statements = synth.function_statements("stats")
    assert _actions_on(statements, stats_table) == {"dynamodb:PutItem", "dynamodb:UpdateItem"}
    assert _actions_on(statements, main_table) == {"dynamodb:GetItem"}
    assert "dynamodb:GetRecords" in synth.function_actions("stats")
    # The API reads the counters; no other function touches them
    assert _actions_on(synth.function_statements("api"), stats_table) == {"dynamodb:Query"}
    for key in c.FUNCTIONS:
        if key not in ("stats", "api"):
            assert not _actions_on(synth.function_statements(key), stats_table), key


def test_only_the_audit_function_adds_to_the_audit_trail_and_nothing_changes_it(synth):
    audit_table = {"Fn::GetAtt": [_audit_table_id(synth), "Arn"]}
    # The audit function: add, read its trail's last record; no update, no delete, and no
    # access to the main table but its stream
    statements = synth.function_statements("audit")
    on_audit = {
        action
        for s in statements
        if audit_table in as_list(s["Resource"])
        for action in as_list(s["Action"])
    }
    assert on_audit == {"dynamodb:PutItem", "dynamodb:Query", "dynamodb:GetItem"}
    actions = synth.function_actions("audit")
    assert not actions & {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
    assert "dynamodb:GetRecords" in actions  # the stream, granted by the event source
    # Every other function: never a write on the audit table
    for key in c.FUNCTIONS:
        if key == "audit":
            continue
        for statement in synth.function_statements(key):
            if audit_table in as_list(statement["Resource"]):
                written = {
                    a
                    for a in as_list(statement["Action"])
                    if "Put" in a or "Update" in a or "Delete" in a or "Write" in a
                }
                assert not written, (key, written)
