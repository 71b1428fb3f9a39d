"""The catalog: versioned items, the search index the API serves from memory, and the
writes of the importer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # most stages never parse a catalog model: none is imported for them
    from shared.models.bundles import Bundle
    from shared.models.catalog import CatalogItem, Department


@dataclass(frozen=True)
class CatalogRevision:
    """The published state of the catalog: which search index is current."""

    revision: int
    item_count: int
    chunks: int  # how many records the compressed index is split over
    published_at: datetime


@dataclass(frozen=True)
class ItemHead:
    """The current version of an item and the digest of its content."""

    item_id: str
    version: int
    digest: str
    withdrawn: bool = False


class CatalogRepository(Protocol):
    def get_catalog_item(self, item_id: str, version: int | None = None) -> CatalogItem | None:
        """The current version (None if withdrawn), or exactly `version` when given."""
        ...

    def get_departments(self) -> list[Department]: ...

    def get_bundles(self) -> list[Bundle]:
        """The bundles (一件事) the last import published, checked against its items."""
        ...

    def catalog_revision(self) -> CatalogRevision | None: ...

    def load_search_entries(self, revision: CatalogRevision) -> list[dict[str, Any]]:
        """The summaries the index of `revision` holds, one per listed item."""
        ...

    # -- the importer ---------------------------------------------------------------------
    def item_head(self, item_id: str) -> ItemHead | None: ...

    def put_item_version(self, item: CatalogItem, digest: str) -> None:
        """Stores `item` as its version (a Conflict if that version exists) and makes it
        the current one."""
        ...

    def withdraw_item(self, head: ItemHead) -> None:
        """No new case may use the item; cases filed under a version still read it."""
        ...

    def put_departments(self, departments: list[Department]) -> None: ...

    def put_bundles(self, bundles: list[Bundle]) -> None: ...

    def publish_search_index(
        self, entries: list[dict[str, Any]], revision: int, published_at: datetime
    ) -> CatalogRevision:
        """Writes the index of `revision`, then points readers at it."""
        ...
