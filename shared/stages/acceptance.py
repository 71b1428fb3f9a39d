"""Stage 1, front-end acceptance: accepted (deadlines set, reviews planned), returned for
supplement with a one-time list, or not accepted with reasons.

It reads no S3: what each upload turned out to be was recorded on the case when the
applicant submitted it (shared/services/applications.py), by the API, which already holds
an S3 client for the upload links; a second client here would cost every cold start of
this function ~0.3x of its budget."""

from datetime import datetime, timedelta
from typing import Any

from shared.domain import acceptance as rules
from shared.domain.clock import start_clock
from shared.domain.workdays import add_working_days, seconds_until
from shared.errors import StageError
from shared.models.application import (
    AcceptanceRecord,
    Application,
    ClerkDecision,
    ReviewAssignment,
)
from shared.models.common import ApplicationStatus, ReviewRole, Stage, utc_now
from shared.ports.applications import ApplicationRepository
from shared.ports.catalog import CatalogRepository
from shared.ports.certificates import Certificate, CertificateRepository
from shared.stages.common import SYSTEM, load_case, mutate

# Step Functions ends a standard execution after one year; every wait ends before that.
EXECUTION_LIFETIME = timedelta(days=365)
LIFETIME_RESERVE = timedelta(days=7)  # for the stages after the last wait
# The applicant is told on the spot or within 5 days whether the application is accepted;
# no word by then and it is accepted (Administrative Licensing Law §32).
WINDOW_WAIT_DAYS = 5


def run_acceptance(
    application_id: str,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
    supplement_wait_days: int,
    review_margin_days: int = 20,
    execution_started_at: datetime | None = None,
    certificates: CertificateRepository | None = None,
) -> dict[str, Any]:
    application, item = load_case(cases, catalog, application_id)
    if application.status is not ApplicationStatus.SUBMITTED:
        # A retried invocation after the decision was saved: answer the same again.
        if application.acceptance is not None:
            return _output(application, supplement_wait_days)
        raise StageError(f"application {application_id} is {application.status}, not SUBMITTED")

    decision = rules.evaluate(application, item, _chosen_certificates(application, certificates))
    now = utc_now()
    waits_end = (execution_started_at or now) + EXECUTION_LIFETIME - LIFETIME_RESERVE
    clerk = application.clerk_decision
    if (
        decision.outcome == "ACCEPTED"
        and clerk is None
        and rules.case_needs_a_person(application, item)
    ):
        # Complete, but a person decides (the item needs one, or it was filed at the
        # window for a walk-in applicant): the case waits in the window queue, at
        # most the law's 5 days (then it is deemed accepted, §32). Nothing is written here.
        due = min(add_working_days(now, WINDOW_WAIT_DAYS), waits_end)
        return {
            "applicationId": application_id,
            "outcome": "AT_WINDOW",
            "windowTimeoutSeconds": seconds_until(due, now),
        }
    if clerk is not None and decision.outcome != "NOT_ACCEPTED":
        decision = _carried_out(clerk)
    actor = clerk.decided_by if clerk is not None else SYSTEM

    def apply(case: Application) -> None:
        if case.status is not ApplicationStatus.SUBMITTED:
            raise StageError(
                f"application {application_id} changed to {case.status} during acceptance"
            )
        record = AcceptanceRecord(
            outcome=decision.outcome,
            decided_at=now,  # type: ignore[arg-type]
            missing=decision.missing,
            reasons=decision.reasons,
            clerk=case.clerk_decision,
        )
        _check_originals(case)
        case.clerk_decision, case.at_window_since = None, None
        if decision.outcome == "ACCEPTED":
            record.review_plan = [
                ReviewAssignment(department=d, role=ReviewRole.LEAD if i == 0 else ReviewRole.CO)
                for i, d in enumerate(item.departments)
            ]
            record.deadline_at = add_working_days(now, item.promised_days)
            record.statutory_deadline_at = add_working_days(now, item.statutory_days)
            case.clock = start_clock(
                now,
                item.promised_days,
                item.statutory_days,
                len(record.review_plan),
                item.warning_days,
            )
            # The wait leaves room for what may lawfully stop or extend the clock: the
            # extension, each of the item's special procedures and one supplement asked
            # mid-approval, then the margin.
            stoppable = sum(
                p.limit_days for p in item.special_procedures if not p.counts_toward_limit
            )
            bound = add_working_days(
                record.statutory_deadline_at,
                case.clock.max_extension_days
                + stoppable
                + supplement_wait_days
                + review_margin_days,
            )
            record.review_bound_at = min(bound, waits_end)
            case.acceptance = record
            _start_commitment(case, now)
            reviewers = ", ".join(f"{a.department} ({a.role.value})" for a in record.review_plan)
            case.move_to(
                ApplicationStatus.IN_APPROVAL,
                Stage.ACCEPTANCE,
                actor,
                f"accepted; promised by {record.deadline_at.isoformat()}; reviewed by {reviewers}",
            )
        elif decision.outcome == "RETURNED":
            record.supplement_due_at = min(add_working_days(now, supplement_wait_days), waits_end)
            case.acceptance = record
            case.move_to(
                ApplicationStatus.RETURNED,
                Stage.ACCEPTANCE,
                actor,
                "; ".join(f"{m.field}: {m.reason}" for m in decision.missing),
            )
        else:
            case.acceptance = record
            case.move_to(
                ApplicationStatus.NOT_ACCEPTED,
                Stage.ACCEPTANCE,
                actor,
                "; ".join(decision.reasons),
            )

    saved, _ = mutate(cases, application_id, apply, loaded=application)
    checked = rules.checked_documents(saved, item)
    if checked:  # trust level B: the applicant's later cases may reuse them (可复用)
        cases.keep_checked_documents(saved.applicant_key, checked)
    return _output(saved, supplement_wait_days)


