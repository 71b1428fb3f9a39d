"""X-Ray sampling: which requests and executions are traced.

Without a rule of its own, X-Ray's default records the first request each second and 5%
beyond: at a zone's pace (a few cases an hour) that is nearly every request. These rules
sample a fixed 5% with no per-second reservoir, at the two entry points that honour
sampling rules: the API's stage and the state machine. The stage functions' traces
follow the decision made there (the trace header carries it); the functions invoked
otherwise (the deadlines schedule, the reconciler's queue) keep Lambda's own sampling,
which cannot be configured: a few dozen traces a day, not a cost per case.
"""

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_xray as xray
from constructs import Construct

from infra import constants as c
from infra.sampling import SAMPLED_RATE

# Evaluated before the default rule (priority 10000); lower numbers first.
PRIORITY = 100


class Tracing(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        rest_api: apigw.RestApi,
        state_machine: sfn.StateMachine,
    ) -> None:
        super().__init__(scope, construct_id)
        stage = rest_api.deployment_stage
        # API Gateway names its traces "{api name}/{stage name}".
        self.api_rule = self._rule(
            "ApiSampling",
            "api",
            service_name=f"{rest_api.rest_api_name}/{stage.stage_name}",
            service_type="AWS::ApiGateway::Stage",
            resource_arn=stage.stage_arn,
        )
        self.workflow_rule = self._rule(
            "WorkflowSampling",
            "workflow",
            service_name="*",
            service_type="AWS::StepFunctions::StateMachine",
            resource_arn=state_machine.state_machine_arn,
        )

    def _rule(
        self,
        construct_id: str,
        purpose: str,
        *,
        service_name: str,
        service_type: str,
        resource_arn: str,
    ) -> xray.CfnSamplingRule:
        return xray.CfnSamplingRule(
            self,
            construct_id,
            sampling_rule=xray.CfnSamplingRule.SamplingRuleProperty(
                rule_name=f"{c.SERVICE_NAME}-{purpose}",  # at most 32 characters
                priority=PRIORITY,
                fixed_rate=SAMPLED_RATE,
                reservoir_size=0,
                service_name=service_name,
                service_type=service_type,
                resource_arn=resource_arn,
                host="*",
                http_method="*",
                url_path="*",
                version=1,
            ),
        )
