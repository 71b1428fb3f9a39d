"""The bundle machine's steps (一件事一次办): before each wave, the members whose
prerequisites were issued are readied to run (an earlier member's certificate put in for
the material it stands for) and the others end, saying why; after the last wave the
bundle's one result package is written.

Each member runs through the case machine as a case filed alone would (its own
acceptance, reviews, issuance): the bundle machine starts those executions and waits for
them, so one member's failure ends that member and is listed in the package, and the
others' results stand.
"""

from datetime import datetime
from typing import Any

from shared.errors import StageError
from shared.models.application import AcceptanceRecord, Application, MaterialRecord
from shared.models.bundle_cases import BundleCase, BundleMember, BundleResultEntry, BundleStatus
from shared.models.common import ApplicationStatus, Stage, utc_now
from shared.ports.applications import ApplicationRepository
from shared.ports.catalog import CatalogRepository
from shared.stages.common import SYSTEM, mutate


def plan_wave(
    bundle_case_id: str,
    application_ids: list[str],
    cases: ApplicationRepository,
    catalog: CatalogRepository,
) -> dict[str, Any]:
    """The members of this wave to start (`run`) and those that end here (`notRun`): a
    member whose prerequisite was not issued cannot be decided, so it is not accepted,
    with the prerequisite named. A member already past SUBMITTED was started before (a
    retried step) and is neither."""
    bundle_case = _bundle_case(bundle_case_id, cases)
    by_item = {m.item_id: m for m in bundle_case.members}
    by_case = {m.application_id: m for m in bundle_case.members}
    run: list[dict[str, str]] = []
    not_run: list[str] = []
    for application_id in application_ids:
        member = by_case.get(application_id)
        if member is None:
            raise StageError(f"{application_id} is not a member of {bundle_case_id}")
        case = _case(application_id, cases)
        if case.status is not ApplicationStatus.SUBMITTED:
            continue
        prerequisites = [_case(by_item[i].application_id, cases) for i in member.waits_for]
        unmet = [p for p in prerequisites if not _issued(p)]
        if unmet:
            _end_unrun(case, unmet, cases)
            not_run.append(application_id)
            continue
        _take_results(case, member, bundle_case, cases, catalog)
        run.append({"applicationId": application_id, "bundleCaseId": bundle_case_id})
    return {"run": run, "notRun": not_run}


def _issued(case: Application) -> bool:
    """A prerequisite stands for its dependants once its certificate is out (a rejection
    notice is delivered too, so the status alone does not say)."""
    result = case.result
    return result is not None and result.outcome == "APPROVED" and bool(result.certificate_no)


def _end_unrun(case: Application, unmet: list[Application], cases: ApplicationRepository) -> None:
    named = ", ".join(f"{p.item_id} ({_outcome(p)})" for p in unmet)
    reason = f"not run: it waits for {named}, which was not issued"

    def end(current: Application) -> None:
        current.acceptance = AcceptanceRecord(
            outcome="NOT_ACCEPTED", decided_at=utc_now(), reasons=[reason]
        )
        current.move_to(ApplicationStatus.NOT_ACCEPTED, Stage.ACCEPTANCE, SYSTEM, reason)

    mutate(cases, case.application_id, end, loaded=case)


def _outcome(case: Application) -> str:
    return case.result.outcome if case.result else case.status.value