def _chosen_certificates(
    application: Application, certificates: CertificateRepository | None
) -> dict[str, Certificate]:
    """免证办: the certificates the applicant chose for materials, as they stand now (one
    read each; a case names a few at most)."""
    numbers = {r.certificate_no for r in application.materials.values() if r.certificate_no}
    if not numbers or certificates is None:
        return {}
    found = {n: certificates.get_certificate(n) for n in sorted(numbers)}
    return {n: c for n, c in found.items() if c is not None}


def _start_commitment(case: Application, now: datetime) -> None:
    """容缺: the deadline to supply the committed materials runs from acceptance."""
    commitment = case.commitment
    if commitment is None or not commitment.is_open:
        return
    missing = rules.committed_still_missing(case)
    if not missing:
        commitment.fulfilled_at = now
        return
    commitment.due_at = add_working_days(now, commitment.due_days)
    case.record(
        Stage.ACCEPTANCE,
        "accepted_on_commitment",
        SYSTEM,
        f"accepted with {', '.join(missing)} to come by {commitment.due_at.isoformat()}; "
        "the result is issued once they are in",
    )


def _carried_out(clerk: ClerkDecision) -> rules.AcceptanceDecision:
    if clerk.outcome == "accept":
        return rules.AcceptanceDecision("ACCEPTED")
    if clerk.outcome == "return":
        return rules.AcceptanceDecision("RETURNED", missing=list(clerk.missing))
    return rules.AcceptanceDecision("NOT_ACCEPTED", reasons=list(clerk.reasons))


def _check_originals(case: Application) -> None:
    """The materials the clerk checked against the originals shown (trust level B)."""
    clerk = case.clerk_decision
    if clerk is None:
        return
    for code in clerk.checked_originals:
        material = case.materials.get(code)
        if material is not None:
            material.original_checked_by = clerk.decided_by
            material.original_checked_at = clerk.decided_at


def _output(application: Application, supplement_wait_days: int) -> dict[str, Any]:
    """The state the workflow carries on with: small, and without personal data."""
    record = application.acceptance
    assert record is not None
    now = utc_now()
    output: dict[str, Any] = {
        "applicationId": application.application_id,
        "outcome": record.outcome,
    }
    if record.outcome == "ACCEPTED" and record.statutory_deadline_at:
        # Past its due time a review is overdue, not failed: the wait ends at the bound.
        bound = record.review_bound_at or record.statutory_deadline_at
        output["reviewTimeoutSeconds"] = seconds_until(bound, now)
        output["reviews"] = [a.model_dump(mode="json") for a in record.review_plan]
    if record.outcome == "RETURNED":
        due = record.supplement_due_at or add_working_days(now, supplement_wait_days)
        output["supplementTimeoutSeconds"] = seconds_until(due, now)
    return output
