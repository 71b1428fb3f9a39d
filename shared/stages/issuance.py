"""Stage 3, unified issuance (统一出件): one result however many departments took part.

All approved: a certificate (number, PDF in S3, verification code). Any rejection: one
rejection notice carrying every department's reasons.
"""

from typing import Any

from shared.domain import issuance as docs
from shared.errors import StageError
from shared.models.application import Application, ResultRecord
from shared.models.common import ApplicationStatus, Stage, utc_now
from shared.names import document_key
from shared.ports.applications import ApplicationRepository
from shared.ports.catalog import CatalogRepository
from shared.ports.certificates import Certificate, CertificateRepository
from shared.ports.documents import DocumentStore
from shared.stages.common import SYSTEM, load_case, mutate


def issue_result(
    application_id: str,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
    certificates: CertificateRepository,
    store: DocumentStore,
) -> dict[str, Any]:
    application, item = load_case(cases, catalog, application_id)
    if application.result is not None:  # a retried invocation: the result stands
        return {"applicationId": application_id, "outcome": application.result.outcome}
    if application.status is not ApplicationStatus.IN_APPROVAL or application.acceptance is None:
        raise StageError(f"application {application_id} is {application.status}, not IN_APPROVAL")
    # The review plan fixed at acceptance decides who must have decided, not the catalog.
    planned = [a.department for a in application.acceptance.review_plan]
    undecided = [
        d
        for d in planned
        if d not in application.reviews or application.reviews[d].status == "PENDING"
    ]
    if undecided:
        raise StageError(f"reviews still pending for {', '.join(undecided)}")

    rejections = [
        (d, r.comment or "rejected without a stated reason")
        for d, r in application.reviews.items()
        if r.status != "APPROVED"
    ]
    now = utc_now()
    names = {d.code: d.name_zh for d in catalog.get_departments()}
    if rejections:
        key = document_key(application_id, "rejection-notice.pdf")
        pdf = docs.render_rejection_notice_pdf(application, item, names, rejections, now)
        store.put_pdf(key, pdf, {"application-id": application_id, "kind": "rejection-notice"})
        result = ResultRecord(
            outcome="REJECTED",
            issued_at=now,
            document_key=key,
            reasons=[f"{names.get(d, d)}: {reason}" for d, reason in rejections],
        )
    else:
        number = docs.new_certificate_number(item, now)
        code = docs.new_verification_code()
        key = document_key(application_id, f"{number}.pdf")
        pdf = docs.render_certificate_pdf(application, item, names, number, code, now)
        store.put_pdf(key, pdf, {"application-id": application_id, "kind": "certificate"})
        certificates.put_certificate(
            Certificate(
                certificate_no=number,
                application_id=application_id,
                item_id=item.item_id,
                verification_code=code,
                holder=_holder(application),
                issued_at=now,
                document_key=key,
            )
        )
        result = ResultRecord(
            outcome="APPROVED",
            issued_at=now,
            document_key=key,
            certificate_no=number,
            verification_code=code,
        )

    def settle(case: Application) -> None:
        case.result = result
        if result.outcome == "APPROVED":
            case.move_to(
                ApplicationStatus.APPROVED, Stage.ISSUANCE, SYSTEM, "all departments approved"
            )
            case.move_to(
                ApplicationStatus.ISSUED,
                Stage.ISSUANCE,
                SYSTEM,
                f"certificate {result.certificate_no}",
            )
        else:
            case.move_to(
                ApplicationStatus.REJECTED, Stage.ISSUANCE, SYSTEM, "; ".join(result.reasons)
            )

    mutate(cases, application_id, settle, loaded=application)
    return {"applicationId": application_id, "outcome": result.outcome}


def _holder(application: Application) -> str:
    applicant = application.applicant
    identifier = applicant.id_number if applicant.kind == "person" else applicant.credit_code
    return f"{applicant.name} ({docs.mask_identifier(identifier)})"
