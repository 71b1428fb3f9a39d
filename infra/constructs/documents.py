"""S3: the documents bucket (applicants' uploads, issued results) and its access-log bucket."""

from collections.abc import Sequence
from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import constants as c
from infra.constructs.nag import acknowledge

# Browsers upload with a presigned POST (a form with the file) and read results with a
# presigned GET; nothing else is allowed cross-origin.
_CORS_METHODS = [s3.HttpMethods.POST, s3.HttpMethods.GET, s3.HttpMethods.HEAD]
NONCURRENT_VERSION_DAYS = 90


# Both buckets' baseline: SSE-S3, no public access, bucket-owned objects, TLS 1.2+ only,
# versioned.
_SECURE: dict[str, Any] = {
    "encryption": s3.BucketEncryption.S3_MANAGED,
    "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
    "object_ownership": s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    "enforce_ssl": True,
    "minimum_tls_version": 1.2,
    "versioned": True,
}


class Documents(Construct):
    """Private, versioned, TLS-only storage for materials (uploads/) and results (documents/)."""

    def __init__(
        self, scope: Construct, construct_id: str, *, allowed_origins: Sequence[str]
    ) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = self._build_access_log_bucket()
        self.bucket = self._build_documents_bucket(list(allowed_origins))

    def _build_access_log_bucket(self) -> s3.Bucket:
        bucket = s3.Bucket(
            self,
            "AccessLogs",
            # S3 server access logging only delivers to SSE-S3 buckets (as _SECURE has).
            **_SECURE,
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
            "This bucket is the server access log destination of the documents bucket; "
            "logging it into itself (or a third bucket) would only log the log delivery.",
        )
        return bucket

    def _build_documents_bucket(self, allowed_origins: list[str]) -> s3.Bucket:
        return s3.Bucket(
            self,
            "DocumentsBucket",
            **_SECURE,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="documents-bucket/",
            cors=[
                s3.CorsRule(
                    allowed_methods=_CORS_METHODS,
                    allowed_origins=allowed_origins,
                    allowed_headers=["*"],
                    exposed_headers=["ETag"],
                    max_age=3000,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireNoncurrentVersions",
                    noncurrent_version_expiration=Duration.days(NONCURRENT_VERSION_DAYS),
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                )
            ],
            # Materials and certificates belong to the case record.
            removal_policy=RemovalPolicy.RETAIN,
        )
