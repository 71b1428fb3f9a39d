"""Front-end acceptance (前台受理): the rules that decide accepted, returned or not accepted.

Pure: what S3 held for each material was recorded on the case when it was submitted
(`MaterialRecord.verified_*`), so acceptance decides from the case, the catalog version
it pinned, and the certificates the applicant chose in place of materials (免证办), which
the stage reads as they stand at acceptance.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.domain.forms import form_problems
from shared.models.application import Application, CheckedDocument, MissingItem
from shared.models.catalog import CatalogItem, MaterialRule, MaterialSource, OnlineDepth
from shared.models.common import Channel, utc_now
from shared.ports.certificates import Certificate, CertificateStatus


@dataclass
class AcceptanceDecision:
    outcome: str  # ACCEPTED | RETURNED | NOT_ACCEPTED
    missing: list[MissingItem] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def ineligibility_reasons(application: Application, item: CatalogItem) -> list[str]:
    """Grounds for not accepting at all (不予受理): no supplement can cure them."""
    reasons = []
    kinds = [k.value for k in item.applicant_kinds]
    if application.applicant.kind not in kinds:
        allowed = " or ".join(kinds)
        reasons.append(f"this item is for {allowed} applicants, not {application.applicant.kind}")
    if application.delivery.mode not in item.delivery_modes:
        reasons.append(
            f"delivery mode {application.delivery.mode.value} is not offered for this item"
        )
    return reasons


def missing_form_fields(application: Application, item: CatalogItem) -> list[MissingItem]:
    """Required fields left blank and values that do not fit their field's kind."""
    return [
        MissingItem(field=name, reason=reason)
        for name, reason in form_problems(item, application.form, require=True)
    ]


def material_problems(
    application: Application,
    item: CatalogItem,
    certificates: Mapping[str, Certificate] | None = None,
    now: datetime | None = None,
) -> list[MissingItem]:
    """Every required material the applicant submits must be in S3 with a fitting size
    and content type; an optional one that was declared must fit too. Materials taken from
    shared data or an issued certificate are not asked for; a certificate the applicant
    chose for one (免证办, `certificates` by number) must still be valid."""
    problems = []
    committed = committed_materials(application)
    for rule in item.materials:
        chosen = application.materials.get(rule.code)
        # A certificate this system issued stands for the material, whatever its source:
        # chosen by the applicant, or put in by the bundle from an earlier member's result.
        if rule.source is MaterialSource.ISSUED_CERTIFICATE or (chosen and chosen.certificate_no):
            problems += _certificate_problems(application, rule, certificates or {}, now)
            continue
        if not rule.uploaded:
            continue
        record = application.materials.get(rule.code)
        if rule.code in committed and (record is None or record.verified_size is None):
            continue  # 容缺: supplied later, as the applicant committed to
        field_name = f"materials.{rule.code}"
        if record is None:
            if rule.required:
                problems.append(
                    MissingItem(field=field_name, reason=f"{rule.name_zh} was not provided")
                )
            continue
        if record.verified_size is None:
            problems.append(
                MissingItem(field=field_name, reason=f"{rule.name_zh} was not uploaded")
            )
        elif record.verified_size > rule.max_size_bytes:
            problems.append(
                MissingItem(field=field_name, reason=f"file exceeds {rule.max_size_bytes} bytes")
            )
        elif record.verified_content_type not in rule.content_types:
            problems.append(
                MissingItem(
                    field=field_name,
                    reason=f"type {record.verified_content_type} is not one of "
                    f"{rule.content_types}",
                )
            )
    return problems


def _certificate_problems(
    application: Application,
    rule: MaterialRule,
    certificates: Mapping[str, Certificate],
    now: datetime | None,
) -> list[MissingItem]:
    record = application.materials.get(rule.code)
    if record is None or record.certificate_no is None:
        return []
    number = record.certificate_no
    certificate = certificates.get(number)
    if certificate is None:
        reason = f"{rule.name_zh}: certificate {number} was not found"
    elif certificate.holder_key != application.applicant_key:
        reason = f"{rule.name_zh}: certificate {number} was issued to another applicant"
    else:
        status = certificate.status(now or utc_now())
        if status is CertificateStatus.VALID:
            return []
        when = certificate.revoked_at if status is CertificateStatus.REVOKED else None
        when = when or certificate.expires_at
        on = f" on {when.date().isoformat()}" if when else ""
        reason = f"{rule.name_zh}: certificate {number} was {status.value}{on}; use a valid one"
    return [MissingItem(field=f"materials.{rule.code}", reason=reason)]


def committed_materials(application: Application) -> set[str]:
    commitment = application.commitment
    return set(commitment.materials) if commitment and commitment.is_open else set()


