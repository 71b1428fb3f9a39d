"""Counts the AWS calls the functions make, through botocore's event hooks, and the DynamoDB
request units they would be billed for.

moto answers ReturnConsumedCapacity with fixed figures, so the units are worked out here
from the stored items' sizes (moto's own `Item.size()`, DynamoDB's rule: attribute names
plus values), the way on-demand capacity bills them:

- reads: ceil(size / 4 KB) read units, halved when eventually consistent; a Query sums
  the sizes of the items it read (filtered-out ones included) before rounding;
- writes: ceil(max(size before, size after) / 1 KB) write units, at least 1; each GSI is
  written too when the item is (or was) in it, sized by what that index projects (its
  keys, the table's keys and its INCLUDE attributes, or the whole item for ALL): an
  in-place update costs the new entry's units, a changed or removed index key one delete
  plus one put;
- transactions: twice the units of the same writes.

Only calls made while a handler runs (`harness.in_handler()`) are counted: the polling and
provisioning the benchmark does itself are not the system's cost.
"""

import math
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from infra.bench.env import REGION
from infra.bench.harness import in_handler

_WRITES = {"PutItem", "UpdateItem", "DeleteItem"}


@dataclass
class DynamoUnits:
    read_units: float = 0.0
    write_units: float = 0.0
    # Items DynamoDB evaluated (GetItem and BatchGetItem hits + Query ScannedCount).
    items_read: int = 0
    gsi_write_units: float = 0.0


@dataclass
class StoredState:
    size: int
    # Per GSI the item is in: the index key values and the size of its projected entry.
    index_entries: dict[str, tuple[tuple[Any, ...], int]] = field(default_factory=dict)


@dataclass
class AwsMeter:
    """Install on the default boto3 session BEFORE the clients it should see are created:
    a botocore client copies the session's event handlers when it is created."""

    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    dynamo: DynamoUnits = field(default_factory=DynamoUnits)
    count_all: bool = False  # also count calls made outside handlers
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _installed: list[tuple[str, Any]] = field(default_factory=list)

    def install(self) -> "AwsMeter":
        session = boto3._get_default_session()
        for event, hook in (
            ("before-parameter-build.dynamodb", self._before_dynamodb),
            ("after-call", self._after_call),
        ):
            session.events.register(event, hook)
            self._installed.append((event, hook))
        return self

    def uninstall(self) -> None:
        session = boto3._get_default_session()
        for event, hook in self._installed:
            session.events.unregister(event, hook)
        self._installed.clear()

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.dynamo = DynamoUnits()

    def count(self, service: str, operation: str) -> int:
        return self.calls[(service, operation)]

    def by_service(self, service: str) -> dict[str, int]:
        return {op: n for (svc, op), n in sorted(self.calls.items()) if svc == service}

    # -- hooks --------------------------------------------------------------------------
    def _counting(self) -> bool:
        return self.count_all or in_handler()

    def _before_dynamodb(self, model: Any, params: dict[str, Any], context: Any, **_: Any) -> None:
        if not self._counting():
            return
        body = params
        operation = model.name
        if operation in _WRITES:
            context["bench_before"] = [self._stored(body["TableName"], _key_of(body))]
        elif operation == "TransactWriteItems":
            context["bench_before"] = [
                self._stored(op["TableName"], _key_of(op))
                for entry in body["TransactItems"]
                for op in entry.values()
            ]
        context["bench_request"] = body

    def _after_call(self, model: Any, parsed: dict[str, Any], context: Any, **_: Any) -> None:
        if not self._counting():
            return
        service = model.service_model.service_name
        with self._lock:
            self.calls[(service, model.name)] += 1
            if service == "dynamodb":
                self._dynamodb_units(
                    model.name,
                    context.get("bench_request") or {},
                    parsed,
                    context.get("bench_before") or [],
                )

    # -- DynamoDB units -------------------------------------------------------------------
    def _dynamodb_units(
        self,
        operation: str,
        request: dict[str, Any],
        parsed: dict[str, Any],
        before: list[StoredState | None],
    ) -> None:
        units = self.dynamo
        failed = "Error" in parsed
        if operation == "GetItem":
            state = self._stored(request["TableName"], request["Key"])
            size = state.size if state else 0
            units.read_units += _read_units(size, bool(request.get("ConsistentRead")))
            units.items_read += 1 if state else 0
        elif operation == "Query":
            items = parsed.get("Items") or []
            scanned = int(parsed.get("ScannedCount", len(items)))
            sizes = [self._size_of_returned(request["TableName"], i) for i in items]
            # Filtered-out items are read too; they are sized like the ones returned.
            average = sum(sizes) / len(sizes) if sizes else 1024
            total = sum(sizes) + max(0, scanned - len(items)) * average
            consistent = bool(request.get("ConsistentRead")) and not request.get("IndexName")
            units.read_units += _read_units(int(total), consistent)
            units.items_read += scanned
        elif operation == "BatchGetItem":
            # Each key read is an item read, its units rounded up on its own; the items
            # are sized as stored (a projection does not make a read cheaper).
            unprocessed = parsed.get("UnprocessedKeys") or {}
            for table, asked in (request.get("RequestItems") or {}).items():
                left = (unprocessed.get(table) or {}).get("Keys") or []
                for key in asked.get("Keys") or []:
                    state = None if key in left else self._stored(table, key)
                    if state is not None:
                        consistent = bool(asked.get("ConsistentRead"))
                        units.read_units += _read_units(state.size, consistent)
                        units.items_read += 1
        elif operation in _WRITES:
            after = None if failed else self._stored(request["TableName"], _key_of(request))
            table, gsi = _write_units(before[0] if before else None, after)
            units.write_units += table
            units.gsi_write_units += gsi
        elif operation == "TransactWriteItems":
            ops = [op for entry in request["TransactItems"] for op in entry.values()]
            for op, old in zip(ops, before, strict=False):
                after = None if failed else self._stored(op["TableName"], _key_of(op))
                table, gsi = _write_units(old, after)
                units.write_units += 2 * table
                units.gsi_write_units += 2 * gsi
        elif operation == "BatchWriteItem":
            for requests in (request.get("RequestItems") or {}).values():
                for entry in requests:
                    item = (entry.get("PutRequest") or {}).get("Item")
                    units.write_units += 1 if item is None else 0
                    if item is not None:
                        state = self._stored_item_state(item)
                        units.write_units += _units(state.size, 1024)

    def _stored(self, table_name: str, key: dict[str, Any]) -> StoredState | None:
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
        try:
            table = backend.get_table(table_name)
            item = backend.get_item(table_name, key)
        except Exception:  # a table or key moto does not know: nothing stored
            return None
        if item is None:
            return None
        entries: dict[str, tuple[tuple[Any, ...], int]] = {}
        table_keys = [k["AttributeName"] for k in table.schema]
        for index in table.global_indexes or []:
            names = [k["AttributeName"] for k in index.schema]
            values = [item.attrs.get(name) for name in names]
            if any(v is None for v in values):
                continue  # not in this (sparse) index
            projection = index.projection or {}
            if projection.get("ProjectionType", "ALL") == "ALL":
                size = item.size()
            else:
                kept = {*names, *table_keys, *projection.get("NonKeyAttributes", [])}
                size = sum(len(k.encode()) + v.size() for k, v in item.attrs.items() if k in kept)
            entries[index.name] = (tuple(str(v.value) for v in values if v is not None), size)
        return StoredState(item.size(), entries)

    def _stored_item_state(self, item: dict[str, Any]) -> StoredState:
        return StoredState(_attribute_size(item))

    def _size_of_returned(self, table_name: str, item: dict[str, Any]) -> int:
        # The stored item, not the projection: DynamoDB bills the whole item.
        state = self._stored(table_name, {k: item[k] for k in ("PK", "SK") if k in item})
        return state.size if state else _attribute_size(item)


