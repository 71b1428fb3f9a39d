"""Step Functions: the deployed definitions are infra/statemachine/application.asl.json and
bundle.asl.json; the bundle machine may start, follow and stop the case machine's
executions and nothing else."""

import json

import pytest

from infra import constants as c
from infra.constructs.workflow import ASL_PATH, BUNDLE_ASL_PATH
from tests.infrastructure.conftest import as_list


def _machine(synth, prefix):
    ((logical_id, resource),) = (
        (k, v)
        for k, v in synth.of_type("AWS::StepFunctions::StateMachine").items()
        if k.startswith(prefix)
    )
    return logical_id, resource["Properties"]


@pytest.fixture(scope="module")
def machine(synth):
    return _machine(synth, "WorkflowStateMachine")


@pytest.fixture(scope="module")
def bundle_machine(synth):
    return _machine(synth, "BundleWorkflowStateMachine")


@pytest.fixture(scope="module")
def definition(synth, machine):
    """The definition as deployed: the file asset the template points at."""
    _, properties = machine
    key = properties["DefinitionS3Location"]["Key"]
    return json.loads((synth.assembly_dir / f"asset.{key}").read_text(encoding="utf-8"))


def test_standard_machine_with_full_logging_but_no_execution_data(machine):
    # Given the state machine; When synthesized
    # Then it is Standard, logs every event without payloads (they hold task tokens), traces
    _, properties = machine
    assert properties["StateMachineType"] == "STANDARD"
    assert properties["LoggingConfiguration"]["Level"] == "ALL"
    assert properties["LoggingConfiguration"]["IncludeExecutionData"] is False
    assert properties["TracingConfiguration"] == {"Enabled": True}


def test_deployed_definition_is_the_asl_file(definition):
    # Given the ASL file the local runtime also runs
    # When CDK stages it
    # Then the deployed definition is byte-for-byte that file's JSON
    assert definition == json.loads(ASL_PATH.read_text(encoding="utf-8"))


def test_definition_has_every_stage(definition):
    # Given the deployed definition; Then the 1+3+N stages are all there
    states = definition["States"]
    assert definition["StartAt"] == "Acceptance"
    for name in (
        "Acceptance",
        "AwaitSupplement",
        "ParallelReview",
        "Issuance",
        "Delivery",
        "Feedback",
        "RecordFailure",
    ):
        assert name in states
    assert states["AwaitSupplement"]["TimeoutSecondsPath"] == "$.supplementTimeoutSeconds"
    assert states["AwaitSupplement"]["Resource"].endswith("lambda:invoke.waitForTaskToken")
    assert states["ParallelReview"]["Type"] == "Map"
    review = states["ParallelReview"]["ItemProcessor"]["States"]["DepartmentReview"]
    assert review["Resource"].endswith("lambda:invoke.waitForTaskToken")


def test_every_task_retries_and_failures_are_recorded(definition):
    # Given every Lambda task, including the one inside the Map
    states = dict(definition["States"])
    states.update(definition["States"]["ParallelReview"]["ItemProcessor"]["States"])
    tasks = {name: s for name, s in states.items() if s["Type"] == "Task"}
    # Then each retries, and each outside the Map catches into RecordFailure
    for name, task in tasks.items():
        assert task["Retry"] and task["Retry"][0]["MaxAttempts"] >= 2, name
        if name not in ("RecordFailure", "DepartmentReview"):
            assert "RecordFailure" in [catch["Next"] for catch in task["Catch"]], name


def test_substitutions_name_each_stage_function(synth, machine):
    # Given the ${XxxFunctionArn} placeholders
    _, properties = machine
    substitutions = properties["DefinitionSubstitutions"]
    # Then each maps to the ARN of the function for that stage, and the api is not one
    assert set(substitutions) == {c.asl_substitution_key(k) for k in c.ASL_FUNCTIONS}
    for key in c.ASL_FUNCTIONS:
        logical_id, _ = synth.function(key)
        assert substitutions[c.asl_substitution_key(key)] == {"Fn::GetAtt": [logical_id, "Arn"]}


