"""Catalog search in memory: Chinese substring matching, filters, ranking, keyset pages,
and an index that costs the same reads at 21 and at 2,000 items."""

from typing import Any

import pytest

from infra.bench.synthetic_catalog import scaled_catalog
from shared.catalog import load_catalog
from shared.domain.catalog_search import (
    MATERIAL_MATCH,
    NAME_MATCH,
    CatalogIndex,
    SearchFilters,
    decode_position,
    normalise,
    search_entry,
)
from shared.errors import ValidationFailed
from shared.models.catalog import Catalog
from shared.ports.catalog import CatalogRevision
from shared.services.catalog import CachedCatalogIndex, search_catalog
from tests.unit.fakes import InMemoryRepository

NONE = SearchFilters()


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    return CatalogIndex(search_entry(i) for i in load_catalog().items)


def _ids(index: CatalogIndex, query: str | None, filters: SearchFilters = NONE) -> list[str]:
    hits, _ = index.search(filters, query, 1000)
    return [h.entry["itemId"] for h in hits]


def _names(index: CatalogIndex, query: str) -> dict[str, str]:
    hits, _ = index.search(NONE, query, 1000)
    return {h.entry["itemId"]: h.entry["nameZh"] for h in hits if h.rank == NAME_MATCH}


def test_chinese_matches_inside_words(index: CatalogIndex) -> None:
    # When a visitor searches for 环境 (environment) and 消防 (fire)
    environment = _names(index, "环境")
    fire = _names(index, "消防")
    # Then items whose names hold the characters anywhere come up, not only whole words
    assert environment["SD-KFQ-0008"] == "建设项目环境影响登记表备案"
    assert all("环境" in name for name in environment.values())
    assert {"SD-KFQ-0005", "SD-KFQ-0018"} <= set(fire)
    assert all("消防" in name for name in fire.values())


def test_every_term_must_match_and_english_ignores_case(index: CatalogIndex) -> None:
    both = _names(index, "环境 备案")
    assert both and all("环境" in n and "备案" in n for n in both.values())
    english = index.search(NONE, "CONSTRUCTION permit", 100)[0]
    assert "SD-KFQ-0006" in [h.entry["itemId"] for h in english]
    assert all(
        "construction" in h.entry["nameEn"].lower() and "permit" in h.entry["nameEn"].lower()
        for h in english
        if h.rank == NAME_MATCH
    )


def test_full_width_and_punctuation_do_not_matter() -> None:
    assert normalise("《食品经营许可证》") == normalise("食品经营许可证")
    assert normalise("ＳＤ－ＫＦＱ－０００１") == normalise("sd-kfq-0001")


def test_an_item_found_by_its_materials_comes_after_those_found_by_name(
    index: CatalogIndex,
) -> None:
    # When the query names a material (a lease contract) rather than an item
    hits, _ = index.search(NONE, "租赁合同", 1000)
    # Then the items asking for it are found, each saying which material matched
    by_material = [h for h in hits if h.rank == MATERIAL_MATCH]
    assert by_material
    assert all(any("租赁合同" in m for m in h.matched_materials) for h in by_material)
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks)


def test_a_code_finds_its_item(index: CatalogIndex) -> None:
    item = load_catalog().items[3]
    assert _ids(index, item.basic_code)[:1] == [item.item_id]
    assert _ids(index, item.item_id.lower())[:1] == [item.item_id]


@pytest.mark.parametrize(
    ("filters", "holds"),
    [
        (SearchFilters(item_type="filing"), lambda e: e["itemType"] == "filing"),
        (
            SearchFilters(department="WATER"),
            lambda e: (
                "WATER" in [e["leadDepartment"], *e["coDepartments"], e["implementingDepartment"]]
            ),
        ),
        (SearchFilters(case_kind="immediate"), lambda e: e["caseKind"] == "immediate"),
        (SearchFilters(zero_visit=True), lambda e: e["onSiteVisits"] == 0),
        (SearchFilters(zero_visit=False), lambda e: e["onSiteVisits"] == 1),
        (SearchFilters(applicant_kind="person"), lambda e: "person" in e["applicantKinds"]),
    ],
)
def test_each_filter_keeps_exactly_the_items_it_names(
    index: CatalogIndex, filters: SearchFilters, holds: Any
) -> None:
    entries = [search_entry(i) for i in load_catalog().items]
    expected = sorted(e["itemId"] for e in entries if holds(e))
    assert expected, "the shipped list has such items"
    assert sorted(_ids(index, None, filters)) == expected


