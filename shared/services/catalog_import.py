"""Importing a zone's implementation list: new items, new versions of changed ones, the
withdrawal of those no longer listed, its bundles (一件事), and a new catalog revision
(the search index, which also tells the API to read the bundles again) when anything
changed.

Re-importing the same list writes nothing. A changed item (any field but its version)
becomes version n+1; the versions before it stay readable, so a case filed under one
keeps it. The list is validated in full before this runs (shared/catalog_files.py).
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from shared.domain.catalog_search import search_entry
from shared.models.bundles import Bundle
from shared.models.catalog import Catalog, CatalogItem
from shared.models.common import utc_now
from shared.ports.catalog import CatalogRepository


def item_digest(item: CatalogItem) -> str:
    """What identifies an item's content: its canonical JSON without the version."""
    content = item.model_dump(mode="json", by_alias=True, exclude={"version"})
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, int]] = field(default_factory=list)  # (item, its new version)
    unchanged: int = 0
    withdrawn: list[str] = field(default_factory=list)
    departments_changed: bool = False
    bundles_changed: bool = False
    revision: int | None = None  # the index published, None when nothing changed

    @property
    def wrote_anything(self) -> bool:
        return bool(
            self.added
            or self.changed
            or self.withdrawn
            or self.departments_changed
            or self.bundles_changed
        )

    def summary(self) -> str:
        published = f"; search index revision {self.revision}" if self.revision else ""
        bundles = "; bundles updated" if self.bundles_changed else ""
        return (
            f"{len(self.added)} new, {len(self.changed)} changed (new versions), "
            f"{self.unchanged} unchanged, {len(self.withdrawn)} withdrawn{bundles}{published}"
        )


def import_catalog(
    catalog: Catalog,
    repo: CatalogRepository,
    now: datetime | None = None,
    bundles: Sequence[Bundle] = (),
) -> ImportReport:
    """Imports the list and its bundles (checked against it: `checked_bundles`)."""
    report = ImportReport()
    current = repo.catalog_revision()
    listed = {e["itemId"] for e in repo.load_search_entries(current)} if current else set()
    entries = []
    for item in catalog.items:
        digest = item_digest(item)
        head = repo.item_head(item.item_id)
        if head is not None and head.digest == digest and not head.withdrawn:
            versioned = item.model_copy(update={"version": head.version})
            report.unchanged += 1
        else:
            version = head.version + 1 if head else 1
            versioned = item.model_copy(update={"version": version})
            repo.put_item_version(versioned, digest)
            if head is None:
                report.added.append(item.item_id)
            else:
                report.changed.append((item.item_id, version))
        entries.append(search_entry(versioned))
    for item_id in sorted(listed - {i.item_id for i in catalog.items}):
        head = repo.item_head(item_id)
        if head is not None and not head.withdrawn:
            repo.withdraw_item(head)
            report.withdrawn.append(item_id)
    if repo.get_departments() != catalog.departments:
        repo.put_departments(catalog.departments)
        report.departments_changed = True
    if repo.get_bundles() != list(bundles):
        repo.put_bundles(list(bundles))
        report.bundles_changed = True
    changed = report.added or report.changed or report.withdrawn or report.bundles_changed
    if current is None or changed:
        revision = (current.revision + 1) if current else 1
        repo.publish_search_index(entries, revision, now or utc_now())
        report.revision = revision
    return report