def test_placeholders_in_the_file_are_all_substituted():
    # Given the ASL file; When we list its ${...} placeholders
    text = ASL_PATH.read_text(encoding="utf-8")
    # Then each one is a stage function key CDK substitutes
    for key in c.ASL_FUNCTIONS:
        text = text.replace("${" + c.asl_substitution_key(key) + "}", "")
    assert "${" not in text


def test_machine_may_invoke_exactly_the_stage_functions(synth, machine):
    # Given the state machine's role
    _, properties = machine
    role = properties["RoleArn"]["Fn::GetAtt"][0]
    statements = synth.role_statements(role)
    # When we list what it may invoke
    invoked = {
        (r["Fn::GetAtt"][0] if "Fn::GetAtt" in r else r["Fn::Join"][1][0]["Fn::GetAtt"][0])
        for s in statements
        if "lambda:InvokeFunction" in as_list(s["Action"])
        for r in as_list(s["Resource"])
    }
    # Then it is every stage function and not the api function
    assert invoked == {synth.function(k)[0] for k in c.ASL_FUNCTIONS}
    assert synth.function("api")[0] not in invoked


def test_every_wait_is_bounded_and_the_execution_ends_within_a_year(definition):
    # Given the waits on task tokens
    states = definition["States"]
    review = states["ParallelReview"]["ItemProcessor"]["States"]["DepartmentReview"]
    # Then each has a timeout taken from the case, and the execution its own, under a year
    assert states["AwaitSupplement"]["TimeoutSecondsPath"] == "$.supplementTimeoutSeconds"
    assert review["TimeoutSecondsPath"] == "$.timeoutSeconds"
    assert 0 < definition["TimeoutSeconds"] < 365 * 24 * 3600
    # And the acceptance stage learns when the execution started, to keep waits within it
    payload = states["Acceptance"]["Parameters"]["Payload"]
    assert payload["executionStartedAt.$"] == "$$.Execution.StartTime"


def test_a_review_past_its_bound_fails_the_case_naming_the_reason(definition):
    # Given the department review inside the Map
    processor = definition["States"]["ParallelReview"]["ItemProcessor"]["States"]
    review = processor["DepartmentReview"]
    # Then only its timeout is caught, into a Fail state with its own error name, which the
    # Map's Catch hands to RecordFailure
    [catch] = review["Catch"]
    assert catch["ErrorEquals"] == ["States.Timeout"]
    bound = processor[catch["Next"]]
    assert bound == {**bound, "Type": "Fail", "Error": "ReviewBoundExpired"}
    map_catch = definition["States"]["ParallelReview"]["Catch"]
    assert [c["Next"] for c in map_catch] == ["RecordFailure"]


