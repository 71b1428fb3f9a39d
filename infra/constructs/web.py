"""The web app: web/dist in a private S3 bucket behind CloudFront, the API under /api/*.

One origin for the browser: CloudFront serves the site from S3 (origin access control,
no public bucket) and passes /api/* to the REST API's stage with the prefix stripped, so
the app calls `/api/...` on its own origin and sends no CORS preflight. Every response
carries the security headers of infra/constants.py (the local gateway sends the same).

History routing without error responses: a CloudFront Function rewrites every path
without a file extension to /index.html on the site's behaviour. Custom error responses
would apply to the whole distribution and turn the API's own 403/404 into the app's page.

`config.json` (the API base, pool and client ids) is generated here from the stack's
tokens, so one build of web/dist deploys to any stack. When web/dist has not been built
(a synth from the tests on a fresh clone), a placeholder page says so instead: `make
deploy` always builds the app first (`make web`).
"""

from pathlib import Path

from aws_cdk import Aws, Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra import constants as c
from infra.constructs.documents import _SECURE
from infra.constructs.nag import acknowledge, arn_finding

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
NONCURRENT_VERSION_DAYS = 30
# index.html and config.json change with every deploy; everything else vite names by hash.
_PAGES = ["index.html", c.WEB_CONFIG_FILE]

SPA_REWRITE = """\
function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
"""

API_PREFIX_STRIP = f"""\
function handler(event) {{
  var request = event.request;
  request.uri = request.uri.substring({len(c.WEB_API_PREFIX)}) || '/';
  return request;
}}
"""

PLACEHOLDER_HTML = c.WEB_PLACEHOLDER_HTML


def aws_origins() -> list[str]:
    """What the page calls besides its own origin: Cognito's IdP API and S3 (presigned
    uploads and downloads, path-style or virtual-hosted), in the stack's region."""
    return [
        f"https://cognito-idp.{Aws.REGION}.{Aws.URL_SUFFIX}",
        f"https://s3.{Aws.REGION}.{Aws.URL_SUFFIX}",
        f"https://s3.{Aws.URL_SUFFIX}",
        f"https://*.s3.{Aws.REGION}.{Aws.URL_SUFFIX}",
    ]


