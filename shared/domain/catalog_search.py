"""Searching the catalog in memory: filters, Chinese substring matching, pages.

Why in memory: the catalog is small (654 items in the original list, a few thousand at
most), public, and changes a few times a year, while search is the busiest public route.
The importer writes a compact index of every listed item's summary (a few hundred KB
gzip'd at 2,000 items); an API container loads it once per catalog revision and then
answers every search without reading DynamoDB. Matching is substring matching over
normalised text, so Chinese matches inside words (环境 finds 建设项目环境影响登记表备案)
with no tokeniser; a term's items are found once per container and kept.

Ranking: items whose names (or codes) hold every query term come first, then items that
hold them only with their materials' names; within a rank, by item id. Pages are keyset
pages over that order: the cursor names the last (rank, item id) served, so a page never
repeats or skips an item even if the catalog changed in between.
"""

import base64
import binascii
import bisect
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shared.errors import ValidationFailed
from shared.models.catalog import CatalogItem

NAME_MATCH = 0
MATERIAL_MATCH = 1


_NOT_A_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Full-width to half-width, case folded, only letters and digits (CJK included)."""
    return _NOT_A_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKC", text).casefold())


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
        # Normalised once here rather than by every container that loads the index.
        "nameText": _name_text(
            item.item_id, item.name_zh, item.name_en, item.basic_code, item.implementation_code
        ),
        "materialTexts": [normalise(m.name_zh) for m in item.materials],
    }


def _name_text(item_id: str, zh: str, en: str, basic: str, implementation: str) -> str:
    return normalise(f"{zh} {en} {item_id} {basic} {implementation}")


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


class CatalogIndex:
    """The listed items of one catalog revision, ready to search.

    Built once per revision: the items in id order and a set of items per filter value
    (a few milliseconds at 2,000 items, on the container's first search). A term's items
    are found once, by one pass over the names, and kept: visitors search for the same
    few hundred terms, so a search intersects sets it already has and orders only its
    hits, the same work at 2,000 items as at 21 but for a term the container has never
    seen.
    """

    TERMS_KEPT = 4096

    def __init__(self, entries: Iterable[dict[str, Any]]) -> None:
        self._items = sorted((_indexed(e) for e in entries), key=lambda i: i.item_id)
        self._ids = [i.item_id for i in self._items]
        self._by: dict[tuple[str, object], set[int]] = {}
        self._terms: dict[str, tuple[frozenset[int], frozenset[int]]] = {}
        for position, item in enumerate(self._items):
            for facet in _facets(item.entry):
                self._by.setdefault(facet, set()).add(position)

    def __len__(self) -> int:
        return len(self._items)

    def entry(self, item_id: str) -> dict[str, Any] | None:
        """The listed item of that id, found by bisection (the ids are in order)."""
        position = bisect.bisect_left(self._ids, item_id)
        if position < len(self._ids) and self._ids[position] == item_id:
            return self._items[position].entry
        return None

    def search(
        self,
        filters: SearchFilters,
        query: str | None,
        limit: int,
        after: tuple[int, str] | None = None,
    ) -> tuple[list[Hit], tuple[int, str] | None]:
        """One page of hits in rank order and the position to continue after (None: done)."""
        allowed = self._filtered(filters)
        terms = query_terms(query)
        by_name: set[int] | None
        by_material: set[int]
        if not terms:
            by_name, by_material = allowed, set()
        else:
            by_name, by_material = self._matching(terms, allowed)
        page: list[Hit] = []
        for rank, positions in ((NAME_MATCH, by_name), (MATERIAL_MATCH, by_material)):
            if after is not None and rank < after[0]:
                continue
            ordered = self._ordered(positions, after[1] if after and rank == after[0] else None)
            for position in ordered:
                if len(page) == limit:
                    last = page[-1]
                    return page, (last.rank, last.entry["itemId"])
                page.append(self._hit(position, rank, terms))
        return page, None

    def _filtered(self, filters: SearchFilters) -> set[int] | None:
        """The items the filters allow (None: no filter, every item)."""
        wanted = _wanted(filters)
        if not wanted:
            return None
        sets = sorted((self._by.get(f, set()) for f in wanted), key=len)
        return set.intersection(*sets)

    def _matching(self, terms: list[str], allowed: set[int] | None) -> tuple[set[int], set[int]]:
        """Items holding every term in their names; and those holding every term in their
        names or their materials, some in materials only."""
        in_names: set[int] | None = None
        anywhere: set[int] | None = None
        for term in terms:
            names, materials = self._term(term)
            in_names = set(names) if in_names is None else in_names & names
            either = set(names | materials)
            anywhere = either if anywhere is None else anywhere & either
        assert in_names is not None and anywhere is not None
        if allowed is not None:
            in_names &= allowed
            anywhere &= allowed
        return in_names, anywhere - in_names

    def _term(self, term: str) -> tuple[frozenset[int], frozenset[int]]:
        """The items holding `term` in their names, and in their materials' names."""
        found = self._terms.get(term)
        if found is None:
            names = frozenset(p for p, i in enumerate(self._items) if term in i.names)
            materials = frozenset(
                p for p, i in enumerate(self._items) if any(term in text for _, text in i.materials)
            )
            if len(self._terms) >= self.TERMS_KEPT:
                self._terms.pop(next(iter(self._terms)))  # the oldest term
            found = self._terms[term] = (names, materials)
        return found

    def _ordered(self, positions: set[int] | None, after_id: str | None) -> Iterable[int]:
        """Positions in item-id order, from just after `after_id`."""
        start = bisect.bisect_right(self._ids, after_id) if after_id is not None else 0
        if positions is None:
            return range(start, len(self._items))
        return sorted(p for p in positions if p >= start)

    def _hit(self, position: int, rank: int, terms: list[str]) -> Hit:
        item = self._items[position]
        if rank == NAME_MATCH:
            return Hit(item.entry, rank)
        matched = tuple(name for name, text in item.materials if any(t in text for t in terms))
        return Hit(item.entry, rank, matched)


def _indexed(entry: dict[str, Any]) -> _Indexed:
    names = entry.get("nameText") or _name_text(
        entry["itemId"],
        entry["nameZh"],
        entry["nameEn"],
        entry["basicCode"],
        entry["implementationCode"],
    )
    shown = entry.get("materialNames", [])
    texts = entry.get("materialTexts") or [normalise(name) for name in shown]
    return _Indexed(entry, entry["itemId"], names, tuple(zip(shown, texts, strict=True)))


def _facets(entry: dict[str, Any]) -> list[tuple[str, object]]:
    """The filter values an item answers to."""
    departments = {
        entry["leadDepartment"],
        entry["implementingDepartment"],
        *entry["coDepartments"],
    }
    return [
        ("type", entry["itemType"]),
        ("caseKind", entry["caseKind"]),
        ("zeroVisit", entry["onSiteVisits"] == 0),
        *(("department", d) for d in departments),
        *(("applicantKind", k) for k in entry["applicantKinds"]),
    ]


def _wanted(filters: SearchFilters) -> list[tuple[str, object]]:
    wanted: list[tuple[str, object]] = []
    if filters.item_type:
        wanted.append(("type", filters.item_type))
    if filters.case_kind:
        wanted.append(("caseKind", filters.case_kind))
    if filters.zero_visit is not None:
        wanted.append(("zeroVisit", filters.zero_visit))
    if filters.department:
        wanted.append(("department", filters.department))
    if filters.applicant_kind:
        wanted.append(("applicantKind", filters.applicant_kind))
    return wanted


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
