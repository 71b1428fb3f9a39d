"""Stage 3, unified issuance (统一出件): one result however many departments took part.

All approved: a certificate (number, PDF in S3, verification code). Any rejection: one
rejection notice carrying every department's reasons.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.domain import issuance as docs
from shared.domain.workdays import seconds_until
from shared.errors import StageError
from shared.models.application import Application, ResultRecord
from shared.models.common import ApplicationStatus, Stage, utc_now
from shared.names import document_key
from shared.ports.applications import ApplicationRepository
from shared.ports.catalog import CatalogRepository
from shared.ports.certificates import Certificate, CertificateRepository
from shared.ports.documents import DocumentStore
from shared.stages.common import SYSTEM, load_case, mutate

if TYPE_CHECKING:
    from shared.models.catalog import CatalogItem


class AwaitingCommitment(Exception):
    """Not a fault: the workflow's branch to the commitment wait. The message is the
    seconds until the commitment's deadline, which the wait takes as its timeout."""


def issue_result(
    application_id: str,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
    certificates: CertificateRepository,
    store: DocumentStore,
) -> dict[str, Any]:
    """Plans the result, keeps the plan, then carries it out step by step: the document,
    the certificate record, the case settled. A retry after any step finds the plan and
    finishes it, so a case gets exactly one number, one document and one result."""
    application, item = load_case(cases, catalog, application_id)
    if application.result is not None:  # a retried invocation: the result stands
        return {"applicationId": application_id, "outcome": application.result.outcome}
    if application.status is not ApplicationStatus.IN_APPROVAL or application.acceptance is None:
        raise StageError(f"application {application_id} is {application.status}, not IN_APPROVAL")
    _require_every_planned_decision(application)
    commitment = application.commitment
    if (
        application.planned_result is None
        and commitment is not None
        and commitment.is_open
        and commitment.due_at is not None
        and not _rejections(application)
    ):
        # 容缺: approved, but the committed materials are not in yet; the workflow catches
        # this and waits for them until the deadline (then the commitment is broken).
        raise AwaitingCommitment(str(seconds_until(commitment.due_at, utc_now())))
    names = {d.code: d.name_zh for d in catalog.get_departments()}
    resuming = application.planned_result is not None
    planned = application.planned_result or cases.plan_result(
        application_id, _plan(application, item, names, utc_now())
    )
    if not (resuming and store.head(planned.document_key)):
        store.put_pdf(
            planned.document_key,
            _render(application, item, names, planned),
            {
                "application-id": application_id,
                "kind": "certificate" if planned.certificate_no else "rejection-notice",
            },
        )
    if planned.certificate_no and not (
        resuming and certificates.get_certificate(planned.certificate_no)
    ):
        certificates.put_certificate(_certificate(application, item, planned))
    mutate(cases, application_id, lambda case: _settle(case, planned), loaded=application)
    return {"applicationId": application_id, "outcome": planned.outcome}


def _require_every_planned_decision(application: Application) -> None:
    """The review plan fixed at acceptance decides who must have decided, not the catalog
    as it stands now (a co-department added since does not hold the case up)."""
    assert application.acceptance is not None
    planned = [a.department for a in application.acceptance.review_plan]
    undecided = [
        d
        for d in planned
        if d not in application.reviews or application.reviews[d].status == "PENDING"
    ]
    if undecided:
        raise StageError(f"reviews still pending for {', '.join(undecided)}")


def _rejections(application: Application) -> list[tuple[str, str]]:
    return [
        (d, r.comment or "rejected without a stated reason")
        for d, r in application.reviews.items()
        if r.status != "APPROVED"
    ]


def _plan(
    application: Application, item: CatalogItem, names: dict[str, str], now: datetime
) -> ResultRecord:
    application_id = application.application_id
    rejections = _rejections(application)
    if rejections:
        return ResultRecord(
            outcome="REJECTED",
            issued_at=now,
            document_key=document_key(application_id, "rejection-notice.pdf"),
            reasons=[f"{names.get(d, d)}: {reason}" for d, reason in rejections],
        )
    number = docs.new_certificate_number(item, now)
    return ResultRecord(
        outcome="APPROVED",
        issued_at=now,
        document_key=document_key(application_id, f"{number}.pdf"),
        certificate_no=number,
        verification_code=docs.new_verification_code(),
    )


def _render(
    application: Application, item: CatalogItem, names: dict[str, str], planned: ResultRecord
) -> bytes:
    """The document of the plan, the same whichever attempt renders it."""
    if planned.outcome == "REJECTED":
        rejections = _rejections(application)
        return docs.render_rejection_notice_pdf(
            application, item, names, rejections, planned.issued_at
        )
    assert planned.certificate_no and planned.verification_code
    return docs.render_certificate_pdf(
        application,
        item,
        names,
        planned.certificate_no,
        planned.verification_code,
        planned.issued_at,
    )


def _certificate(application: Application, item: CatalogItem, planned: ResultRecord) -> Certificate:
    assert planned.certificate_no and planned.verification_code
    return Certificate(
        certificate_no=planned.certificate_no,
        application_id=application.application_id,
        item_id=item.item_id,
        verification_code=planned.verification_code,
        holder=_holder(application),
        issued_at=planned.issued_at,
        document_key=planned.document_key,
        holder_key=application.applicant_key,
        owner_id=application.owner_id,
        result_name_zh=item.result.name_zh,
        result_name_en=item.result.name_en,
        expires_at=_expiry(planned.issued_at, item.result.validity_years),
    )


def _expiry(issued_at: datetime, years: int | None) -> datetime | None:
    """The certificate's validity (有效期) from the catalog; None: valid without a term."""
    if years is None:
        return None
    try:
        return issued_at.replace(year=issued_at.year + years)
    except ValueError:  # issued on 29 February: the term ends on the 28th
        return issued_at.replace(year=issued_at.year + years, day=28)


def _settle(case: Application, result: ResultRecord) -> None:
    case.result = result
    if result.outcome == "APPROVED":
        case.move_to(ApplicationStatus.APPROVED, Stage.ISSUANCE, SYSTEM, "all departments approved")
        case.move_to(
            ApplicationStatus.ISSUED, Stage.ISSUANCE, SYSTEM, f"certificate {result.certificate_no}"
        )
    else:
        case.move_to(ApplicationStatus.REJECTED, Stage.ISSUANCE, SYSTEM, "; ".join(result.reasons))


def _holder(application: Application) -> str:
    applicant = application.applicant
    identifier = applicant.id_number if applicant.kind == "person" else applicant.credit_code
    return f"{applicant.name} ({docs.mask_identifier(identifier)})"
