"""API Gateway: routes from constants.ROUTES, Cognito on the private ones, a guarded stage."""

import pytest
from aws_cdk.assertions import Match

from infra import constants as c
from infra.constructs.api import STAGE_NAME
from infra.sampling import SAMPLED_RATE


def _paths(synth) -> dict[str, str]:
    """Logical id of each API resource (and the root) -> its full path."""
    resources = synth.of_type("AWS::ApiGateway::Resource")
    (rest_api,) = synth.of_type("AWS::ApiGateway::RestApi")

    def path_of(ref) -> str:
        if "Fn::GetAtt" in ref:  # the root resource of the API
            return ""
        properties = resources[ref["Ref"]]["Properties"]
        return f"{path_of(properties['ParentId'])}/{properties['PathPart']}"

    paths = {logical_id: path_of({"Ref": logical_id}) for logical_id in resources}
    paths[rest_api] = "/"
    return paths


def _method(synth, verb: str, path: str) -> dict:
    paths = _paths(synth)
    for method in synth.of_type("AWS::ApiGateway::Method").values():
        properties = method["Properties"]
        resource = properties["ResourceId"]
        logical_id = resource.get("Ref") or resource["Fn::GetAtt"][0]
        if properties["HttpMethod"] == verb and paths[logical_id] == path:
            return properties
    raise AssertionError(f"no method {verb} {path}")


@pytest.mark.parametrize(("verb", "path", "public"), c.ROUTES)
def test_route_is_wired_with_the_right_authorization(synth, verb, path, public):
    # Given a route of the API contract
    method = _method(synth, verb, path)
    # When synthesized
    # Then public routes need no token, all others a Cognito ID token
    if public:
        assert method["AuthorizationType"] == "NONE"
        assert "AuthorizerId" not in method
    else:
        assert method["AuthorizationType"] == "COGNITO_USER_POOLS"
        assert method["AuthorizerId"]["Ref"] in synth.of_type("AWS::ApiGateway::Authorizer")
    # And it proxies to the api function
    integration = method["Integration"]
    assert integration["Type"] == "AWS_PROXY"
    api_function, _ = synth.function("api")
    assert api_function in str(integration["Uri"])


@pytest.mark.parametrize(("verb", "path", "public"), c.ROUTES)
def test_route_requires_its_path_parameters(synth, verb, path, public):
    # Given a route with {placeholders}; Then API Gateway requires each one
    method = _method(synth, verb, path)
    expected = {
        f"method.request.path.{segment[1:-1]}": True
        for segment in path.split("/")
        if segment.startswith("{")
    }
    assert method.get("RequestParameters", {}) == expected
    assert "RequestValidatorId" in method


def test_authorizer_reads_the_authorization_header_of_the_user_pool(synth):
    (pool,) = synth.of_type("AWS::Cognito::UserPool")
    synth.template.has_resource_properties(
        "AWS::ApiGateway::Authorizer",
        {
            "Type": "COGNITO_USER_POOLS",
            "IdentitySource": "method.request.header.Authorization",
            "ProviderARNs": [{"Fn::GetAtt": [pool, "Arn"]}],
        },
    )


def test_every_route_answers_cors_preflight(synth):
    # Given a browser on another origin; When it preflights any route
    # Then an unauthenticated OPTIONS method answers with the allowed headers
    for _, path, _ in c.ROUTES:
        options = _method(synth, "OPTIONS", path)
        assert options["AuthorizationType"] == "NONE"
        headers = options["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
        assert "Idempotency-Key" in headers["method.response.header.Access-Control-Allow-Headers"]


def test_browsers_may_cache_each_preflight_for_two_hours(synth):
    # Given a browser that preflighted a route; When it calls the route again
    # Then it reuses the cached answer for two hours (Chromium's cap) before asking again
    for _, path, _ in c.ROUTES:
        options = _method(synth, "OPTIONS", path)
        headers = options["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
        assert headers["method.response.header.Access-Control-Max-Age"] == "'7200'"


def test_api_requests_and_executions_are_traced_at_the_sampled_rate(synth):
    # Given the stack's sampling rules; When requests and executions come in
    # Then X-Ray records a fixed share of each, with no per-second reservoir that would
    # trace nearly every request at a zone's pace
    for service_type in ("AWS::ApiGateway::Stage", "AWS::StepFunctions::StateMachine"):
        synth.template.has_resource_properties(
            "AWS::XRay::SamplingRule",
            {
                "SamplingRule": Match.object_like(
                    {
                        "ServiceType": service_type,
                        "FixedRate": SAMPLED_RATE,
                        "ReservoirSize": 0,
                        "Priority": Match.any_value(),
                    }
                )
            },
        )


def test_gateway_errors_carry_cors_headers(synth):
    # Given a 401 from the authorizer or a 429 from throttling
    # Then the browser can read it: the gateway responses carry Access-Control-Allow-Origin
    types = {
        r["Properties"]["ResponseType"]: r["Properties"]["ResponseParameters"]
        for r in synth.of_type("AWS::ApiGateway::GatewayResponse").values()
    }
    for response_type in ("DEFAULT_4XX", "DEFAULT_5XX"):
        assert "gatewayresponse.header.Access-Control-Allow-Origin" in types[response_type]


def test_stage_is_throttled_traced_and_logged(synth):
    # Given the deployed stage
    # Then it throttles, traces with X-Ray, emits metrics and error logs, never request bodies,
    # and writes JSON access logs
    synth.template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": STAGE_NAME,
            "TracingEnabled": True,
            "MethodSettings": [
                Match.object_like(
                    {
                        "HttpMethod": "*",
                        "ResourcePath": "/*",
                        "ThrottlingRateLimit": Match.any_value(),
                        "ThrottlingBurstLimit": Match.any_value(),
                        "MetricsEnabled": True,
                        "LoggingLevel": "ERROR",
                        "DataTraceEnabled": False,
                    }
                )
            ],
            "AccessLogSetting": {
                "DestinationArn": Match.any_value(),
                "Format": Match.string_like_regexp(r'^\{.*"requestId":"\$context\.requestId"'),
            },
        },
    )


def test_api_is_regional(synth):
    # Given the REST API; Then it is regional (edge-optimized is not offered in China regions)
    synth.template.has_resource_properties(
        "AWS::ApiGateway::RestApi", {"EndpointConfiguration": {"Types": ["REGIONAL"]}}
    )


def test_outputs_name_what_clients_and_scripts_need(synth):
    # Given the stack outputs; Then each one a client or the deploy script reads is there
    outputs = synth.template.to_json()["Outputs"]
    assert set(outputs) >= {
        "ApiUrl",
        "UserPoolId",
        "UserPoolClientId",
        "DocumentsBucketName",
        "StateMachineArn",
        "TableName",
    }
    machine, _ = synth.state_machine()
    assert outputs["StateMachineArn"]["Value"] == {"Ref": machine}
    assert STAGE_NAME in str(outputs["ApiUrl"]["Value"])


def test_stack_is_tagged(synth):
    # Given the stack; Then its resources carry the project tag
    _, function = synth.function("api")
    assert {"Key": "project", "Value": "onewindow"} in function["Properties"]["Tags"]
