"""Step Functions: the case workflow, defined once in infra/statemachine/application.asl.json.

The same ASL file drives the local runtime; here its ${XxxFunctionArn} placeholders are
filled with the stage functions' ARNs.
"""

from collections.abc import Mapping
from pathlib import Path

from aws_cdk import Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra import constants as c
from infra.constructs.functions import log_retention
from infra.constructs.nag import acknowledge, arn_finding

ASL_PATH = Path(__file__).resolve().parent.parent / c.ASL_FILE


class Workflow(Construct):
    """The Standard state machine that carries a case from acceptance to feedback."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage_functions: Mapping[str, lambda_.IFunction],
        definition_file: Path = ASL_PATH,
    ) -> None:
        super().__init__(scope, construct_id)
        missing = set(c.ASL_FUNCTIONS) - set(stage_functions)
        if missing:
            raise ValueError(f"the state machine needs functions {sorted(missing)}")
        self.log_group = self._build_log_group()
        self.state_machine = self._build_state_machine(stage_functions, definition_file)

    def _build_log_group(self) -> logs.LogGroup:
        # /aws/vendedlogs/ keeps Step Functions from growing the account's CloudWatch Logs
        # resource policy (5,120 characters) with one entry per log group.
        return logs.LogGroup(
            self,
            "ExecutionLogs",
            log_group_name=f"/aws/vendedlogs/states/{Stack.of(self).stack_name}-application",
            retention=log_retention(),
        )

    def _build_state_machine(
        self, stage_functions: Mapping[str, lambda_.IFunction], definition_file: Path
    ) -> sfn.StateMachine:
        machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_file(str(definition_file)),
            definition_substitutions={
                c.asl_substitution_key(key): stage_functions[key].function_arn
                for key in c.ASL_FUNCTIONS
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
        for key in c.ASL_FUNCTIONS:
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
