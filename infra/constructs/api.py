"""API Gateway: the REST API in front of the api function, built from constants.ROUTES."""

import re
from collections.abc import Sequence

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra import constants as c
from infra.constructs.functions import log_retention
from infra.constructs.nag import acknowledge

STAGE_NAME = "v1"
THROTTLE_RATE = 50  # steady requests per second for the stage
THROTTLE_BURST = 100
# Headers a browser may send cross-origin; Idempotency-Key makes POST /applications safe to retry.
CORS_HEADERS = [*apigw.Cors.DEFAULT_HEADERS, "Idempotency-Key"]
PREFLIGHT_MAX_AGE = Duration.hours(2)
_PATH_PARAM = re.compile(r"\{(\w+)\}")


def path_parameters(path: str) -> list[str]:
    return _PATH_PARAM.findall(path)


class Api(Construct):
    """REST API: one Lambda proxy integration, Cognito on every non-public route."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        handler: lambda_.IFunction,
        user_pool: cognito.IUserPool,
        allowed_origins: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = logs.LogGroup(self, "AccessLogs", retention=log_retention())
        self.rest_api = self._build_rest_api(list(allowed_origins))
        self.authorizer = apigw.CognitoUserPoolsAuthorizer(
            self,
            "Authorizer",
            cognito_user_pools=[user_pool],
            identity_source=apigw.IdentitySource.header("Authorization"),
        )
        self.validator = self.rest_api.add_request_validator(
            "RequestValidator",
            # API Gateway checks the path parameters each route declares. Bodies are checked
            # only against a method's request model and no method has one: the api function's
            # pydantic models own the body schema (one source of truth, served as OpenAPI).
            validate_request_parameters=True,
            validate_request_body=True,
        )
        # One invoke permission for the whole API (its stages, methods and paths) rather
        # than one per method: the same function serves every route, and a permission per
        # method took the stack near CloudFormation's 500 resources. Its source ARN is this
        # API's execute-api ARN (any stage, method and path), so it names no other API.
        self._add_routes(
            apigw.LambdaIntegration(handler, proxy=True, scope_permission_to_method=False)
        )
        self._add_cors_to_gateway_errors(list(allowed_origins))

    @property
    def url(self) -> str:
        return self.rest_api.url

    def _build_rest_api(self, allowed_origins: list[str]) -> apigw.RestApi:
        api = apigw.RestApi(
            self,
            "RestApi",
            rest_api_name=f"{c.SERVICE_NAME}-api",
            description="OneWindow: one-stop government services",
            # Edge-optimized endpoints are not offered in the AWS China regions.
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=True,
            # The CloudWatch role is an account-wide API Gateway setting: other APIs in the
            # account lose their logs if a stack deletion takes it away.
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=allowed_origins,
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=CORS_HEADERS,
                # Browsers cache a preflight this long (Chromium caps it at 2 hours), so a
                # page's repeated calls to one URL are not each preceded by a billed OPTIONS.
                max_age=PREFLIGHT_MAX_AGE,
            ),
            deploy_options=apigw.StageOptions(
                stage_name=STAGE_NAME,
                throttling_rate_limit=THROTTLE_RATE,
                throttling_burst_limit=THROTTLE_BURST,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # request bodies carry personal data
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=True,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
            ),
        )
        acknowledge(
            api.node.find_child("CloudWatchRole"),
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AmazonAPIGatewayPushToCloudWatchLogs]",
            "The account-level role API Gateway uses to write execution and access logs; "
            "the AWS managed policy is the documented one and holds only CloudWatch Logs "
            "actions.",
        )
        acknowledge(
            api.deployment_stage,
            "AwsSolutions-APIG3",
            "No WAFv2 web ACL in this stack yet: stage throttling limits abuse and every "
            "route that reads or changes a case requires a Cognito token. Associate a web "
            "ACL (rate-based and managed rules) per environment before production.",
        )
        return api

    def _add_routes(self, integration: apigw.LambdaIntegration) -> None:
        for method, path, public in c.ROUTES:
            resource = self.rest_api.root.resource_for_path(path)
            parameters = {f"method.request.path.{name}": True for name in path_parameters(path)}
            added = resource.add_method(
                method,
                integration,
                authorization_type=(
                    apigw.AuthorizationType.NONE if public else apigw.AuthorizationType.COGNITO
                ),
                authorizer=None if public else self.authorizer,
                request_validator=self.validator,
                request_parameters=parameters or None,
            )
            if public:
                reason = (
                    f"{method} {path} is public by design (constants.ROUTES): the catalog, its "
                    "bundles and their pre-screening, the OpenAPI document, the published "
                    "figures and certificate verification serve anonymous visitors and "
                    "change nothing."
                )
                acknowledge(added, "AwsSolutions-APIG4", reason)
                acknowledge(added, "AwsSolutions-COG4", reason)
        # CORS preflight (OPTIONS) methods need no acknowledgment: cdk-nag exempts them.

    def _add_cors_to_gateway_errors(self, allowed_origins: list[str]) -> None:
        # Errors API Gateway raises itself (401 from the authorizer, 429 from throttling) need
        # CORS headers too, or the browser hides them from the web app. A gateway response
        # cannot choose among several origins, so it names the first one.
        origin = "'*'" if allowed_origins == ["*"] else f"'{allowed_origins[0]}'"
        for name, response_type in (
            ("Default4xx", apigw.ResponseType.DEFAULT_4_XX),
            ("Default5xx", apigw.ResponseType.DEFAULT_5_XX),
        ):
            self.rest_api.add_gateway_response(
                name,
                type=response_type,
                response_headers={
                    "Access-Control-Allow-Origin": origin,
                    "Access-Control-Allow-Headers": f"'{','.join(CORS_HEADERS)}'",
                },
            )
