"""GET /catalog/items on a catalog of 2,000 items, through the API handler on moto: every
filter and page answers from the in-memory index, and a search reads nothing from
DynamoDB once the index is loaded."""

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from functions.api import dependencies
from infra.bench.synthetic_catalog import scaled_catalog
from shared.adapters.aws import client
from shared.models.catalog import Catalog
from shared.services.catalog_import import import_catalog
from tests.integration.conftest import System, running_system

SIZE = 2000


@pytest.fixture(scope="module")
def big() -> Iterator[tuple[System, Catalog]]:
    catalog = scaled_catalog(SIZE)
    with running_system() as system:
        with system.runtime.exclusive({}):
            import_catalog(catalog, system.repo)
        # The index checks for a newer catalog once a minute; on a busy machine paging the
        # whole catalog can take longer than that, and the check is one read by design.
        system.api_env["CATALOG_REFRESH_SECONDS"] = "3600"
        yield system, catalog


@pytest.fixture
def dynamodb_calls(
    big: tuple[System, Catalog], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Counter[str]]:
    """The DynamoDB operations the API function makes from now on: only those made while
    it handles a request (the process's one client also serves the stage handlers, and an
    earlier test's execution may still be running one)."""
    system, _ = big
    calls: Counter[str] = Counter()
    serving = threading.local()
    invoke = system.invoke_api

    def invoke_counted(event: dict[str, Any]) -> dict[str, Any]:
        serving.api = True
        try:
            return invoke(event)
        finally:
            serving.api = False

    def count(model: Any, **_: Any) -> None:
        if getattr(serving, "api", False):
            calls[model.name] += 1

    monkeypatch.setattr(system, "invoke_api", invoke_counted)
    db = client("dynamodb")
    db.meta.events.register("before-call.dynamodb", count)
    yield calls
    db.meta.events.unregister("before-call.dynamodb", count)


def _pages(system: System, query: dict[str, str]) -> list[list[dict[str, Any]]]:
    pages = []
    cursor = None
    while True:
        answer = system.api(
            "GET", "/catalog/items", query={**query, **({"cursor": cursor} if cursor else {})}
        )
        assert answer.status == 200, answer.body
        pages.append(answer.body["items"])
        cursor = answer.body["nextCursor"]
        if cursor is None:
            return pages


def test_paging_through_2000_items_serves_each_once_without_reading_dynamodb(
    big: tuple[System, Catalog], dynamodb_calls: Counter[str]
) -> None:
    system, catalog = big
    # Given the index loaded by a first search
    assert system.api("GET", "/catalog/items", query={"limit": "1"}).status == 200
    dynamodb_calls.clear()

    # When a visitor pages through the whole catalog 100 at a time, and searches
    pages = _pages(system, {"limit": "100"})
    searched = _pages(system, {"q": "许可证 核发", "zeroVisit": "true", "limit": "100"})

    # Then every item comes once, the searches hold only what they asked for, and not
    # one DynamoDB call was made for any of the pages
    seen = [i["itemId"] for page in pages for i in page]
    assert len(pages) == SIZE // 100 and sorted(seen) == sorted(i.item_id for i in catalog.items)
    hits = [i for page in searched for i in page]
    assert hits and all(i["onSiteVisits"] == 0 for i in hits)
    assert all(
        "许可证" in i["nameZh"] and "核发" in i["nameZh"] for i in hits if not i["matchedMaterials"]
    )
    assert dynamodb_calls == Counter()


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ({"type": "administrative_payment"}, lambda i: i["itemType"] == "administrative_payment"),
        ({"department": "HPF"}, lambda i: "HPF" in [i["leadDepartment"], *i["coDepartments"]]),
        ({"caseKind": "immediate"}, lambda i: i["caseKind"] == "immediate"),
        ({"zeroVisit": "false"}, lambda i: i["onSiteVisits"] == 1),
        ({"applicantKind": "person", "q": "补贴"}, lambda i: "person" in i["applicantKinds"]),
    ],
)
def test_each_filter_over_2000_items(
    big: tuple[System, Catalog], query: dict[str, str], check: Any
) -> None:
    system, _ = big
    hits = [i for page in _pages(system, {**query, "limit": "100"}) for i in page]
    assert hits and all(check(i) for i in hits)


def test_a_new_catalog_revision_reaches_the_api_after_its_refresh_window(
    big: tuple[System, Catalog], monkeypatch: pytest.MonkeyPatch
) -> None:
    system, _ = big
    cached = dependencies.catalog_index()
    cached.current()
    before = cached.revision

    # When the zone withdraws every copy but the shipped items (a new revision)
    with system.runtime.exclusive({}):
        import_catalog(scaled_catalog(127), system.repo)
    # and the container's refresh window has passed
    monkeypatch.setattr(cached, "_checked_at", None)
    answer = system.api("GET", "/catalog/items", query={"limit": "100", "q": "办理项"})

    # Then searches see the new list, and a withdrawn item's guide is gone
    assert cached.revision == (before or 0) + 1
    assert answer.body["items"] == []
    withdrawn = system.api("GET", "/catalog/items/SX-00001")
    assert withdrawn.status == 404
    # The version a case may have pinned is still readable
    pinned = system.api("GET", "/catalog/items/SX-00001", query={"version": "1"})
    assert pinned.status == 200 and pinned.body["version"] == 1