def _key_of(request: dict[str, Any]) -> dict[str, Any]:
    if "Key" in request:
        return dict(request["Key"])
    item = request.get("Item") or {}
    return {k: v for k, v in item.items() if k in ("PK", "SK", "id")}


def _units(size: int, unit: int) -> int:
    return max(1, math.ceil(size / unit))


def _read_units(size: int, consistent: bool) -> float:
    return _units(size, 4096) * (1.0 if consistent else 0.5)


def _write_units(before: StoredState | None, after: StoredState | None) -> tuple[int, int]:
    size = max(before.size if before else 0, after.size if after else 0)
    table = _units(size, 1024)
    gsi = 0
    was = before.index_entries if before else {}
    now = after.index_entries if after else {}
    for index in set(was) | set(now):
        old, new = was.get(index), now.get(index)
        if old and new and old[0] == new[0]:
            gsi += _units(new[1], 1024)  # updated in place
            continue
        if old:  # removed from the index (or re-keyed: delete, then put)
            gsi += _units(old[1], 1024)
        if new:
            gsi += _units(new[1], 1024)
    return table, gsi


def _attribute_size(value: Any) -> int:
    """DynamoDB's size of an item in AttributeValue JSON: names plus values."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _TYPES:
        kind, inner = next(iter(value.items()))
        if kind in ("S", "B"):
            return len(str(inner).encode())
        if kind == "N":
            return len(str(inner).lstrip("-").replace(".", "")) // 2 + 1
        if kind in ("BOOL", "NULL"):
            return 1
        if kind == "L":
            return 3 + sum(_attribute_size(v) + 1 for v in inner)
        if kind == "M":
            return 3 + sum(len(k.encode()) + _attribute_size(v) + 1 for k, v in inner.items())
        return sum(len(str(v).encode()) for v in inner)
    return sum(len(k.encode()) + _attribute_size(v) for k, v in value.items())


_TYPES = {"S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"}