def test_unsettled_execution_ends_reach_the_reconciler_through_a_queue(synth, machine):
    # Given the EventBridge rules
    rules = synth.of_type("AWS::Events::Rule")
    [ends] = [r["Properties"] for r in rules.values() if "EventPattern" in r["Properties"]]
    machine_id, _ = machine
    # Then the rule takes this machine's executions that failed, timed out or were stopped
    pattern = ends["EventPattern"]
    assert pattern["source"] == ["aws.states"]
    assert pattern["detail-type"] == [c.EXECUTION_STATUS_CHANGE]
    assert sorted(pattern["detail"]["status"]) == ["ABORTED", "FAILED", "TIMED_OUT"]
    assert pattern["detail"]["stateMachineArn"] == [{"Ref": machine_id}]
    # And sends them to an encrypted queue with a dead-letter queue
    [target] = ends["Targets"]
    queue_id = target["Arn"]["Fn::GetAtt"][0]
    queue = synth.resources[queue_id]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["RedrivePolicy"]["maxReceiveCount"] == c.RECONCILE_ATTEMPTS
    # Which the reconcile function consumes, reporting failed records one by one
    [properties] = [
        m["Properties"]
        for m in synth.of_type("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": synth.function("reconcile")[0]}
    ]
    assert properties["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert properties["FunctionName"] == {"Ref": synth.function("reconcile")[0]}
    assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_deadlines_sweep_runs_on_a_schedule(synth):
    # Given the scheduled rule
    rules = synth.of_type("AWS::Events::Rule")
    [sweep] = [r["Properties"] for r in rules.values() if "ScheduleExpression" in r["Properties"]]
    # Then it runs the deadlines function every few minutes
    assert sweep["ScheduleExpression"] == f"rate({c.DEADLINE_SWEEP_MINUTES} minutes)"
    [target] = sweep["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [synth.function("deadlines")[0], "Arn"]}


@pytest.fixture(scope="module")
def bundle_definition(synth, bundle_machine):
    _, properties = bundle_machine
    key = properties["DefinitionS3Location"]["Key"]
    return json.loads((synth.assembly_dir / f"asset.{key}").read_text(encoding="utf-8"))


def test_the_bundle_machine_is_its_asl_file_running_members_in_waves(bundle_definition):
    # Given the bundle machine as deployed
    # Then it is the file the local runtime runs: waves one at a time, a wave's members at
    # once, each a case execution waited for (sync:2), a member's failure caught
    assert bundle_definition == json.loads(BUNDLE_ASL_PATH.read_text(encoding="utf-8"))
    waves = bundle_definition["States"]["Waves"]
    assert waves["Type"] == "Map" and waves["MaxConcurrency"] == 1
    members = waves["ItemProcessor"]["States"]["RunMembers"]
    assert "MaxConcurrency" not in members
    run = members["ItemProcessor"]["States"]["RunMember"]
    assert run["Resource"] == "arn:aws:states:::states:startExecution.sync:2"
    assert [c["ErrorEquals"] for c in run["Catch"]] == [["States.ALL"]]
    assert waves["Catch"][0]["Next"] == "RecordBundleFailure"
    assert bundle_definition["States"]["Conclude"]["Catch"][0]["Next"] == "RecordBundleFailure"


def test_the_bundle_machine_starts_only_the_case_machine(synth, machine, bundle_machine):
    # Given the bundle machine's substitutions and role
    machine_id, _ = machine
    _, properties = bundle_machine
    substitutions = properties["DefinitionSubstitutions"]
    assert substitutions[c.APPLICATION_MACHINE_SUBSTITUTION] == {"Ref": machine_id}
    assert substitutions[c.asl_substitution_key("bundle")] == {
        "Fn::GetAtt": [synth.function("bundle")[0], "Arn"]
    }
    statements = synth.role_statements(properties["RoleArn"]["Fn::GetAtt"][0])
    # Then it may start the case machine's executions, describe and stop them, and keep
    # the managed rule through which it hears they ended; nothing else in Step Functions
    starts = [s for s in statements if "states:StartExecution" in as_list(s["Action"])]
    assert [as_list(s["Resource"]) for s in starts] == [[{"Ref": machine_id}]]
    follow = next(s for s in statements if "states:DescribeExecution" in as_list(s["Action"]))
    assert sorted(as_list(follow["Action"])) == ["states:DescribeExecution", "states:StopExecution"]
    assert "execution:" in json.dumps(follow["Resource"])
    rule = next(s for s in statements if "events:PutRule" in as_list(s["Action"]))
    assert "StepFunctionsGetEventsForStepFunctionsExecutionRule" in json.dumps(rule["Resource"])
    invoked = [s for s in statements if "lambda:InvokeFunction" in as_list(s["Action"])]
    assert all("bundle" in json.dumps(s["Resource"]).lower() for s in invoked)


def test_the_api_starts_the_bundle_machine_given_its_arn(synth, bundle_machine):
    bundle_id, _ = bundle_machine
    _, api = synth.function("api")
    assert api["Properties"]["Environment"]["Variables"]["BUNDLE_STATE_MACHINE_ARN"] == {
        "Ref": bundle_id
    }