class Web(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        rest_api: apigw.RestApi,
        user_pool: cognito.IUserPool,
        client: cognito.IUserPoolClient,
        dist_dir: Path = REPO_ROOT / c.WEB_DIST_DIR,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dist_dir = dist_dir
        self.built = (dist_dir / "index.html").is_file()
        self.site_bucket = self._build_site_bucket()
        self.log_bucket = self._build_log_bucket()
        self.headers = self._build_headers_policy()
        self.distribution = self._build_distribution(rest_api)
        self.config = {
            "apiBase": c.WEB_API_PREFIX,
            "region": Stack.of(self).region,
            "userPoolId": user_pool.user_pool_id,
            "userPoolClientId": client.user_pool_client_id,
            "cognitoEndpoint": f"https://cognito-idp.{Aws.REGION}.{Aws.URL_SUFFIX}",
        }
        self._deploy_site()

    @property
    def url(self) -> str:
        return f"https://{self.distribution.distribution_domain_name}/"

    def _build_site_bucket(self) -> s3.Bucket:
        bucket = s3.Bucket(
            self,
            "SiteBucket",
            # Versioned: a bad deploy is rolled back by restoring the previous objects.
            **_SECURE,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireNoncurrentVersions",
                    noncurrent_version_expiration=Duration.days(NONCURRENT_VERSION_DAYS),
                )
            ],
            # Rebuilt from the repository at will, but retained like every bucket here: a
            # failed stack deletion must not be the reason a site disappears.
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(
            bucket,
            "AwsSolutions-S1",
            "Only CloudFront reads this bucket (origin access control) and only the "
            "deployment writes it; the distribution's access logs record every viewer "
            "request, so server access logs would only repeat them.",
        )
        return bucket

    def _build_log_bucket(self) -> s3.Bucket:
        bucket = s3.Bucket(
            self,
            "AccessLogs",
            **{
                **_SECURE,
                # CloudFront's standard logs are delivered with an ACL (the awslogsdelivery
                # account's), which a bucket with ACLs disabled refuses.
                "object_ownership": s3.ObjectOwnership.OBJECT_WRITER,
            },
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireAccessLogs",
                    expiration=Duration.days(c.LOG_RETENTION_DAYS),
                    noncurrent_version_expiration=Duration.days(1),
                )
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(
            bucket,
            "AwsSolutions-S1",
            "This bucket is the destination of the distribution's access logs; logging it "
            "into itself (or a third bucket) would only log the log delivery.",
        )
        return bucket

    def _build_headers_policy(self) -> cloudfront.ResponseHeadersPolicy:
        return cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment="OneWindow: HSTS, CSP, nosniff, no framing, referrer policy",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=c.content_security_policy(aws_origins()),
                    override=True,
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.seconds(c.HSTS_SECONDS),
                    include_subdomains=True,
                    override=True,
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
            ),
        )

    def _function(self, construct_id: str, code: str, comment: str) -> cloudfront.Function:
        return cloudfront.Function(
            self,
            construct_id,
            code=cloudfront.FunctionCode.from_inline(code),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment=comment,
        )

    def _build_distribution(self, rest_api: apigw.RestApi) -> cloudfront.Distribution:
        spa = self._function(
            "SpaRewrite", SPA_REWRITE, "Paths without a file extension are the app's routes"
        )
        strip = self._function(
            "ApiPrefixStrip", API_PREFIX_STRIP, f"{c.WEB_API_PREFIX}/x reaches the API as /x"
        )
        api_behavior = cloudfront.BehaviorOptions(
            # The stage is the origin path (RestApiOrigin): /api/x goes to /v1/x.
            origin=origins.RestApiOrigin(rest_api),
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            # Every header (Authorization, Idempotency-Key), query string and cookie, but
            # not Host: API Gateway answers only to its own name.
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=self.headers,
            function_associations=[
                cloudfront.FunctionAssociation(
                    function=strip, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                )
            ],
        )
        distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="OneWindow web app and API",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.site_bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                compress=True,
                response_headers_policy=self.headers,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=spa, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
            ),
            additional_behaviors={f"{c.WEB_API_PREFIX}/*": api_behavior},
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_logging=True,
            log_bucket=self.log_bucket,
            log_file_prefix="cloudfront/",
        )
        acknowledge(
            distribution,
            "AwsSolutions-CFR1",
            "No geo restriction: citizens, enterprises and their agents apply from wherever "
            "they are (travel, investors abroad); every case-changing route needs a token.",
        )
        acknowledge(
            distribution,
            "AwsSolutions-CFR2",
            "No WAFv2 web ACL in this stack yet (as for the API stage): associate a web ACL "
            "(rate-based and managed rules) with the distribution per environment before "
            "production.",
        )
        acknowledge(
            distribution,
            "AwsSolutions-CFR4",
            "The distribution uses CloudFront's default certificate until an environment "
            "gives it its own domain; with a custom domain and an ACM certificate, set "
            "minimum_protocol_version TLSv1.2_2021.",
        )
        return distribution

    def _deploy_site(self) -> None:
        config = s3deploy.Source.json_data(c.WEB_CONFIG_FILE, self.config)
        if self.built:
            assets = s3deploy.BucketDeployment(
                self,
                "DeployAssets",
                destination_bucket=self.site_bucket,
                sources=[s3deploy.Source.asset(str(self.dist_dir), exclude=_PAGES)],
                # Named by content hash: cached for good. Not pruned, so a page loaded
                # before a deploy still finds its scripts.
                cache_control=[
                    s3deploy.CacheControl.from_string("public, max-age=31536000, immutable")
                ],
                prune=False,
            )
            pages = s3deploy.Source.asset(
                str(self.dist_dir), exclude=["*", *(f"!{page}" for page in _PAGES)]
            )
        else:
            assets = None
            pages = s3deploy.Source.data("index.html", PLACEHOLDER_HTML)
        deployment = s3deploy.BucketDeployment(
            self,
            "DeployPages",
            destination_bucket=self.site_bucket,
            sources=[pages, config],
            cache_control=[s3deploy.CacheControl.no_cache()],
            prune=False,
            distribution=self.distribution,
            distribution_paths=["/*"],
        )
        if assets is not None:
            deployment.node.add_dependency(assets)  # the scripts before the page naming them
        self._acknowledge_deployment_handler()

    def _acknowledge_deployment_handler(self) -> None:
        """BucketDeployment's handler is a singleton function of the stack (one per memory
        size; both deployments here use the default), with its role."""
        stack = Stack.of(self)
        (handler,) = (
            child
            for child in stack.node.children
            if child.node.id.startswith("Custom::CDKBucketDeployment")
        )
        role = handler.node.find_child("ServiceRole")
        assert isinstance(role, iam.Role)
        acknowledge(
            handler,
            "AwsSolutions-L1",
            "BucketDeployment's handler runtime is chosen by aws-cdk-lib (pinned in "
            "pyproject.toml); it runs only during deployments and moves with CDK upgrades.",
        )
        acknowledge(
            role,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]",
            "CDK's BucketDeployment handler is built with the basic execution role for its "
            "own logs; it runs only while CloudFormation deploys the site.",
        )
        # The grants BucketDeployment makes itself: read the CDK asset bucket's zips, sync
        # them into the site bucket, invalidate the distribution.
        why_actions = (
            "BucketDeployment grants its handler CDK's read (asset bucket) and read-write "
            "(site bucket) action groups; it copies and syncs whole folders of objects, "
            "and the groups are scoped to those two buckets."
        )
        for action in ("s3:Abort*", "s3:DeleteObject*", "s3:GetBucket*", "s3:GetObject*"):
            acknowledge(role, f"AwsSolutions-IAM5[Action::{action}]", why_actions)
        acknowledge(role, "AwsSolutions-IAM5[Action::s3:List*]", why_actions)
        acknowledge(
            role,
            arn_finding(self.site_bucket, "/*"),
            "The handler writes the whole built app (every file of web/dist) into the site "
            "bucket, so it needs its objects; no other bucket's.",
        )
        # Named as cdk-nag prints it: with the account, region and partition when the
        # synth knows them (the CLI's environment), placeholders when it does not.
        partition, account, region = (
            placeholder if Token.is_unresolved(value) else value
            for value, placeholder in (
                (stack.partition, "<AWS::Partition>"),
                (stack.account, "<AWS::AccountId>"),
                (stack.region, "<AWS::Region>"),
            )
        )
        acknowledge(
            role,
            f"AwsSolutions-IAM5[Resource::arn:{partition}:s3:::cdk-hnb659fds-assets-"
            f"{account}-{region}/*]",
            "The handler reads the app's zip from the CDK bootstrap asset bucket, whose "
            "object keys are content hashes known only at publish time.",
        )
        acknowledge(
            role,
            "AwsSolutions-IAM5[Resource::*]",
            "cloudfront:CreateInvalidation/GetInvalidation after a deploy (so viewers get the "
            "new index.html): BucketDeployment grants them on *, as it names no distribution "
            "ARN in its policy.",
        )
