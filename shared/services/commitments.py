"""容缺受理: where the catalog allows a required material to be missing at acceptance, the
applicant signs a commitment to supply it by a deadline; the case is accepted and reviewed,
and its result is issued only once the committed materials are in (the issuance stage
waits). Missing the deadline ends the case as a broken commitment and bars the applicant
from 容缺 for a period the centre sets (shared/stages/supplement.py, break_commitment).
"""

import hashlib
import json
from datetime import datetime

from shared.errors import Conflict, ValidationFailed
from shared.identity import Caller
from shared.models.api import CommitmentRequest, CommitmentTerms
from shared.models.application import Application, Commitment
from shared.models.catalog import CatalogItem
from shared.models.common import ApplicationStatus, Channel, Stage, utc_now
from shared.ports.applications import ApplicationRepository

_SIGNABLE = {ApplicationStatus.DRAFT, ApplicationStatus.RETURNED}


def sign(
    caller: Caller,
    application: Application,
    request: CommitmentRequest,
    item: CatalogItem,
    due_days: int,
    bar_days: int,
    cases: ApplicationRepository,
) -> Commitment:
    if application.status not in _SIGNABLE:
        raise Conflict(
            f"a commitment is signed before submitting, not while {application.status.value}",
            field="status",
        )
    rules = {m.code: m for m in item.materials}
    refused = [c for c in request.materials if c not in rules or not rules[c].commitment_allowed]
    if refused:
        allowed = ", ".join(m.code for m in item.materials if m.commitment_allowed) or "none"
        raise ValidationFailed(
            f"{', '.join(refused)} may not be supplied later (allowed: {allowed})",
            field="materials",
        )
    barred = cases.commitments_barred_until(application.applicant_key)
    now = utc_now()
    if barred is not None and barred > now:
        raise Conflict(
            f"the applicant broke a commitment and is not offered 容缺 until {barred.date()}",
            field="materials",
        )
    names = "、".join(rules[c].name_zh for c in request.materials)
    text = (
        f"本人{request.signer}代表申请人{application.applicant.name}承诺：自申请受理之日起"
        f"{due_days}个工作日内补齐以下材料：{names}，并对所补材料的真实性负责。逾期未补齐的，"
        f"本申请终止办理，申请人自终止之日起{bar_days}日内不再适用容缺受理，并记入信用记录。"
    )
    # At the window the applicant signs in person before the clerk, whose account files it.
    witnessed = application.channel is Channel.WINDOW
    if witnessed:
        text += f"本承诺由{request.signer}本人到场，在窗口工作人员见证下签署。"
    commitment = Commitment(
        materials=list(dict.fromkeys(request.materials)),
        text=text,
        signer=request.signer,
        signed_by=caller.username,
        witnessed_by=caller.username if witnessed else None,
        signed_at=now,
        due_days=due_days,
        digest=_digest(application.application_id, text, request.signer, caller.username, now),
    )
    application.commitment = commitment
    application.record(
        Stage.APPLICATION, "commitment_signed", caller.username, f"{names}: {commitment.digest}"
    )
    cases.save_application(application)
    return commitment


def terms(
    application: Application,
    item: CatalogItem,
    due_days: int,
    bar_days: int,
    cases: ApplicationRepository,
) -> CommitmentTerms:
    """What 容缺 this case may have: read before the applicant signs, so that the page can
    state the deadline and the bar, and not offer it to a barred applicant at all."""
    allowed = [m.code for m in item.materials if m.commitment_allowed]
    barred = cases.commitments_barred_until(application.applicant_key) if allowed else None
    if barred is not None and barred <= utc_now():
        barred = None
    return CommitmentTerms(
        materials=allowed,
        due_days=due_days,
        bar_days=bar_days,
        barred_until=barred,
        offered=bool(allowed) and application.status in _SIGNABLE and barred is None,
        commitment=application.commitment,
    )


def _digest(application_id: str, text: str, signer: str, account: str, at: datetime) -> str:
    signed = {
        "applicationId": application_id,
        "text": text,
        "signer": signer,
        "signedBy": account,
        "signedAt": at.isoformat(),
    }
    canonical = json.dumps(signed, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def open_commitment(application: Application) -> Commitment | None:
    """The commitment a case in approval still waits on."""
    commitment = application.commitment
    if application.status is not ApplicationStatus.IN_APPROVAL or commitment is None:
        return None
    return commitment if commitment.is_open and commitment.due_at is not None else None
