"""Issued certificates: verifiable by number and code, held by the applicant they were
issued to (免证办: a later case of the same account and applicant uses one in place of a
material), and revocable by the department that issued them."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class CertificateStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"


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
    # Who holds it: the applicant's credit code or ID number, and the account of the case
    # that obtained it (certificates issued before these were kept have neither).
    holder_key: str = ""
    owner_id: str = ""
    result_name_zh: str = ""
    result_name_en: str = ""
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoked_reason: str = ""

    def status(self, now: datetime) -> CertificateStatus:
        if self.revoked:
            return CertificateStatus.REVOKED
        if self.expires_at is not None and now >= self.expires_at:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID


class CertificateRepository(Protocol):
    def put_certificate(self, certificate: Certificate) -> None: ...
    def get_certificate(self, certificate_no: str) -> Certificate | None: ...

    def certificates_held(self, holder_key: str, owner_id: str, item_id: str) -> list[Certificate]:
        """The certificates `item_id` issued to this applicant in this account's cases,
        newest first (revoked and expired ones too)."""
        ...

    def revoke_certificate(
        self, certificate: Certificate, by: str, reason: str, at: datetime
    ) -> Certificate:
        """Marks it revoked (a Conflict if it is already); returns it as stored."""
        ...
