"""The bundle machine's steps (shared/stages/bundle.py) on the in-memory repository: a wave
readied (a member waiting for an unissued prerequisite ends, naming it; the others get
the earlier certificate put in), a retried step changing nothing, and the one result
package written once."""

from datetime import UTC, datetime

import pytest

from infra.local.client import SAMPLE_ENTERPRISE
from shared.catalog import load_bundles, load_catalog
from shared.identity import Caller
from shared.models.application import Application, ResultRecord
from shared.models.bundle_cases import BundleApplicationRequest, BundleCase, BundleStatus
from shared.models.common import ApplicationStatus, Stage
from shared.services.bundle_cases import file_bundle
from shared.services.bundles import CachedBundles
from shared.services.catalog import CachedCatalogIndex
from shared.services.catalog_import import import_catalog
from shared.stages import bundle
from shared.stages.common import mutate
from tests.unit.fakes import InMemoryRepository

LICENCE, SEAL, INVOICES, BANK = "SD-KFQ-0001", "SD-KFQ-0101", "SD-KFQ-0102", "SD-KFQ-0103"
CITIZEN = Caller("sub-citizen-1", "zhangwei", frozenset({"citizen"}))
CERTIFICATE = "KFQ-LIC-20261204-ABCDEFGH"


@pytest.fixture
def repo() -> InMemoryRepository:
    repo = InMemoryRepository()
    catalog = load_catalog()
    import_catalog(catalog, repo, bundles=load_bundles(catalog))
    return repo


@pytest.fixture
def running(repo: InMemoryRepository) -> BundleCase:
    """The business opening with a seal, invoices and a bank account, submitted."""
    bundles = CachedBundles(repo, CachedCatalogIndex(repo, refresh_seconds=60))
    request = BundleApplicationRequest.model_validate(
        {
            "applicant": SAMPLE_ENTERPRISE,
            "answers": {
                "entityKind": "company",
                "hasEmployees": "no",
                "needsInvoices": "yes",
                "needsBankAccount": "yes",
            },
            "channel": "web",
            "delivery": {"mode": "electronic"},
        }
    )
    bundle_case, members = file_bundle(CITIZEN, "BND-BUSINESS-OPENING", request, repo, bundles)
    for member in members:
        member.move_to(ApplicationStatus.SUBMITTED, Stage.APPLICATION, "zhangwei")
    bundle_case.status = BundleStatus.RUNNING
    repo.save_bundle_case(bundle_case, members)
    return bundle_case


def ids(bundle_case: BundleCase) -> dict[str, str]:
    return {m.item_id: m.application_id for m in bundle_case.members}


def conclude_licence(repo: InMemoryRepository, application_id: str, approved: bool) -> None:
    def decided(case: Application) -> None:
        case.move_to(ApplicationStatus.IN_APPROVAL, Stage.ACCEPTANCE, "system")
        outcome = "APPROVED" if approved else "REJECTED"
        case.move_to(ApplicationStatus[outcome], Stage.APPROVAL, "system")
        case.result = ResultRecord(
            outcome=outcome,
            issued_at=datetime.now(UTC),
            document_key=f"documents/{application_id}/result.pdf",
            certificate_no=CERTIFICATE if approved else None,
            verification_code="K7Q2M9XP" if approved else None,
            reasons=[] if approved else ["经营范围不符合规定"],
        )

    mutate(repo, application_id, decided)


def test_a_wave_runs_with_the_earlier_certificate_put_in(
    repo: InMemoryRepository, running: BundleCase
) -> None:
    members = ids(running)
    conclude_licence(repo, members[LICENCE], approved=True)

    # When the second wave is readied
    planned = bundle.plan_wave(
        running.bundle_case_id, [members[SEAL], members[INVOICES]], repo, repo
    )

    # Then both run, and the seal holds the licence's certificate for its licence material
    assert [r["applicationId"] for r in planned["run"]] == [members[SEAL], members[INVOICES]]
    assert planned["notRun"] == []
    seal = repo.get_application(members[SEAL])
    assert seal is not None
    record = seal.materials["BUSINESS_LICENCE"]
    assert record.certificate_no == CERTIFICATE
    assert record.s3_key == f"documents/{members[LICENCE]}/result.pdf"

    # And readied again (a retried step), nothing is started twice once a member moved on
    mutate(
        repo,
        members[SEAL],
        lambda c: c.move_to(ApplicationStatus.IN_APPROVAL, Stage.ACCEPTANCE, "system"),
    )
    again = bundle.plan_wave(running.bundle_case_id, [members[SEAL], members[INVOICES]], repo, repo)
    assert [r["applicationId"] for r in again["run"]] == [members[INVOICES]]


def test_members_waiting_for_a_rejected_licence_end_naming_it(
    repo: InMemoryRepository, running: BundleCase
) -> None:
    members = ids(running)
    conclude_licence(repo, members[LICENCE], approved=False)

    planned = bundle.plan_wave(running.bundle_case_id, [members[SEAL]], repo, repo)

    assert planned == {"run": [], "notRun": [members[SEAL]]}
    seal = repo.get_application(members[SEAL])
    assert seal is not None and seal.status is ApplicationStatus.NOT_ACCEPTED
    assert seal.acceptance is not None
    assert f"{LICENCE} (REJECTED)" in seal.acceptance.reasons[0]


def test_the_package_is_written_once_and_a_failure_does_not_overwrite_it(
    repo: InMemoryRepository, running: BundleCase
) -> None:
    members = ids(running)
    conclude_licence(repo, members[LICENCE], approved=True)

    first = bundle.conclude(running.bundle_case_id, repo, repo)
    stored = repo.get_bundle_case(running.bundle_case_id)
    assert stored is not None
    version = stored.version
    again = bundle.conclude(running.bundle_case_id, repo, repo)
    failed = bundle.fail(running.bundle_case_id, {"Error": "X", "Cause": "late"}, repo)

    assert first == again == {**first, "status": "CONCLUDED", "issued": 1}
    assert failed["status"] == "CONCLUDED"
    after = repo.get_bundle_case(running.bundle_case_id)
    assert after is not None and after.version == version
    package = {r.item_id: r for r in after.results}
    assert package[LICENCE].certificate_no == CERTIFICATE
    assert package[LICENCE].verification_code == "K7Q2M9XP"
    assert package[SEAL].status is ApplicationStatus.SUBMITTED and not package[SEAL].reasons


def test_a_failed_bundle_machine_says_so_with_its_error(
    repo: InMemoryRepository, running: BundleCase
) -> None:
    bundle.fail(running.bundle_case_id, {"Error": "States.Runtime", "Cause": "boom"}, repo)
    failed = repo.get_bundle_case(running.bundle_case_id)
    assert failed is not None and failed.status is BundleStatus.FAILED
    assert failed.failure == "States.Runtime: boom"