def committed_still_missing(application: Application) -> list[str]:
    """The committed materials not yet in S3 (as the last submission found them)."""
    return [
        code
        for code in sorted(committed_materials(application))
        if (record := application.materials.get(code)) is None or record.verified_size is None
    ]


def evaluate(
    application: Application,
    item: CatalogItem,
    certificates: Mapping[str, Certificate] | None = None,
) -> AcceptanceDecision:
    reasons = ineligibility_reasons(application, item)
    if reasons:
        return AcceptanceDecision("NOT_ACCEPTED", reasons=reasons)
    # One-time notice (一次性告知): everything missing is listed at once.
    missing = missing_form_fields(application, item) + material_problems(
        application, item, certificates
    )
    if missing:
        return AcceptanceDecision("RETURNED", missing=missing)
    return AcceptanceDecision("ACCEPTED")


_DEPTHS = {
    OnlineDepth.INFORMATION: "the guide (一星)",
    OnlineDepth.PRE_REVIEW: "a pre-review (二星)",
    OnlineDepth.ONLINE: "one visit for the originals or the result (三星)",
}


WALK_IN_REASON = "filed at the window for a walk-in applicant: the clerk checks the originals"


def case_needs_a_person(application: Application, item: CatalogItem) -> str | None:
    """Why a clerk accepts this case: it was filed at the window (the clerk has the
    originals in hand), or its item needs a person. An item that needs one only to see
    the originals (三星, no site visit) needs none when every original it asks to see was
    checked already: reused documents a clerk checked in an earlier case (可复用)."""
    if application.channel is Channel.WINDOW:
        return WALK_IN_REASON
    reason = needs_a_person(item)
    if reason and _only_for_originals(item) and originals_all_checked(application, item):
        return None
    return reason


def _only_for_originals(item: CatalogItem) -> bool:
    return not item.on_site_visits and item.online_depth is OnlineDepth.ONLINE


def originals_all_checked(application: Application, item: CatalogItem) -> bool:
    """True when the case has every material whose original the item asks to see, each
    already checked against it."""
    shown = [r for r in item.materials if r.uploaded and r.originals and r.required]
    return bool(shown) and all(
        r.code in application.materials and application.materials[r.code].original_checked_by
        for r in shown
    )


# A document checked against its original is reused for a year; then the centre sees the
# original again (an ID card or a licence may have been renewed or revoked meanwhile).
CHECKED_DOCUMENT_DAYS = 365


def reusable_until(document: CheckedDocument) -> datetime:
    return document.checked_at + timedelta(days=CHECKED_DOCUMENT_DAYS)


def reusable_for(
    rule: MaterialRule, documents: Iterable[CheckedDocument], now: datetime
) -> CheckedDocument | None:
    """The checked document this material may reuse now: of its kind, still within its
    year, of a type and size the material accepts."""
    for document in documents:
        if (
            rule.reusable_as is not None
            and document.kind is rule.reusable_as
            and now < reusable_until(document)
            and document.content_type in rule.content_types
            and document.size <= rule.max_size_bytes
        ):
            return document
    return None


def checked_documents(application: Application, item: CatalogItem) -> list[CheckedDocument]:
    """The case's reusable documents a clerk checked against their originals (uploaded
    here, not themselves reused), to keep for the applicant's later cases."""
    kept = []
    for rule in item.materials:
        material = application.materials.get(rule.code)
        if (
            rule.reusable_as is None
            or material is None
            or material.reused_from is not None
            or material.original_checked_by is None
            or material.original_checked_at is None
            or material.verified_size is None
        ):
            continue
        kept.append(
            CheckedDocument(
                kind=rule.reusable_as,
                owner_id=application.owner_id,
                application_id=application.application_id,
                material_code=rule.code,
                file_name=material.file_name,
                content_type=material.verified_content_type or material.content_type,
                size=material.verified_size,
                s3_key=material.s3_key,
                version_id=material.verified_version_id,
                checked_by=material.original_checked_by,
                checked_at=material.original_checked_at,
            )
        )
    return kept


def needs_a_person(item: CatalogItem) -> str | None:
    """Why a window clerk must accept a complete case of this item (None: the rules
    suffice). An item handled fully online (四星, 全程网办) is accepted on its rules; one with
    an on-site visit, or handled online only up to a visit for the originals (三星) or a
    pre-review (二星), needs a clerk to check the originals and judge."""
    if item.on_site_visits:
        return f"an on-site visit: {item.visit_reason_zh}"
    if item.online_depth is not OnlineDepth.FULLY_ONLINE:
        depth = _DEPTHS.get(item.online_depth, item.online_depth.value)
        return f"handled online only up to {depth}: a clerk checks the originals"
    return None
