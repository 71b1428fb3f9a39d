"""The documents store (S3): applicants' uploads and issued documents."""

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str
    # The bucket is versioned: naming the version pins exactly the bytes that were looked at.
    version_id: str | None = None


class DocumentStore(Protocol):
    def presigned_upload(
        self, key: str, content_type: str, max_size: int, ttl: int
    ) -> dict[str, Any]: ...
    def head(self, key: str) -> StoredObject | None: ...
    def put_pdf(self, key: str, body: bytes, metadata: dict[str, str]) -> None: ...
    def presigned_download(
        self, key: str, ttl: int, file_name: str, version_id: str | None = None
    ) -> str: ...
    def read(self, key: str) -> bytes: ...
