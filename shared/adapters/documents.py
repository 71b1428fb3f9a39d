"""S3: the applicant's uploads (presigned POST, checked on submit) and issued documents."""

import re
from typing import Any
from urllib.parse import quote

from botocore.exceptions import ClientError

from shared.adapters.aws import client
from shared.adapters.aws_errors import AWS_ERRORS, error_code, translate
from shared.errors import DependencyUnavailable
from shared.ports.documents import StoredObject
from shared.settings import get_settings

# What HeadObject answers for a missing key, and (a HEAD has no body to say which) for a
# missing bucket too: absence is confirmed against the bucket before it is believed.
_ABSENT = {"404", "NoSuchKey", "NotFound"}
# Long enough for any real name; a header of a few hundred bytes at most.
MAX_FILE_NAME_CHARS = 120
# A file name never carries controls (CR/LF would split the header) or path separators.
_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")
# RFC 5987 attr-char beside letters and digits: what filename* may carry unencoded.
_ATTR_CHARS = "!#$&+-.^_`|~"


def content_disposition(file_name: str) -> str:
    """`attachment` naming `file_name` per RFC 6266: a quoted ASCII fallback for old
    clients and `filename*` (RFC 5987, UTF-8, percent-encoded) that every browser prefers,
    so a Chinese name survives and no name can add a parameter or break the header."""
    name = _shortened(_UNSAFE_IN_NAME.sub("_", file_name).strip()) or "file"
    # The fallback is printable ASCII without the quote, the backslash (quoted-string
    # escapes), ';' (naive parsers split on it) or '%' (some clients percent-decode it).
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\;%' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"


def _shortened(name: str) -> str:
    """At most MAX_FILE_NAME_CHARS, keeping a short extension so the file still opens."""
    if len(name) <= MAX_FILE_NAME_CHARS:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem and len(extension) <= 10:
        return f"{stem[: MAX_FILE_NAME_CHARS - len(extension) - 1]}.{extension}"
    return name[:MAX_FILE_NAME_CHARS]


class S3DocumentStore:
    def __init__(self, bucket: str | None = None) -> None:
        self.bucket = bucket or get_settings().require("documents_bucket")

    @property
    def _s3(self) -> Any:
        return client("s3")

    def presigned_upload(self, key: str, content_type: str, size: int, ttl: int) -> dict[str, Any]:
        """A POST policy that S3 itself enforces: exact key, exact type, and exactly the
        declared size (what the material's rules were checked against)."""
        try:
            result: dict[str, Any] = self._s3.generate_presigned_post(
                Bucket=self.bucket,
                Key=key,
                Fields={"Content-Type": content_type},
                Conditions=[{"Content-Type": content_type}, ["content-length-range", size, size]],
                ExpiresIn=ttl,
            )
        except AWS_ERRORS as exc:
            raise translate(exc) from exc
        return result

    def head(self, key: str) -> StoredObject | None:
        try:
            response = self._s3.head_object(Bucket=self.bucket, Key=key)
        except AWS_ERRORS as exc:
            if isinstance(exc, ClientError) and error_code(exc) in _ABSENT:
                self._require_bucket()
                return None
            raise translate(exc) from exc
        version = response.get("VersionId")
        return StoredObject(
            size=int(response["ContentLength"]),
            content_type=response.get("ContentType", ""),
            version_id=None if version in (None, "null") else version,
        )

    def _require_bucket(self) -> None:
        """A missing key is an answer; a missing bucket is an outage (DependencyUnavailable)."""
        try:
            self._s3.head_bucket(Bucket=self.bucket)
        except AWS_ERRORS as exc:
            if isinstance(exc, ClientError) and error_code(exc) in _ABSENT:
                raise DependencyUnavailable(f"bucket {self.bucket} does not exist") from exc
            raise translate(exc) from exc

    def put_pdf(self, key: str, body: bytes, metadata: dict[str, str]) -> None:
        try:
            self._s3.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType="application/pdf",
                Metadata=metadata,
            )
        except AWS_ERRORS as exc:
            raise translate(exc) from exc

    def presigned_download(
        self, key: str, ttl: int, file_name: str, version_id: str | None = None
    ) -> str:
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentDisposition": content_disposition(file_name),
        }
        if version_id:
            params["VersionId"] = version_id
        try:
            url: str = self._s3.generate_presigned_url("get_object", Params=params, ExpiresIn=ttl)
        except AWS_ERRORS as exc:
            raise translate(exc) from exc
        return url

    def read(self, key: str) -> bytes:
        try:
            body: bytes = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except AWS_ERRORS as exc:
            raise translate(exc) from exc
        return body
