"""moto's DynamoDB made to cost what the items cost, not what the table holds.

moto 5.2.5 does two things whose cost grows with the whole table, where DynamoDB's does not:

- `transact_write_items` deep-copies every table a transaction touches, to roll back on
  failure. Here the backup is item-level: the items the transaction names are copied
  first, tables are not, and on failure those items are put back as they were.
- a Query on the table (not an index) sorts every item of the table and keeps those of
  the partition. Here it is given the partition's items alone, sorted the same way.

moto's own checks, conditions and writes are unchanged. Local runtime and tests only;
pinned with moto (pyproject.toml).
"""

import copy
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

_lock = threading.RLock()
_original: Callable[..., None] | None = None


def _key(table: Table, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    attributes = op["Item"] if op_type == "Put" else op["Key"]
    key = {table.hash_key_attr: attributes[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attributes[table.range_key_attr]
    return key


def _transact(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    assert _original is not None
    backups: list[tuple[str, dict[str, Any], Any]] = []
    for entry in transact_items:
        if len(entry) != 1:
            break  # moto refuses it itself
        ((op_type, op),) = entry.items()
        table_name = op.get("TableName")
        if table_name not in self.tables or op_type not in {"Put", "Update", "Delete"}:
            continue
        key = _key(self.tables[table_name], op_type, op)
        backups.append((table_name, key, copy.deepcopy(self.get_item(table_name, key))))
    with _lock:
        had = "__deepcopy__" in Table.__dict__
        Table.__deepcopy__ = lambda table, memo: table  # type: ignore[attr-defined]
        try:
            _original(self, transact_items)
        except Exception:
            _restore(self, backups)
            raise
        finally:
            if not had:
                del Table.__deepcopy__  # type: ignore[attr-defined]


def _restore(self: DynamoDBBackend, backups: list[tuple[str, dict[str, Any], Any]]) -> None:
    for table_name, key, old in reversed(backups):
        if old is None:
            if self.get_item(table_name, key) is not None:
                self.delete_item(table_name, key)
        else:
            self.put_item(table_name, old.to_json()["Attributes"])


_original_query: Callable[..., Any] | None = None


def _query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    assert _original_query is not None
    # moto passes index_name as the eighth argument (the seventh after hash_key).
    index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
    if index_name or hash_key is None or not self.range_key_attr:
        return _original_query(self, hash_key, *args, **kwargs)
    partition = self.items.get(hash_key) or {}

    def partition_items() -> list[Any]:
        return sorted(partition.values(), key=lambda item: (item.hash_key, item.range_key))

    self.all_items = partition_items  # type: ignore[method-assign]
    try:
        return _original_query(self, hash_key, *args, **kwargs)
    finally:
        del self.all_items


def install() -> None:
    global _original, _original_query
    if _original is None:
        _original = DynamoDBBackend.transact_write_items
        DynamoDBBackend.transact_write_items = _transact  # type: ignore[method-assign]
    if _original_query is None:
        _original_query = Table.query
        Table.query = _query  # type: ignore[method-assign]
