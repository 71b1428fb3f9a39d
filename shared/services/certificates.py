"""免证办: a material whose catalog source is a certificate this system issued is satisfied
from the applicant's own certificates. The applicant picks one instead of uploading;
reviewers see it; acceptance refuses one revoked or expired by then
(shared/domain/acceptance.py). The issuing department revokes a certificate it issued.

"The applicant's own": issued by the material's source item, in a case of the same account
for the same applicant (credit code or ID number), as reuse of checked documents is.
"""

from datetime import datetime

from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shared.identity import Caller
from shared.models.api import (
    CertificateOffer,
    CertificateOfferList,
    CertificateUndoRequest,
    CertificateUseRequest,
    CertificateView,
    RevocationRequest,
)
from shared.models.application import Application, MaterialRecord
from shared.models.catalog import MaterialRule, MaterialSource
from shared.models.common import utc_now
from shared.models.ids import is_certificate_number
from shared.ports.applications import ApplicationRepository
from shared.ports.catalog import CatalogRepository
from shared.ports.certificates import Certificate, CertificateRepository, CertificateStatus
from shared.services.applications import EDITABLE_STATUSES, get_own_application, pinned_item


def certificate_offers(
    caller: Caller,
    application_id: str,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
    certificates: CertificateRepository,
) -> CertificateOfferList:
    """Each material of the case's item that an issued certificate stands for, with the
    applicant's certificates of its source item (one query each)."""
    application = get_own_application(caller, application_id, cases)
    now = utc_now()
    rules = _certificate_rules(application, catalog)
    return CertificateOfferList(items=[_offer(application, r, certificates, now) for r in rules])


def use_certificate(
    caller: Caller,
    application_id: str,
    request: CertificateUseRequest,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
    certificates: CertificateRepository,
) -> CertificateView:
    """Puts the applicant's certificate in the case for the material, while it is editable:
    one not theirs, of another item, revoked or expired is refused naming certificateNo."""
    application = get_own_application(caller, application_id, cases)
    rule = _editable_certificate_rule(application, request.material_code, catalog)
    certificate = _held_certificate(application, request.certificate_no, certificates)
    if certificate is None or certificate.item_id != rule.source_item:
        raise NotFound(
            f"no certificate {request.certificate_no} of this applicant for {rule.name_zh}",
            field="certificateNo",
        )
    now = utc_now()
    status = certificate.status(now)
    if status is not CertificateStatus.VALID:
        raise Conflict(
            f"certificate {certificate.certificate_no} is {status.value}", field="certificateNo"
        )
    record = MaterialRecord(
        code=rule.code,
        file_name=f"{certificate.certificate_no}.pdf",
        content_type="application/pdf",
        declared_size=0,
        s3_key=certificate.document_key,
        requested_at=now,
        verified_content_type="application/pdf",
        verified_at=now,
        certificate_no=certificate.certificate_no,
    )
    cases.put_materials(application_id, [record])
    return certificate_view(certificate, now)


def undo_certificate(
    caller: Caller,
    application_id: str,
    request: CertificateUndoRequest,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
    certificates: CertificateRepository,
) -> CertificateOffer:
    """The case no longer uses a certificate for the material, while it is editable: the
    material is again left to the department, as for an applicant with none."""
    application = get_own_application(caller, application_id, cases)
    rule = _editable_certificate_rule(application, request.material_code, catalog)
    chosen = application.materials.get(rule.code)
    if chosen is not None and chosen.certificate_no:
        cases.remove_material(application_id, rule.code)
        del application.materials[rule.code]
    return _offer(application, rule, certificates, utc_now())


def certificate_for(
    caller: Caller,
    certificate_no: str,
    certificates: CertificateRepository,
    catalog: CatalogRepository,
) -> CertificateView:
    """A certificate for the department that issued it (its item's lead department)."""
    certificate = _issued_by_callers_department(caller, certificate_no, certificates, catalog)
    return certificate_view(certificate, utc_now())


def revoke(
    caller: Caller,
    certificate_no: str,
    request: RevocationRequest,
    certificates: CertificateRepository,
    catalog: CatalogRepository,
) -> CertificateView:
    """撤销: the issuing department revokes it, with the reason; verification and later
    acceptances see it revoked. Revoking it again is a 409."""
    certificate = _issued_by_callers_department(caller, certificate_no, certificates, catalog)
    if certificate.revoked:
        raise Conflict(f"certificate {certificate_no} is revoked already", field="status")
    now = utc_now()
    revoked = certificates.revoke_certificate(certificate, caller.username, request.reason, now)
    return certificate_view(revoked, now)


def certificate_view(certificate: Certificate, now: datetime) -> CertificateView:
    return CertificateView(
        certificate_no=certificate.certificate_no,
        item_id=certificate.item_id,
        result_name_zh=certificate.result_name_zh,
        result_name_en=certificate.result_name_en,
        holder=certificate.holder,
        issued_at=certificate.issued_at,
        expires_at=certificate.expires_at,
        status=certificate.status(now).value,
        revoked_at=certificate.revoked_at,
        revoked_reason=certificate.revoked_reason,
        application_id=certificate.application_id,
    )


def _editable_certificate_rule(
    application: Application, material_code: str, catalog: CatalogRepository
) -> MaterialRule:
    if application.status not in EDITABLE_STATUSES:
        raise Conflict(
            f"materials cannot change while the case is {application.status}", field="status"
        )
    rule = next(
        (r for r in _certificate_rules(application, catalog) if r.code == material_code), None
    )
    if rule is None:
        raise ValidationFailed(
            f"{material_code} is not a material an issued certificate stands for",
            field="materialCode",
        )
    return rule


def _offer(
    application: Application,
    rule: MaterialRule,
    certificates: CertificateRepository,
    now: datetime,
) -> CertificateOffer:
    assert rule.source_item is not None
    held = certificates.certificates_held(
        application.applicant_key, application.owner_id, rule.source_item
    )
    record = application.materials.get(rule.code)
    return CertificateOffer(
        material_code=rule.code,
        name_zh=rule.name_zh,
        name_en=rule.name_en,
        required=rule.required,
        source_item=rule.source_item,
        certificates=[certificate_view(c, now) for c in held],
        chosen=record.certificate_no if record else None,
    )


def _certificate_rules(application: Application, catalog: CatalogRepository) -> list[MaterialRule]:
    item = pinned_item(application, catalog)
    return [r for r in item.materials if r.source is MaterialSource.ISSUED_CERTIFICATE]


def _held_certificate(
    application: Application, certificate_no: str, certificates: CertificateRepository
) -> Certificate | None:
    if not is_certificate_number(certificate_no):
        return None
    certificate = certificates.get_certificate(certificate_no)
    if certificate is None or (certificate.holder_key, certificate.owner_id) != (
        application.applicant_key,
        application.owner_id,
    ):
        return None  # another's certificate is reported as absent, like another's case
    return certificate


def _issued_by_callers_department(
    caller: Caller,
    certificate_no: str,
    certificates: CertificateRepository,
    catalog: CatalogRepository,
) -> Certificate:
    certificate = (
        certificates.get_certificate(certificate_no)
        if is_certificate_number(certificate_no)
        else None
    )
    if certificate is None:
        raise NotFound(f"certificate {certificate_no} not found", field="certificateNo")
    item = catalog.get_catalog_item(certificate.item_id)
    lead = item.lead_department if item else None
    if lead is None or not caller.in_department(lead):
        raise Forbidden(
            f"only staff of the issuing department ({lead or 'withdrawn item'}) may do this",
            field="certificateNo",
        )
    return certificate