def test_pages_cover_every_hit_once_even_if_the_catalog_changes_between_pages() -> None:
    # Given the shipped catalog, read 7 at a time
    entries = [search_entry(i) for i in load_catalog().items]
    index = CatalogIndex(entries)
    first = search_catalog(NONE, None, 7, None, index)
    # When a new item sorting before the cursor is published between two pages
    newcomer = {**entries[0], "itemId": "SD-KFQ-0000"}
    changed = CatalogIndex([*entries, newcomer])
    seen = [h.entry["itemId"] for h in first.items]
    cursor = first.next_cursor
    while cursor:
        page = search_catalog(NONE, None, 7, cursor, changed)
        seen.extend(h.entry["itemId"] for h in page.items)
        cursor = page.next_cursor
    # Then every item of the first catalog comes exactly once, in order
    assert seen == sorted(e["itemId"] for e in entries)


@pytest.mark.parametrize("cursor", ["!!", "eyJ4IjogMX0", "bm90IGpzb24"])
def test_a_forged_cursor_is_a_validation_error(cursor: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        decode_position(cursor)
    assert raised.value.field == "cursor"


class CountingRepository(InMemoryRepository):
    """The fake catalog port, counting what the search index reads from it."""

    def __init__(self, catalog: Catalog) -> None:
        self.revision_reads = self.index_loads = self.entries_read = 0
        super().__init__(catalog)  # the import reads the revision too: not counted
        self.revision_reads = self.index_loads = self.entries_read = 0

    def catalog_revision(self) -> CatalogRevision | None:
        self.revision_reads += 1
        return super().catalog_revision()

    def load_search_entries(self, revision: CatalogRevision) -> list[dict[str, Any]]:
        self.index_loads += 1
        entries = super().load_search_entries(revision)
        self.entries_read += len(entries)
        return entries


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("size", [21, 654, 2000])
def test_searches_read_nothing_once_the_index_is_loaded(size: int) -> None:
    # Given a catalog of `size` items and an API container's cached index
    repo = CountingRepository(scaled_catalog(size))
    clock = Clock()
    cached = CachedCatalogIndex(repo, refresh_seconds=60, clock=clock)

    # When a hundred searches come in within the refresh window
    for n in range(100):
        clock.now += 0.5
        search_catalog(
            SearchFilters(zero_visit=True), "许可" if n % 2 else None, 20, None, cached.current()
        )

    # Then the index was loaded once, and the searches read nothing more: the same at 21
    # items as at 2,000
    assert repo.index_loads == 1 and repo.entries_read == size
    assert repo.revision_reads == 1
    assert len(cached.current()) == size


def test_the_index_follows_a_new_catalog_revision_within_the_refresh_window() -> None:
    # Given a loaded index
    repo = CountingRepository(scaled_catalog(30))
    clock = Clock()
    cached = CachedCatalogIndex(repo, refresh_seconds=60, clock=clock)
    assert len(cached.current()) == 30

    # When the zone imports a list with 40 items; within the window nothing is read
    repo.put_items(scaled_catalog(40).items[30:])
    repo.revision_reads = repo.index_loads = 0  # the import's own reads
    clock.now += 30
    assert len(cached.current()) == 30 and repo.revision_reads == 0

    # Then once the window has passed, one small read finds the new revision and reloads
    clock.now += 31
    assert len(cached.current()) == 40
    assert repo.revision_reads == 1 and repo.index_loads == 1

    # And with no newer revision a check reads the pointer only
    clock.now += 61
    cached.current()
    assert repo.revision_reads == 2 and repo.index_loads == 1
