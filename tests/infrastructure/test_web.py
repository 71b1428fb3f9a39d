"""The web app's origin: a private site bucket behind CloudFront, the API under /api/*."""

import json
import subprocess
from pathlib import Path

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk.assertions import Match, Template

from infra import constants as c
from infra.constructs.web import API_PREFIX_STRIP, SPA_REWRITE, Web


def _distribution(synth):
    (distribution,) = synth.of_type("AWS::CloudFront::Distribution").values()
    return distribution["Properties"]["DistributionConfig"]


def _function_code(synth, logical_id):
    return synth.resources[logical_id]["Properties"]["FunctionCode"]


def _site_bucket(synth):
    origin = next(o for o in _distribution(synth)["Origins"] if "S3OriginConfig" in o)
    return origin["DomainName"]["Fn::GetAtt"][0]


def test_the_site_bucket_is_private_and_read_only_by_the_distribution(synth):
    # Given the site's bucket, the distribution's S3 origin
    bucket = _site_bucket(synth)
    properties = synth.resources[bucket]["Properties"]
    # Then it blocks all public access and CloudFront reaches it with origin access control
    assert properties["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    origin = next(o for o in _distribution(synth)["Origins"] if "S3OriginConfig" in o)
    assert origin["OriginAccessControlId"]
    assert origin["S3OriginConfig"]["OriginAccessIdentity"] == ""
    # And its policy lets only this distribution read objects (no principal "*" allowed)
    policy = next(
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in synth.of_type("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket}
    )
    allows = [s for s in policy if s["Effect"] == "Allow"]
    assert allows and all(
        s["Principal"] == {"Service": "cloudfront.amazonaws.com"} and s["Action"] == "s3:GetObject"
        for s in allows
    )
    assert all("AWS:SourceArn" in s["Condition"]["StringEquals"] for s in allows)


def test_the_app_is_served_over_https_with_index_html_at_the_root(synth):
    config = _distribution(synth)
    default = config["DefaultCacheBehavior"]
    assert config["DefaultRootObject"] == "index.html"
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert default["AllowedMethods"] == ["GET", "HEAD"]
    assert default["Compress"] is True


def test_history_routing_rewrites_paths_without_an_extension_not_errors(synth):
    # Given the distribution
    config = _distribution(synth)
    # Then it has no custom error responses (they would turn the API's 403/404 into the page)
    assert "CustomErrorResponses" not in config
    # And a viewer-request function on the site's behaviour rewrites app routes
    (association,) = config["DefaultCacheBehavior"]["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    assert _function_code(synth, association["FunctionARN"]["Fn::GetAtt"][0]) == SPA_REWRITE


def _run_function(code: str, uri: str) -> str:
    """Runs a CloudFront Function's handler on a viewer request, in node."""
    script = code + f"\nconsole.log(handler({{request: {{uri: {json.dumps(uri)}}}}}).uri);"
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("/", "/index.html"),
        ("/catalog", "/index.html"),
        ("/cases/OW-1/timeline", "/index.html"),
        ("/assets/index-abc.js", "/assets/index-abc.js"),
        ("/config.json", "/config.json"),
        ("/favicon.svg", "/favicon.svg"),
    ],
)
def test_the_rewrite_keeps_files_and_sends_routes_to_the_page(uri, expected):
    assert _run_function(SPA_REWRITE, uri) == expected


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("/api/catalog/items", "/catalog/items"),
        ("/api/", "/"),
        ("/api/openapi.json", "/openapi.json"),
    ],
)
def test_the_api_function_strips_the_prefix(uri, expected):
    assert _run_function(API_PREFIX_STRIP, uri) == expected


