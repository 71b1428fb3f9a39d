"""S3: the applicant's uploads (presigned POST, checked on submit) and issued documents."""

from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.aws import client
from shared.adapters.aws_errors import error_code, translate
from shared.ports.documents import StoredObject
from shared.settings import get_settings

_ABSENT = {"404", "NoSuchKey", "NotFound"}


class S3DocumentStore:
    def __init__(self, bucket: str | None = None) -> None:
        self.bucket = bucket or get_settings().require("documents_bucket")

    @property
    def _s3(self) -> Any:
        return client("s3")

    def presigned_upload(
        self, key: str, content_type: str, max_size: int, ttl: int
    ) -> dict[str, Any]:
        """A POST policy that S3 itself enforces: exact key, exact type, size cap."""
        result: dict[str, Any] = self._s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_size]],
            ExpiresIn=ttl,
        )
        return result

    def head(self, key: str) -> StoredObject | None:
        try:
            response = self._s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if error_code(exc) in _ABSENT:
                return None
            raise translate(exc) from exc
        version = response.get("VersionId")
        return StoredObject(
            size=int(response["ContentLength"]),
            content_type=response.get("ContentType", ""),
            version_id=None if version in (None, "null") else version,
        )

    def put_pdf(self, key: str, body: bytes, metadata: dict[str, str]) -> None:
        try:
            self._s3.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType="application/pdf",
                Metadata=metadata,
            )
        except ClientError as exc:
            raise translate(exc) from exc

    def presigned_download(
        self, key: str, ttl: int, file_name: str, version_id: str | None = None
    ) -> str:
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{file_name}"',
        }
        if version_id:
            params["VersionId"] = version_id
        url: str = self._s3.generate_presigned_url("get_object", Params=params, ExpiresIn=ttl)
        return url

    def read(self, key: str) -> bytes:
        try:
            body: bytes = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as exc:
            raise translate(exc) from exc
        return body
