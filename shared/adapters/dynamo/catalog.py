"""The catalog: every version of every item, the current one, and the search index.

| record            | PK           | SK                      | holds                        |
|-------------------|--------------|-------------------------|------------------------------|
| an item version   | ITEM#<id>    | V#<version, 6 digits>   | the item as it was: immutable |
| the current item  | ITEM#<id>    | CURRENT                 | the latest version, digest   |
| departments       | CATALOG      | DEPARTMENTS             | the list's departments       |
| bundles (一件事)   | CATALOG      | BUNDLES                 | the bundles, as one document |
| the search index  | CATALOG      | INDEX#<rev>#<chunk>     | gzip'd summaries, ≤ 350 KB    |
| the revision      | CATALOG      | REVISION                | which index is current       |

A case reads the version it pinned; the API reads CURRENT; search reads the index, loaded
once per container and revision (shared/services/catalog.py). Publishing writes the new
index first and the revision last, so a reader sees the old index or the new one, never
half of one; the index before the previous one is deleted.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.adapters.dynamo.table import DynamoTable, Item, dump, n, parse, put, record, s
from shared.errors import Conflict, TransientError
from shared.ports.catalog import CatalogRevision, ItemHead

if TYPE_CHECKING:  # imported where read: most stages never parse a catalog model
    from shared.models.bundles import Bundle
    from shared.models.catalog import CatalogItem, Department

CATALOG = "CATALOG"
REVISION = "REVISION"
DEPARTMENTS = "DEPARTMENTS"
BUNDLES = "BUNDLES"
CURRENT = "CURRENT"
CHUNK_BYTES = 350_000  # under DynamoDB's 400 KB item limit, with room for the keys


def item_pk(item_id: str) -> str:
    return f"ITEM#{item_id}"


def version_sk(version: int) -> str:
    return f"V#{version:06d}"


def index_sk(revision: int, chunk: int | None = None) -> str:
    prefix = f"INDEX#{revision:06d}#"
    return prefix if chunk is None else f"{prefix}{chunk:03d}"


class CatalogStore(DynamoTable):
    def get_catalog_item(self, item_id: str, version: int | None = None) -> CatalogItem | None:
        from shared.models.catalog import CatalogItem

        if version is not None:
            found = self._get(item_pk(item_id), version_sk(version))
            return parse(CatalogItem, found) if found else None
        current = self._get(item_pk(item_id), CURRENT)
        if current is None or current.get("withdrawn", {}).get("BOOL"):
            return None
        return parse(CatalogItem, current)

    def get_departments(self) -> list[Department]:
        from shared.models.catalog import Department

        found = self._get(CATALOG, DEPARTMENTS)
        if not found:
            return []
        return [Department.model_validate(d, extra="ignore") for d in json.loads(found["doc"]["S"])]

    def get_bundles(self) -> list[Bundle]:
        from shared.models.bundles import BundleList

        found = self._get(CATALOG, BUNDLES)
        return BundleList.model_validate_json(found["doc"]["S"]).bundles if found else []

    def catalog_revision(self) -> CatalogRevision | None:
        found = self._get(CATALOG, REVISION)
        if not found:
            return None
        return CatalogRevision(
            revision=int(found["revision"]["N"]),
            item_count=int(found["itemCount"]["N"]),
            chunks=int(found["chunks"]["N"]),
            published_at=datetime.fromisoformat(found["publishedAt"]["S"]),
        )

    def load_search_entries(self, revision: CatalogRevision) -> list[dict[str, Any]]:
        items = self._query_all(
            TableName=self.table,
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :index)",
            ExpressionAttributeNames={"#pk": "PK", "#sk": "SK"},
            ExpressionAttributeValues={
                ":pk": s(CATALOG),
                ":index": s(index_sk(revision.revision)),
            },
        )
        if len(items) != revision.chunks:
            # A newer catalog replaced this one while it was read: read the revision again.
            raise TransientError(f"catalog index {revision.revision} is incomplete")
        entries: list[dict[str, Any]] = []
        for item in items:
            entries.extend(json.loads(gzip.decompress(item["data"]["B"])))
        return entries

    # -- the importer -------------------------------------------------------------------
    def item_head(self, item_id: str) -> ItemHead | None:
        found = self._get(item_pk(item_id), CURRENT, consistent=True)
        if not found:
            return None
        return ItemHead(
            item_id=item_id,
            version=int(found["version"]["N"]),
            digest=found["digest"]["S"],
            withdrawn=bool(found.get("withdrawn", {}).get("BOOL")),
        )

    def put_item_version(self, item: CatalogItem, digest: str) -> None:
        doc = dump(item)
        pk = item_pk(item.item_id)
        version = put(record(pk, version_sk(item.version), doc, digest=s(digest)))
        version["Put"]["ConditionExpression"] = "attribute_not_exists(PK)"
        current = put(record(pk, CURRENT, doc, digest=s(digest), version=n(item.version)))
        current["Put"].update(
            {
                "ConditionExpression": "attribute_not_exists(PK) OR #v < :v",
                "ExpressionAttributeNames": {"#v": "version"},
                "ExpressionAttributeValues": {":v": n(item.version)},
            }
        )
        self._write(
            [version, current],
            Conflict(f"version {item.version} of {item.item_id} exists already", field="version"),
        )

    def withdraw_item(self, head: ItemHead) -> None:
        self._update(
            {
                "Key": {"PK": s(item_pk(head.item_id)), "SK": s(CURRENT)},
                "UpdateExpression": "SET withdrawn = :yes",
                "ExpressionAttributeValues": {":yes": {"BOOL": True}},
            }
        )

    def put_departments(self, departments: list[Department]) -> None:
        doc = json.dumps(
            [d.model_dump(mode="json", by_alias=True) for d in departments], ensure_ascii=False
        )
        self._put(record(CATALOG, DEPARTMENTS, doc))

    def put_bundles(self, bundles: list[Bundle]) -> None:
        from shared.models.bundles import BundleList

        self._put(record(CATALOG, BUNDLES, dump(BundleList(bundles=bundles))))

    def publish_search_index(
        self, entries: list[dict[str, Any]], revision: int, published_at: datetime
    ) -> CatalogRevision:
        previous = self._get(CATALOG, REVISION, consistent=True)
        chunks = _chunks(entries)
        self._batch_put(
            [
                {"PK": s(CATALOG), "SK": s(index_sk(revision, i)), "data": {"B": chunk}}
                for i, chunk in enumerate(chunks)
            ]
        )
        published = CatalogRevision(revision, len(entries), len(chunks), published_at)
        pointer: Item = {
            "PK": s(CATALOG),
            "SK": s(REVISION),
            "revision": n(revision),
            "itemCount": n(len(entries)),
            "chunks": n(len(chunks)),
            "publishedAt": s(published_at.isoformat()),
        }
        if previous:
            pointer["previousRevision"] = previous["revision"]
            pointer["previousChunks"] = previous["chunks"]
        self._write(
            [
                {
                    "Put": {
                        "Item": pointer,
                        "ConditionExpression": "attribute_not_exists(PK) OR revision < :r",
                        "ExpressionAttributeValues": {":r": n(revision)},
                    }
                }
            ],
            Conflict("a newer catalog was published meanwhile", field="revision"),
        )
        if previous and "previousRevision" in previous:
            # The index two revisions back: no reader can be on it any more.
            old = int(previous["previousRevision"]["N"])
            count = int(previous["previousChunks"]["N"])
            self._batch_delete(
                [{"PK": s(CATALOG), "SK": s(index_sk(old, i))} for i in range(count)]
            )
        return published


def _chunks(entries: list[dict[str, Any]]) -> list[bytes]:
    """The entries as gzip'd JSON arrays, each under CHUNK_BYTES compressed."""
    chunks: list[bytes] = []
    batch: list[dict[str, Any]] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) % 200 == 0 and len(_pack(batch)) > CHUNK_BYTES * 0.8:
            chunks.append(_pack(batch))
            batch = []
    if batch or not chunks:
        chunks.append(_pack(batch))
    for chunk in chunks:
        if len(chunk) > CHUNK_BYTES:
            raise ValueError("a catalog index chunk is too large; lower the batch size")
    return chunks


def _pack(entries: list[dict[str, Any]]) -> bytes:
    raw = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode()
    return gzip.compress(raw, mtime=0)
