"""Paging through one's own applications and through the catalog, with filters."""

import base64
import json
import re
from typing import Any

from shared.adapters.pagination import CursorScope
from shared.catalog import load_catalog
from tests.integration.conftest import CITIZEN, OTHER_CITIZEN, Caller, Response, System, staff
from tests.integration.journeys import submitted_case


def _all_pages(
    system: System, path: str, query: dict[str, str], caller: Caller | None = None
) -> list[list[dict[str, Any]]]:
    """Follows nextCursor to the end; each page as the client received it."""
    pages: list[list[dict[str, Any]]] = []
    cursor = None
    for _ in range(50):
        answer = system.api(
            "GET", path, caller=caller, query={**query, **({"cursor": cursor} if cursor else {})}
        )
        assert answer.status == 200, answer.body
        pages.append(answer.body["items"])
        cursor = answer.body["nextCursor"]
        if cursor is None:
            return pages
    raise AssertionError("pagination did not end")


def _ids(pages: list[list[dict[str, Any]]], key: str) -> list[str]:
    return [item[key] for page in pages for item in page]


def test_own_applications_come_newest_first_in_pages_each_exactly_once(system: System) -> None:
    # Given five applications of the citizen's and one of another citizen's
    filed = []
    for _ in range(5):
        created = system.create("SD-KFQ-0010", delivery={"mode": "pickup"})
        assert created.status == 201, created.body
        filed.append(created.body["applicationId"])
    other = system.create("SD-KFQ-0010", caller=OTHER_CITIZEN).body["applicationId"]

    # When the citizen pages through their list two at a time
    pages = _all_pages(system, "/applications", {"limit": "2"}, CITIZEN)

    # Then three pages hold all five, newest first, each once, and none of the other's
    assert [len(page) for page in pages] == [2, 2, 1]
    seen = _ids(pages, "applicationId")
    assert seen == list(reversed(filed))
    assert other not in seen
    created_at = [item["createdAt"] for page in pages for item in page]
    assert created_at == sorted(created_at, reverse=True)


def test_an_empty_list_has_no_next_page(system: System) -> None:
    # When a citizen without applications lists them
    answer = system.api("GET", "/applications", caller=CITIZEN)

    # Then the list is empty and there is no cursor to follow
    assert answer.status == 200 and answer.body == {"items": [], "nextCursor": None}


