"""Public use cases: browse the catalog, verify an issued certificate."""

from shared.adapters.pagination import Page
from shared.adapters.repository import Repository
from shared.domain.issuance import codes_match, is_certificate_number
from shared.errors import NotFound
from shared.models.api import VerificationView
from shared.models.catalog import CatalogItem
from shared.models.common import ItemType


def search_catalog(
    item_type: ItemType | None, query: str | None, limit: int, cursor: str | None, repo: Repository
) -> Page[CatalogItem]:
    text = query.strip() if query else None
    return repo.list_catalog(item_type.value if item_type else None, text or None, limit, cursor)


def catalog_item(item_id: str, repo: Repository) -> CatalogItem:
    item = repo.get_catalog_item(item_id)
    if item is None:
        raise NotFound(f"catalog item {item_id} does not exist", field="itemId")
    return item


def verify_certificate(certificate_no: str, code: str, repo: Repository) -> VerificationView:
    """Valid only with the code printed on the document, so numbers cannot be enumerated
    to read who holds what."""
    certificate = None
    if is_certificate_number(certificate_no):
        certificate = repo.get_certificate(certificate_no)
    if certificate is None or not codes_match(certificate.verification_code, code):
        raise NotFound(
            "no certificate with this number and verification code", field="certificateNo"
        )
    return VerificationView(
        certificate_no=certificate_no,
        valid=not certificate.revoked,
        item_id=certificate.item_id,
        holder=certificate.holder,
        issued_at=certificate.issued_at,
    )
