"""The stats table: the published figures' counters and the events already tallied.

| record  | PK           | SK                 | attributes                                 |
|---------|--------------|--------------------|--------------------------------------------|
| counter | ITEM or DEPT | <period>#<key>     | one number per counter, `updatedAt`        |
| tallied | EVENT#<id>   | -                  | `expiresAt` (TTL): past any redelivery     |

A period is `all` or a month (YYYY-MM), so one query lists a period's rows in key order,
a page at a time, however many cases there were. Each stream event is added in one
transaction with its `tallied` record, conditioned on that record being new: a batch the
stream delivers again adds nothing twice. Only the stats function writes here.
"""

from __future__ import annotations

import json
import random
import time
from datetime import datetime, timedelta
from typing import Any

from shared.adapters.aws_errors import AWS_ERRORS, translate
from shared.adapters.dynamo.cases import HEADER, case_pk
from shared.adapters.dynamo.table import DynamoTable, Item, n, s, stamp
from shared.domain.stats import ALL_TIME, StatsScope, Tally
from shared.errors import Conflict, TransientError
from shared.models.clock import CaseClock
from shared.models.common import utc_now
from shared.names import STATS_TTL, TABLE_PK, TABLE_SK
from shared.ports.page import Page
from shared.ports.stats import StatsRow
from shared.settings import get_settings

_PARTITION: dict[StatsScope, str] = {"item": "ITEM", "department": "DEPT"}
# A stream keeps records 24 hours; Lambda retries within that. A week is well past it.
TALLIED_FOR = timedelta(days=7)
# Every event of a busy day touches the same few rows: transactions on one row meet now
# and then (TransactionConflict). Retried here a few times before the batch is.
_ATTEMPTS = 4
_BACKOFF_SECONDS = 0.05


class AlreadyTallied(Conflict):
    """This stream event's tally was added before."""


def _counter_key(scope: StatsScope, period: str, key: str) -> Item:
    return {TABLE_PK: s(_PARTITION[scope]), TABLE_SK: s(f"{period}#{key}")}


def _add(scope: StatsScope, period: str, key: str, deltas: dict[str, int], at: str) -> Item:
    names = {f"#c{i}": name for i, name in enumerate(deltas)}
    values: dict[str, Any] = {f":c{i}": n(v) for i, v in enumerate(deltas.values())}
    adds = ", ".join(f"#c{i} :c{i}" for i in range(len(deltas)))
    return {
        "Update": {
            "Key": _counter_key(scope, period, key),
            "UpdateExpression": f"SET #at = :at, #key = :key ADD {adds}",
            "ExpressionAttributeNames": {**names, "#at": "updatedAt", "#key": "key"},
            "ExpressionAttributeValues": {**values, ":at": s(at), ":key": s(key)},
        }
    }


class StatsStore(DynamoTable):
    def __init__(self, table_name: str | None = None) -> None:
        super().__init__(table_name or get_settings().require("stats_table_name"))

    def apply(self, event_id: str, tally: Tally) -> bool:
        at = stamp(utc_now())
        expires = int((utc_now() + TALLIED_FOR).timestamp())
        operations = [
            {
                "Put": {
                    "Item": {
                        TABLE_PK: s(f"EVENT#{event_id}"),
                        TABLE_SK: s("-"),
                        STATS_TTL: n(expires),
                    },
                    "ConditionExpression": "attribute_not_exists(#pk)",
                    "ExpressionAttributeNames": {"#pk": TABLE_PK},
                }
            },
            _add(tally.scope, ALL_TIME, tally.key, {**tally.counts, **tally.gauges}, at),
        ]
        if any(tally.counts.values()):
            operations.append(_add(tally.scope, tally.month, tally.key, dict(tally.counts), at))
        return self._transact(operations)

    def _transact(self, operations: list[Item]) -> bool:
        items = [
            {kind: {"TableName": self.table, **body}}
            for operation in operations
            for kind, body in operation.items()
        ]
        for attempt in range(_ATTEMPTS):
            try:
                self._db.transact_write_items(TransactItems=items)
                return True
            except AWS_ERRORS as exc:
                error = translate(exc, AlreadyTallied("event tallied before"))
                if isinstance(error, AlreadyTallied):
                    return False
                if not isinstance(error, TransientError) or attempt == _ATTEMPTS - 1:
                    raise error from exc
            time.sleep(_BACKOFF_SECONDS * 2**attempt * (1 + random.random()))
        raise AssertionError("unreachable")

    def rows(
        self, scope: StatsScope, period: str, limit: int, cursor: str | None
    ) -> Page[StatsRow]:
        partition = _PARTITION[scope]
        page = self._query_page(
            "#pk = :pk AND begins_with(#sk, :period)",
            {"#pk": TABLE_PK, "#sk": TABLE_SK},
            {":pk": s(partition), ":period": s(f"{period}#")},
            limit,
            cursor,
            partition=(TABLE_PK, partition),
        )
        return Page([_row(i, period) for i in page.items], page.next_cursor, page.scanned)


def _row(item: Item, period: str) -> StatsRow:
    counters = {
        name: int(value["N"])
        for name, value in item.items()
        if "N" in value and name not in (STATS_TTL,)
    }
    at = item.get("updatedAt", {}).get("S")
    return StatsRow(
        key=item["key"]["S"],
        period=period,
        counters=counters,
        updated_at=datetime.fromisoformat(at) if at else None,
    )


class HeaderClocks(DynamoTable):
    """Reads a case's clock from its header (the main table), for a review's time."""

    def case_clock(self, application_id: str) -> CaseClock | None:
        found = self._get(case_pk(application_id), HEADER, projection="doc")
        if not found:
            return None
        clock = json.loads(found["doc"]["S"]).get("clock")
        return CaseClock.model_validate(clock, extra="ignore") if clock else None
