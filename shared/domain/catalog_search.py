"""Searching the catalog in memory: filters, Chinese substring matching, pages.

Why in memory: the catalog is small (654 items in the original list, a few thousand at
most), public, and changes a few times a year, while search is the busiest public route.
The importer writes a compact index of every listed item's summary (a few hundred KB
gzip'd at 2,000 items); an API container loads it once per catalog revision and then
answers every search without reading DynamoDB. Matching is plain substring matching over
normalised text, so Chinese matches inside words (环境 finds 建设项目环境影响登记表备案)
with no tokeniser; a few thousand entries take a millisecond or two.

Ranking: items whose names (or codes) hold every query term come first, then items that
hold them only with their materials' names; within a rank, by item id. Pages are keyset
pages over that order: the cursor names the last (rank, item id) served, so a page never
repeats or skips an item even if the catalog changed in between.
"""

import base64
import binascii
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shared.errors import ValidationFailed
from shared.models.catalog import CatalogItem

NAME_MATCH = 0
MATERIAL_MATCH = 1


def normalise(text: str) -> str:
    """Full-width to half-width, case folded, only letters and digits (CJK included)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def query_terms(query: str | None) -> list[str]:
    if not query:
        return []
    terms = [normalise(part) for part in query.split()]
    return [t for t in terms if t]


def search_entry(item: CatalogItem) -> dict[str, Any]:
    """What the index holds of an item: its search result summary and material names."""
    return {
        "itemId": item.item_id,
        "version": item.version,
        "basicCode": item.basic_code,
        "implementationCode": item.implementation_code,
        "nameZh": item.name_zh,
        "nameEn": item.name_en,
        "itemType": item.item_type.value,
        "implementingDepartment": item.implementing_department,
        "leadDepartment": item.lead_department,
        "coDepartments": list(item.co_departments),
        "caseKind": item.case_kind.value,
        "handlingMode": item.handling_mode.value,
        "onSiteVisits": item.on_site_visits,
        "onlineDepth": item.online_depth.value,
        "promisedDays": item.promised_days,
        "statutoryDays": item.statutory_days,
        "applicantKinds": [k.value for k in item.applicant_kinds],
        "deliveryModes": [m.value for m in item.delivery_modes],
        "charged": item.charged,
        "resultKind": item.result.kind.value,
        "resultNameZh": item.result.name_zh,
        "materialNames": [m.name_zh for m in item.materials],
    }


@dataclass(frozen=True)
class SearchFilters:
    item_type: str | None = None
    department: str | None = None  # lead, co-department or implementing body
    case_kind: str | None = None
    zero_visit: bool | None = None
    applicant_kind: str | None = None


@dataclass(frozen=True)
class Hit:
    entry: dict[str, Any]
    rank: int
    matched_materials: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Indexed:
    entry: dict[str, Any]
    item_id: str
    names: str
    materials: tuple[tuple[str, str], ...]  # (name as shown, normalised)
    departments: frozenset[str]


class CatalogIndex:
    """The listed items of one catalog revision, ready to search."""

    def __init__(self, entries: Iterable[dict[str, Any]]) -> None:
        self._items = sorted((_indexed(e) for e in entries), key=lambda i: i.item_id)

    def __len__(self) -> int:
        return len(self._items)

    def search(
        self,
        filters: SearchFilters,
        query: str | None,
        limit: int,
        after: tuple[int, str] | None = None,
    ) -> tuple[list[Hit], tuple[int, str] | None]:
        """One page of hits in rank order and the position to continue after (None: done)."""
        terms = query_terms(query)
        hits = [h for i in self._items if _passes(i, filters) for h in _match(i, terms)]
        hits.sort(key=lambda h: (h.rank, h.entry["itemId"]))
        if after is not None:
            hits = [h for h in hits if (h.rank, h.entry["itemId"]) > after]
        page = hits[:limit]
        more = len(hits) > limit
        return page, ((page[-1].rank, page[-1].entry["itemId"]) if more and page else None)


def _indexed(entry: dict[str, Any]) -> _Indexed:
    codes = " ".join([entry["itemId"], entry["basicCode"], entry["implementationCode"]])
    names = normalise(f"{entry['nameZh']} {entry['nameEn']} {codes}")
    materials = tuple((name, normalise(name)) for name in entry.get("materialNames", []))
    departments = frozenset(
        [entry["leadDepartment"], entry["implementingDepartment"], *entry["coDepartments"]]
    )
    return _Indexed(entry, entry["itemId"], names, materials, departments)


def _passes(item: _Indexed, filters: SearchFilters) -> bool:
    entry = item.entry
    if filters.item_type and entry["itemType"] != filters.item_type:
        return False
    if filters.department and filters.department not in item.departments:
        return False
    if filters.case_kind and entry["caseKind"] != filters.case_kind:
        return False
    if filters.zero_visit is not None and (entry["onSiteVisits"] == 0) != filters.zero_visit:
        return False
    return not (filters.applicant_kind and filters.applicant_kind not in entry["applicantKinds"])


def _match(item: _Indexed, terms: list[str]) -> list[Hit]:
    if not terms:
        return [Hit(item.entry, NAME_MATCH)]
    if all(t in item.names for t in terms):
        return [Hit(item.entry, NAME_MATCH)]
    matched = tuple(name for name, text in item.materials if any(t in text for t in terms))
    if not matched:
        return []
    covered = all(t in item.names or any(t in text for _, text in item.materials) for t in terms)
    return [Hit(item.entry, MATERIAL_MATCH, matched)] if covered else []


def encode_position(position: tuple[int, str] | None) -> str | None:
    if position is None:
        return None
    raw = json.dumps({"r": position[0], "i": position[1]}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_position(cursor: str | None) -> tuple[int, str] | None:
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
        rank, item_id = raw["r"], raw["i"]
    except (ValueError, binascii.Error, KeyError, TypeError) as exc:
        raise ValidationFailed("cursor is not valid", field="cursor") from exc
    if not isinstance(rank, int) or not isinstance(item_id, str) or len(item_id) > 40:
        raise ValidationFailed("cursor is not valid", field="cursor")
    return rank, item_id
