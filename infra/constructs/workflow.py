"""Step Functions: the case workflow, defined once in infra/statemachine/application.asl.json,
and the bundle workflow (infra/statemachine/bundle.asl.json), which runs a bundle's members
through the case workflow in waves.

The same ASL files drive the local runtime; here their ${XxxFunctionArn} placeholders are
filled with the functions' ARNs (and the bundle's ${ApplicationStateMachineArn} with the
case machine's).
"""

from collections.abc import Mapping, Sequence
from pathlib import Path

from aws_cdk import ArnFormat, Stack, Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra import constants as c
from infra.constructs.functions import log_retention
from infra.constructs.nag import acknowledge, arn_finding

ASL_PATH = Path(__file__).resolve().parent.parent / c.ASL_FILE
BUNDLE_ASL_PATH = Path(__file__).resolve().parent.parent / c.BUNDLE_ASL_FILE


class Workflow(Construct):
    """A Standard state machine from an ASL file: by default the one that carries a case
    from acceptance to feedback."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage_functions: Mapping[str, lambda_.IFunction],
        definition_file: Path = ASL_PATH,
        function_keys: Sequence[str] = tuple(c.ASL_FUNCTIONS),
        substitutions: Mapping[str, str] | None = None,
        log_name: str = "application",
    ) -> None:
        super().__init__(scope, construct_id)
        self.function_keys = list(function_keys)
        missing = set(self.function_keys) - set(stage_functions)
        if missing:
            raise ValueError(f"the state machine needs functions {sorted(missing)}")
        self.log_group = self._build_log_group(log_name)
        self.state_machine = self._build_state_machine(
            stage_functions, definition_file, substitutions or {}
        )

    def _build_log_group(self, log_name: str) -> logs.LogGroup:
        # /aws/vendedlogs/ keeps Step Functions from growing the account's CloudWatch Logs
        # resource policy (5,120 characters) with one entry per log group.
        return logs.LogGroup(
            self,
            "ExecutionLogs",
            log_group_name=f"/aws/vendedlogs/states/{Stack.of(self).stack_name}-{log_name}",
            retention=log_retention(),
        )

    def _build_state_machine(
        self,
        stage_functions: Mapping[str, lambda_.IFunction],
        definition_file: Path,
        substitutions: Mapping[str, str],
    ) -> sfn.StateMachine:
        machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_file(str(definition_file)),
            definition_substitutions={
                **{
                    c.asl_substitution_key(key): stage_functions[key].function_arn
                    for key in self.function_keys
                },
                **substitutions,
            },
            # Task tokens travel in the payloads: log every event, but never the data.
            logs=sfn.LogOptions(
                destination=self.log_group,
                level=sfn.LogLevel.ALL,
                include_execution_data=False,
            ),
            tracing_enabled=True,
        )
        # An ASL file is opaque to CDK, so the Lambda permissions are granted here.
        for key in self.function_keys:
            stage_functions[key].grant_invoke(machine)
            acknowledge(
                machine.role,
                arn_finding(stage_functions[key], ":*"),
                f"lambda:InvokeFunction on the {key} function and its versions/aliases "
                "(<ARN>:*), as CDK's grant_invoke writes it; no other function is named.",
            )
        acknowledge(
            machine.role,
            "AwsSolutions-IAM5[Resource::*]",
            "CloudWatch Logs vended-log delivery (logs:*LogDelivery, Describe*) and X-Ray "
            "(PutTraceSegments, GetSampling*) actions do not support resource-level "
            "permissions.",
        )
        return machine

    def allow_running(self, child: sfn.StateMachine) -> None:
        """startExecution.sync:2 on `child`: start its executions, follow and stop them,
        and the managed EventBridge rule through which Step Functions learns they ended."""
        stack = Stack.of(self)
        child.grant_start_execution(self.state_machine)
        executions = stack.format_arn(
            service="states",
            resource="execution",
            resource_name=f"{child.state_machine_name}:*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        rule = stack.format_arn(
            service="events",
            resource="rule",
            resource_name="StepFunctionsGetEventsForStepFunctionsExecutionRule",
        )
        policy = self.state_machine.role.add_to_principal_policy
        policy(
            iam.PolicyStatement(
                actions=["states:DescribeExecution", "states:StopExecution"],
                resources=[executions],
            )
        )
        policy(
            iam.PolicyStatement(
                actions=["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                resources=[rule],
            )
        )
        child_id = stack.get_logical_id(child.node.default_child)  # type: ignore[arg-type]
        acknowledge(
            self.state_machine.role,
            f"AwsSolutions-IAM5[Resource::arn:{_as_nag_renders(stack.partition, 'Partition')}"
            f":states:{_as_nag_renders(stack.region, 'Region')}"
            f":{_as_nag_renders(stack.account, 'AccountId')}:execution:<{child_id}.Name>:*]",
            "Describe and stop the case executions this machine starts (each named by its "
            "case, known only at run time): executions of the case machine alone.",
        )


def _as_nag_renders(value: str, pseudo_parameter: str) -> str:
    """An ARN part as cdk-nag writes it in a finding: the literal when the stack's
    environment fixes it (the CLI's region), else the pseudo parameter."""
    return f"<AWS::{pseudo_parameter}>" if Token.is_unresolved(value) else value