def test_api_behaviour_passes_everything_to_the_stage_uncached(synth):
    # Given the /api/* behaviour
    config = _distribution(synth)
    (behavior,) = config["CacheBehaviors"]
    assert behavior["PathPattern"] == f"{c.WEB_API_PREFIX}/*"
    # Then every method, header (but Host), query and cookie reaches the API, nothing cached
    assert set(behavior["AllowedMethods"]) == {
        "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"
    }  # fmt: skip
    assert behavior["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    # AllViewerExceptHostHeader
    assert behavior["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    assert behavior["ViewerProtocolPolicy"] == "https-only"
    (association,) = behavior["FunctionAssociations"]
    code = _function_code(synth, association["FunctionARN"]["Fn::GetAtt"][0])
    assert code == API_PREFIX_STRIP
    # And its origin is the REST API, over TLS 1.2, with the stage as the origin path
    origin = next(o for o in config["Origins"] if o["Id"] == behavior["TargetOriginId"])
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert origin["CustomOriginConfig"]["OriginSSLProtocols"] == ["TLSv1.2"]
    rendered = json.dumps(origin)
    assert ".execute-api." in rendered and "ApiRestApiDeploymentStage" in rendered


def test_every_response_carries_the_security_headers(synth):
    # Given the response headers policy of both behaviours
    config = _distribution(synth)
    policies = {
        config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"]["Ref"],
        config["CacheBehaviors"][0]["ResponseHeadersPolicyId"]["Ref"],
    }
    assert len(policies) == 1
    headers = synth.resources[policies.pop()]["Properties"]["ResponseHeadersPolicyConfig"]
    security = headers["SecurityHeadersConfig"]
    # Then HSTS for two years with subdomains, nosniff, no framing, a referrer policy, a CSP
    assert security["StrictTransportSecurity"] == {
        "AccessControlMaxAgeSec": c.HSTS_SECONDS,
        "IncludeSubdomains": True,
        "Override": True,
    }
    assert security["ContentTypeOptions"] == {"Override": True}
    assert security["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == c.REFERRER_POLICY
    csp = json.dumps(security["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"):
        assert directive in csp
    # And the page may call Cognito's IdP API and S3 in the stack's region
    assert "https://cognito-idp." in csp and "https://s3." in csp


def test_the_distribution_logs_to_its_own_bucket(synth):
    logging = _distribution(synth)["Logging"]
    bucket = logging["Bucket"]["Fn::GetAtt"][0]
    properties = synth.resources[bucket]["Properties"]
    # CloudFront delivers standard logs with an ACL: the bucket must accept object writers'
    assert properties["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "ObjectWriter"}]
    assert properties["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == (
        c.LOG_RETENTION_DAYS
    )
    assert bucket != _site_bucket(synth)


def test_the_deployment_writes_config_json_and_invalidates(synth):
    # Given the site's deployments
    deployments = synth.of_type("Custom::CDKBucketDeployment")
    pages = next(d for d in deployments.values() if "DistributionId" in d["Properties"])
    properties = pages["Properties"]
    # Then the pages are revalidated on every visit and the distribution invalidated
    assert properties["DistributionPaths"] == ["/*"]
    assert properties["SystemMetadata"]["cache-control"] == "no-cache"
    assert properties["DestinationBucketName"] == {"Ref": _site_bucket(synth)}
    # And config.json is one of its sources, with the pool and client ids filled at deploy
    markers = json.dumps(properties.get("SourceMarkers", []))
    assert "UserPool" in markers and "WebClient" in markers


def test_outputs_name_the_web_url(synth):
    outputs = synth.template.to_json()["Outputs"]
    rendered = json.dumps(outputs["WebUrl"]["Value"])
    assert "DomainName" in rendered and rendered.startswith('{"Fn::Join"')


def _web_stack(dist: Path) -> Template:
    app = App()
    stack = Stack(app, "WebOnly")
    api = apigw.RestApi(stack, "Api")
    api.root.add_method("GET")
    pool = cognito.UserPool(stack, "Pool")
    client = pool.add_client("Client")
    Web(stack, "Web", rest_api=api, user_pool=pool, client=client, dist_dir=dist)
    return Template.from_stack(stack)


def test_a_synth_without_a_build_deploys_a_placeholder(tmp_path):
    # Given no web/dist (a fresh clone's tests)
    # When the stack is synthesized
    template = _web_stack(tmp_path / "missing")
    # Then one deployment writes the placeholder page and config.json, with no app assets
    deployments = template.find_resources("Custom::CDKBucketDeployment")
    assert len(deployments) == 1
    (deployment,) = deployments.values()
    assert len(deployment["Properties"]["SourceObjectKeys"]) == 2


def test_a_synth_with_a_build_deploys_assets_before_the_page(tmp_path):
    # Given a built app
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html>")
    (tmp_path / "assets" / "index-1.js").write_text("1")
    # When the stack is synthesized
    template = _web_stack(tmp_path)
    # Then the hashed assets are cached for good and the page waits for them
    deployments = template.find_resources("Custom::CDKBucketDeployment")
    assert len(deployments) == 2
    assets_id, assets = next(
        (k, d) for k, d in deployments.items() if "DistributionId" not in d["Properties"]
    )
    metadata = assets["Properties"]["SystemMetadata"]
    assert metadata["cache-control"] == "public, max-age=31536000, immutable"
    template.has_resource(
        "Custom::CDKBucketDeployment",
        {
            "Properties": Match.object_like({"DistributionPaths": ["/*"]}),
            "DependsOn": Match.array_with([assets_id]),
        },
    )
