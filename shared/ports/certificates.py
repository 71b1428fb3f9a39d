"""Issued certificates, verifiable by number and code."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Certificate:
    certificate_no: str
    application_id: str
    item_id: str
    verification_code: str
    holder: str  # masked applicant name/identifier shown on verification
    issued_at: datetime
    document_key: str
    revoked: bool = False


class CertificateRepository(Protocol):
    def put_certificate(self, certificate: Certificate) -> None: ...
    def get_certificate(self, certificate_no: str) -> Certificate | None: ...