def _take_results(
    case: Application,
    member: BundleMember,
    bundle_case: BundleCase,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
) -> None:
    """Each material an earlier member's result stands for is that result's certificate,
    put in as the applicant would choose one (免证办), so acceptance checks it is valid and
    the reviewers see it: a material the bundle says that member issues, or one the
    catalog sources from that member's item."""
    item = catalog.get_catalog_item(case.item_id, case.item_version)
    if item is None:
        raise StageError(f"version {case.item_version} of item {case.item_id} is gone")
    by_item = {m.item_id: m for m in bundle_case.members}
    issuers = {code: m for m in bundle_case.members for code in m.issues}
    wanted: dict[str, BundleMember] = {}
    for rule in item.materials:
        issuer = issuers.get(rule.code) if rule.code in member.provided_by_results else None
        issuer = issuer or (by_item.get(rule.source_item) if rule.source_item else None)
        if issuer is not None and issuer is not member and rule.code not in case.materials:
            wanted[rule.code] = issuer
    now = utc_now()
    records: list[tuple[MaterialRecord, str]] = []
    for code, issuer in wanted.items():
        issued = _case(issuer.application_id, cases).result
        if issued is not None and issued.certificate_no:
            record = _certificate_record(code, issued.certificate_no, issued.document_key, now)
            records.append((record, issuer.item_id))
    if not records:
        return

    def put_in(current: Application) -> None:
        for record, item_id in records:
            current.materials[record.code] = record
            current.record(
                Stage.ACCEPTANCE,
                "provided_in_bundle",
                SYSTEM,
                f"{record.code}: certificate {record.certificate_no} issued in this bundle "
                f"by {item_id}",
            )

    mutate(cases, case.application_id, put_in, loaded=case)


def _certificate_record(code: str, number: str, document_key: str, now: datetime) -> MaterialRecord:
    return MaterialRecord(
        code=code,
        file_name=f"{number}.pdf",
        content_type="application/pdf",
        declared_size=0,
        s3_key=document_key,
        requested_at=now,
        verified_content_type="application/pdf",
        verified_at=now,
        certificate_no=number,
    )


def conclude(
    bundle_case_id: str, cases: ApplicationRepository, catalog: CatalogRepository
) -> dict[str, Any]:
    """The one result package (一次出件): every member's outcome, with each certificate's
    number and verification code; the bundle case CONCLUDED. Written once: a retried
    step finds it written."""
    bundle_case = _bundle_case(bundle_case_id, cases)
    if bundle_case.status is BundleStatus.RUNNING:
        bundle_case.results = [
            _entry(m, _case(m.application_id, cases), catalog) for m in bundle_case.members
        ]
        bundle_case.status = BundleStatus.CONCLUDED
        bundle_case.concluded_at = utc_now()
        cases.save_bundle_case(bundle_case)
    issued = sum(1 for r in bundle_case.results if r.certificate_no)
    return {"bundleCaseId": bundle_case_id, "status": bundle_case.status.value, "issued": issued}


def _entry(
    member: BundleMember, case: Application, catalog: CatalogRepository
) -> BundleResultEntry:
    item = catalog.get_catalog_item(case.item_id, case.item_version)
    result = case.result
    reasons = list(result.reasons) if result else []
    if not reasons and case.acceptance and case.acceptance.outcome == "NOT_ACCEPTED":
        reasons = list(case.acceptance.reasons)
    if case.failure_reason:
        reasons.append(case.failure_reason)
    return BundleResultEntry(
        item_id=member.item_id,
        name_zh=item.name_zh if item else member.item_id,
        name_en=item.name_en if item else member.item_id,
        application_id=member.application_id,
        status=case.status,
        certificate_no=result.certificate_no if result else None,
        verification_code=result.verification_code if result else None,
        result_name_zh=item.result.name_zh if item and result and result.certificate_no else "",
        reasons=reasons,
    )


def fail(
    bundle_case_id: str, error: dict[str, Any], cases: ApplicationRepository
) -> dict[str, Any]:
    """The bundle machine itself failed: the bundle case says so; the members keep their
    own records (each ended, or stays as its own machine left it)."""
    bundle_case = _bundle_case(bundle_case_id, cases)
    if bundle_case.status is BundleStatus.RUNNING:
        bundle_case.status = BundleStatus.FAILED
        bundle_case.failure = f"{error.get('Error', 'Error')}: {error.get('Cause', '')}"[:1000]
        bundle_case.concluded_at = utc_now()
        cases.save_bundle_case(bundle_case)
    return {"bundleCaseId": bundle_case_id, "status": bundle_case.status.value}


def _bundle_case(bundle_case_id: str, cases: ApplicationRepository) -> BundleCase:
    found = cases.get_bundle_case(bundle_case_id)
    if found is None:
        raise StageError(f"bundle application {bundle_case_id} does not exist")
    return found


def _case(application_id: str, cases: ApplicationRepository) -> Application:
    found = cases.get_application(application_id)
    if found is None:
        raise StageError(f"application {application_id} does not exist")
    return found
