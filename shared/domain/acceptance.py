"""Front-end acceptance (前台受理): the rules that decide accepted, returned or not accepted.

Pure: what S3 held for each material was recorded on the case when it was submitted
(`MaterialRecord.verified_*`), so acceptance decides from the case and the catalog version
it pinned alone.
"""

from dataclasses import dataclass, field

from shared.domain.forms import form_problems
from shared.models.application import Application, MissingItem
from shared.models.catalog import CatalogItem, OnlineDepth
from shared.models.common import Channel


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


def material_problems(application: Application, item: CatalogItem) -> list[MissingItem]:
    """Every required material the applicant submits must be in S3 with a fitting size
    and content type; an optional one that was declared must fit too. Materials taken from
    shared data or an issued certificate are not asked for."""
    problems = []
    committed = committed_materials(application)
    for rule in item.materials:
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


def evaluate(application: Application, item: CatalogItem) -> AcceptanceDecision:
    reasons = ineligibility_reasons(application, item)
    if reasons:
        return AcceptanceDecision("NOT_ACCEPTED", reasons=reasons)
    # One-time notice (一次性告知): everything missing is listed at once.
    missing = missing_form_fields(application, item) + material_problems(application, item)
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
    originals in hand), or its item needs a person."""
    if application.channel is Channel.WINDOW:
        return WALK_IN_REASON
    return needs_a_person(item)


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
