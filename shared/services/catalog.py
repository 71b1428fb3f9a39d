"""Public use cases: search the catalog, read an item's guide, verify a certificate."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from shared.domain.catalog_search import (
    CatalogIndex,
    Hit,
    SearchFilters,
    decode_position,
    encode_position,
)
from shared.domain.issuance import codes_match
from shared.errors import NotFound
from shared.models.api import VerificationView
from shared.models.catalog import CatalogItem
from shared.models.common import utc_now
from shared.models.ids import is_certificate_number, is_item_id
from shared.ports.catalog import CatalogRepository, CatalogRevision
from shared.ports.certificates import CertificateRepository, CertificateStatus
from shared.ports.page import Page


@dataclass
class CachedCatalogIndex:
    """The search index of the current catalog revision, kept for the container's life.

    At most every `refresh_seconds` it reads the revision pointer (one small item) and
    reloads the index only when a newer catalog was published; a search in between reads
    nothing from DynamoDB.
    """

    repo: CatalogRepository
    refresh_seconds: int
    clock: Callable[[], float] = time.monotonic
    _index: CatalogIndex = field(default_factory=lambda: CatalogIndex([]))
    _revision: CatalogRevision | None = None
    _checked_at: float | None = None

    def current(self) -> CatalogIndex:
        now = self.clock()
        if self._checked_at is not None and now - self._checked_at < self.refresh_seconds:
            return self._index
        revision = self.repo.catalog_revision()
        if revision is not None and (
            self._revision is None or revision.revision != self._revision.revision
        ):
            self._load(revision)
        self._checked_at = now
        return self._index

    def preload(self) -> None:
        """Loads the published index before the first search (the API function's init).

        When no catalog is published yet nothing is kept, so the first search looks again
        rather than serving an empty index for `refresh_seconds`.
        """
        revision = self.repo.catalog_revision()
        if revision is not None:
            self._load(revision)
            self._checked_at = self.clock()

    def _load(self, revision: CatalogRevision) -> None:
        self._index = CatalogIndex(self.repo.load_search_entries(revision))
        self._revision = revision

    @property
    def revision(self) -> int | None:
        return self._revision.revision if self._revision else None


def search_catalog(
    filters: SearchFilters, query: str | None, limit: int, cursor: str | None, index: CatalogIndex
) -> Page[Hit]:
    hits, position = index.search(filters, query, limit, decode_position(cursor))
    return Page(hits, encode_position(position), 0)


def catalog_item(item_id: str, repo: CatalogRepository, version: int | None = None) -> CatalogItem:
    item = repo.get_catalog_item(item_id, version) if is_item_id(item_id) else None
    if item is None:
        which = f"version {version} of catalog item" if version else "catalog item"
        raise NotFound(f"{which} {item_id} does not exist", field="itemId")
    return item


def verify_certificate(
    certificate_no: str, code: str, repo: CertificateRepository
) -> VerificationView:
    """Valid only with the code printed on the document, so numbers cannot be enumerated
    to read who holds what."""
    certificate = None
    if is_certificate_number(certificate_no):
        certificate = repo.get_certificate(certificate_no)
    if certificate is None or not codes_match(certificate.verification_code, code):
        raise NotFound(
            "no certificate with this number and verification code", field="certificateNo"
        )
    status = certificate.status(utc_now())
    return VerificationView(
        certificate_no=certificate_no,
        valid=status is CertificateStatus.VALID,
        item_id=certificate.item_id,
        holder=certificate.holder,
        issued_at=certificate.issued_at,
        result_name_zh=certificate.result_name_zh,
        result_name_en=certificate.result_name_en,
        status=status.value,
        expires_at=certificate.expires_at,
        revoked_at=certificate.revoked_at,
    )