def test_the_whole_catalog_pages_through_each_item_once(system: System) -> None:
    # When anyone pages through the catalog five at a time
    pages = _all_pages(system, "/catalog/items", {"limit": "5"})

    # Then every item of the catalog comes exactly once, in full pages but the last
    expected = sorted(i.item_id for i in load_catalog().items)
    seen = _ids(pages, "itemId")
    assert sorted(seen) == expected and len(seen) == len(set(seen))
    assert all(len(page) == 5 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 5


def _mentions(text: str, term: str) -> bool:
    return term.lower() in re.sub(r"[\W_]+", "", text.lower())


def test_catalog_filters_by_type_and_searches_chinese_and_english(system: System) -> None:
    # When a visitor filters by item type, and searches in Chinese and in English
    filings = _ids(_all_pages(system, "/catalog/items", {"type": "filing"}), "itemId")
    fire = [i for p in _all_pages(system, "/catalog/items", {"q": "消防"}) for i in p]
    english = _all_pages(system, "/catalog/items", {"q": "Construction", "limit": "1"})
    both = _ids(_all_pages(system, "/catalog/items", {"type": "filing", "q": "环境"}), "itemId")
    nothing = system.api("GET", "/catalog/items", query={"q": "不存在的事项"})

    # Then each answer holds exactly the matching items
    catalog = load_catalog().items
    assert sorted(filings) == sorted(i.item_id for i in catalog if i.item_type.value == "filing")
    expected_fire = {
        i.item_id
        for i in catalog
        if _mentions(i.name_zh, "消防") or any(_mentions(m.name_zh, "消防") for m in i.materials)
    }
    assert {i["itemId"] for i in fire} == expected_fire
    assert {"SD-KFQ-0005", "SD-KFQ-0018"} <= expected_fire  # 消防设计审查, 消防安全检查
    # Items named for it come first; the others say which of their materials matched
    named = [i for i in fire if not i["matchedMaterials"]]
    assert fire[: len(named)] == named
    assert all(any("消防" in m for m in i["matchedMaterials"]) for i in fire[len(named) :])
    # The English search ignores case, and still finds them all when read one per page
    found = _ids(english, "itemId")
    assert {"SD-KFQ-0004", "SD-KFQ-0006"} <= set(found) and len(found) == len(set(found))
    assert all(len(page) == 1 for page in english)
    assert "SD-KFQ-0008" in both  # 建设项目环境影响登记表备案
    assert nothing.status == 200 and nothing.body == {"items": [], "nextCursor": None}


def test_one_catalog_item_with_its_guide_or_404(system: System) -> None:
    # When a visitor opens an item, and one that does not exist
    found = system.api("GET", "/catalog/items/SD-KFQ-0003")
    missing = system.api("GET", "/catalog/items/SD-KFQ-9999")

    # Then the item comes with what an applicant needs to know
    assert found.status == 200, found.body
    assert found.body["itemId"] == "SD-KFQ-0003" and found.body["nameZh"] == "企业投资项目备案"
    assert found.body["deliveryModes"] == ["electronic"]
    assert {m["code"] for m in found.body["materials"]} >= {"FILING_FORM"}
    # And the missing one is a 404 naming itemId
    assert missing.status == 404 and missing.body["fields"][0]["field"] == "itemId"


# --- a cursor belongs to the list and the caller that got it ---------------------------

FILING = "SD-KFQ-0008"  # reviewed by ECOENV alone


def _refused(answer: Response) -> bool:
    return answer.status == 422 and [f["field"] for f in answer.body["fields"]] == ["cursor"]


def _first_cursor(system: System, path: str, caller: Caller, limit: int = 1) -> str:
    answer = system.api("GET", path, caller=caller, query={"limit": str(limit)})
    assert answer.status == 200, answer.body
    cursor: str = answer.body["nextCursor"]
    assert cursor, answer.body
    return cursor


def _in_review(system: System) -> str:
    application_id = submitted_case(system, FILING, delivery={"mode": "electronic"})
    system.wait_for(application_id, lambda a: "ECOENV" in a.reviews)
    return application_id


def test_cursors_are_refused_across_lists_and_callers(system: System) -> None:
    # Given two cases of the citizen's under review by ECOENV, and their cursors
    first, second = _in_review(system), _in_review(system)
    own = _first_cursor(system, "/applications", CITIZEN)
    inbox = _first_cursor(system, "/tasks", staff("ECOENV"))
    timeline = _first_cursor(system, f"/applications/{first}/timeline", CITIZEN)

    # When each is sent by another caller or to another list
    attempts = [
        ("/applications", OTHER_CITIZEN, own),  # another citizen's list
        ("/tasks", staff("URBAN"), inbox),  # another department's inbox
        ("/tasks", staff("ECOENV"), own),  # the owner's list in an inbox
        ("/applications", CITIZEN, inbox),  # an inbox in the owner's list
        ("/applications", CITIZEN, timeline),  # a timeline in the owner's list
        (f"/applications/{second}/timeline", CITIZEN, timeline),  # another case's timeline
        (f"/applications/{second}/timeline", CITIZEN, own),
    ]
    answers = [
        system.api("GET", path, caller=caller, query={"cursor": cursor})
        for path, caller, cursor in attempts
    ]

    # Then each is a 422 naming cursor, never another list's page
    assert [_refused(a) for a in answers] == [True] * len(attempts), [a.body for a in answers]
    # While each cursor still works where it was made
    for path, caller, cursor in [
        ("/applications", CITIZEN, own),
        ("/tasks", staff("ECOENV"), inbox),
        (f"/applications/{first}/timeline", CITIZEN, timeline),
    ]:
        answer = system.api("GET", path, caller=caller, query={"cursor": cursor})
        assert answer.status == 200 and answer.body["items"], answer.body


def _cursor_of(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_a_cursor_holding_part_of_a_key_is_a_422_not_a_crash(system: System) -> None:
    # Given the citizen's list, and cursors made to look like its own but holding part
    # of a key (a bare partial key, and one with the list's own fingerprint)
    system.create("SD-KFQ-0010", delivery={"mode": "pickup"})
    scope = CursorScope(
        "GSI1", {":pk": {"S": f"OWNER#{CITIZEN.sub}"}}, ("GSI1PK", f"OWNER#{CITIZEN.sub}")
    )
    partial = {"GSI1PK": {"S": f"OWNER#{CITIZEN.sub}"}}
    cursors = [
        _cursor_of(partial),
        _cursor_of({"k": partial, "q": scope.fingerprint()}),
        _cursor_of({"k": {**partial, "GSI1SK": {"S": "x"}}, "q": scope.fingerprint()}),
    ]

    # When each is followed / Then each is refused naming cursor
    for cursor in cursors:
        answer = system.api("GET", "/applications", caller=CITIZEN, query={"cursor": cursor})
        assert _refused(answer), answer.body
