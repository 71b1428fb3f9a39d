"""The API function loads the search index at init: what the first search then reads."""

from typing import Any

from infra.bench.synthetic_catalog import scaled_catalog
from shared.domain.catalog_search import SearchFilters
from shared.models.catalog import Catalog
from shared.ports.catalog import CatalogRevision
from shared.services.catalog import CachedCatalogIndex, search_catalog
from tests.unit.fakes import InMemoryRepository


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingRepository(InMemoryRepository):
    def __init__(self, catalog: Catalog | None = None) -> None:
        super().__init__(catalog)
        self.index_loads = 0

    def load_search_entries(self, revision: CatalogRevision) -> list[dict[str, Any]]:
        self.index_loads += 1
        return super().load_search_entries(revision)


def test_a_preloaded_index_serves_the_first_search_without_reading_again() -> None:
    # Given a published catalog and an index preloaded at init
    repo = CountingRepository(scaled_catalog(30))
    clock = Clock()
    cached = CachedCatalogIndex(repo, refresh_seconds=60, clock=clock)
    cached.preload()

    # When the first search comes in within the refresh window
    clock.now += 5
    page = search_catalog(SearchFilters(), None, 20, None, cached.current())

    # Then it finds the catalog's items, and the index was read once, at init
    assert len(page.items) == 20
    assert repo.index_loads == 1 and cached.revision is not None


def test_with_no_catalog_published_at_init_the_first_search_looks_again() -> None:
    # Given an index preloaded before any catalog was published
    repo = CountingRepository()
    clock = Clock()
    cached = CachedCatalogIndex(repo, refresh_seconds=60, clock=clock)
    cached.preload()

    # When the catalog is published and a search comes in a moment later
    repo.put_items(scaled_catalog(30).items)
    clock.now += 1

    # Then the search reads the new catalog instead of an empty index kept from init
    assert len(cached.current()) == 30
