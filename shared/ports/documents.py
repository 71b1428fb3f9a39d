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
    def presigned_upload(self, key: str, content_type: str, size: int, ttl: int) -> dict[str, Any]:
        """A presigned POST for exactly `size` bytes of `content_type` under `key`."""
        ...

    def head(self, key: str) -> StoredObject | None:
        """What is stored under `key`, None if nothing is; a TransientError (never None)
        if the store cannot say, e.g. its bucket is gone."""
        ...

    def put_pdf(self, key: str, body: bytes, metadata: dict[str, str]) -> None: ...
    def presigned_download(
        self, key: str, ttl: int, file_name: str, version_id: str | None = None
    ) -> str:
        """A link that downloads the object as an attachment named `file_name`."""
        ...

    def read(self, key: str) -> bytes: ...
