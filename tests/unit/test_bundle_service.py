"""The bundles as the API serves them (shared/services/bundles.py), on the in-memory
repository: named from the catalog, screened, followed across catalog revisions, and
read once per revision."""

from collections import Counter
from typing import Any

import pytest

from shared.catalog import load_bundles, load_catalog
from shared.errors import NotFound, ValidationFailed
from shared.services.bundles import CachedBundles, bundle_detail, bundle_index, screening
from shared.services.catalog import CachedCatalogIndex
from shared.services.catalog_import import import_catalog
from tests.unit.fakes import InMemoryRepository

COMPANY = {
    "entityKind": "company",
    "hasEmployees": "no",
    "needsInvoices": "no",
    "needsBankAccount": "no",
}


class CountingRepository(InMemoryRepository):
    """Counts the catalog reads the bundles make."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: Counter[str] = Counter()

    def get_bundles(self) -> Any:
        self.reads["bundles"] += 1
        return super().get_bundles()

    def get_catalog_item(self, item_id: str, version: int | None = None) -> Any:
        self.reads["items"] += 1
        return super().get_catalog_item(item_id, version)


@pytest.fixture
def repo() -> CountingRepository:
    repo = CountingRepository()
    catalog = load_catalog()
    import_catalog(catalog, repo, bundles=load_bundles(catalog))
    repo.reads.clear()
    return repo


def _cache(repo: InMemoryRepository, now: list[float]) -> CachedBundles:
    index = CachedCatalogIndex(repo, refresh_seconds=60, clock=lambda: now[0])
    return CachedBundles(repo, index)


def test_the_index_and_a_bundle_name_their_departments_and_items(
    repo: CountingRepository,
) -> None:
    cache = _cache(repo, [0.0])
    listed = bundle_index(cache).bundles
    assert len(listed) == 6
    deregistration = next(b for b in listed if b.bundle_id == "BND-DEREGISTRATION")
    assert deregistration.item_count == 8
    assert deregistration.lead_department.name_zh != deregistration.lead_department.code

    detail = bundle_detail("BND-DEREGISTRATION", cache)
    members = {i.item_id for i in detail.items}
    assert len(members) == 8 and all(set(i.after) <= members for i in detail.items)
    assert any(i.after for i in detail.items)  # tax cleared first, as the data says
    assert all(i.name_zh and i.promised_days >= 0 for i in detail.items)


def test_a_screening_without_employees_leaves_their_items_out(repo: CountingRepository) -> None:
    view = screening("BND-BUSINESS-OPENING", COMPANY, _cache(repo, [0.0]))
    assert view.outcome == "bundle"
    assert [i.item_id for i in view.items] == ["SD-KFQ-0001", "SD-KFQ-0101"]
    assert [i.wave for i in view.items] == [1, 2]
    assert view.items[1].waits_for == ["SD-KFQ-0001"]
    assert view.on_site_visits == 0 and view.exit is None


def test_a_bundle_without_questions_is_screened_with_no_answers(
    repo: CountingRepository,
) -> None:
    view = screening("BND-CONSTRUCTION-2", {}, _cache(repo, [0.0]))
    assert view.outcome == "bundle" and len(view.items) == 2
    assert (
        view.critical_path_days == sum(i.promised_days for i in view.items) or len(view.waves) == 1
    )


def test_refusals_name_the_bundle_or_the_answer(repo: CountingRepository) -> None:
    cache = _cache(repo, [0.0])
    with pytest.raises(NotFound) as missing:
        screening("BND-NONE", {}, cache)
    assert missing.value.fields[0][0] == "bundleId"
    with pytest.raises(ValidationFailed) as wrong:
        screening("BND-CONSTRUCTION-1", {"investment": "lottery"}, cache)
    assert [f for f, _ in wrong.value.fields] == ["answers.investment"]


def test_the_bundles_and_their_items_are_read_once_per_revision(
    repo: CountingRepository,
) -> None:
    now = [0.0]
    cache = _cache(repo, now)
    for _ in range(5):
        screening("BND-BUSINESS-OPENING", COMPANY, cache)
    opening = load_bundles(load_catalog())[0]
    named = len(opening.items) + sum(len(e.instead) for e in opening.exits)
    assert repo.reads == Counter(bundles=1, items=named)

    # When an import drops a bundle, the next check of the revision reads them again
    catalog = load_catalog()
    import_catalog(catalog, repo, bundles=load_bundles(catalog)[1:])
    repo.reads.clear()
    assert bundle_index(cache).bundles[0].bundle_id == "BND-BUSINESS-OPENING"  # not yet
    now[0] += 61
    assert bundle_index(cache).bundles[0].bundle_id == "BND-DEREGISTRATION"
    assert repo.reads["bundles"] == 1
