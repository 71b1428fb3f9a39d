"""The audit table: `PK` the subject, `SK` the position in its trail (zero-padded), the
record as JSON in `doc`; GSI1 lists an actor's records by time (`ACTOR#<name>` /
`<at>#<subject>#<seq>`), people only: the system's own writes (the stages') are in each
case's trail but not listed by actor, which halves the index's writes. Only the audit
function writes the table, and only new items."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.acting import SYSTEM
from shared.adapters.aws_errors import AWS_ERRORS, translate
from shared.adapters.dynamo.table import DynamoTable, Item, dump, parse, s, stamp
from shared.errors import Conflict
from shared.models.audit import AuditRecord
from shared.names import GSI1, GSI1_PK, GSI1_SK, TABLE_PK, TABLE_SK
from shared.ports.page import Page
from shared.settings import get_settings

_SEQ_DIGITS = 12


def _position(seq: int) -> str:
    return f"{seq:0{_SEQ_DIGITS}d}"


def actor_partition(actor: str) -> str:
    return f"ACTOR#{actor}"


def audit_item(record: AuditRecord) -> Item:
    item = {
        TABLE_PK: s(record.subject),
        TABLE_SK: s(_position(record.seq)),
        "doc": s(dump(record)),
    }
    if record.actor != SYSTEM:
        item[GSI1_PK] = s(actor_partition(record.actor))
        item[GSI1_SK] = s(f"{stamp(record.at)}#{record.subject}#{_position(record.seq)}")
    return item


class AuditStore(DynamoTable):
    def __init__(self, table_name: str | None = None) -> None:
        super().__init__(table_name or get_settings().require("audit_table_name"))

    def last_record(self, subject: str) -> AuditRecord | None:
        response = self._call_query(
            {
                "TableName": self.table,
                "KeyConditionExpression": "#pk = :pk",
                "ExpressionAttributeNames": {"#pk": TABLE_PK},
                "ExpressionAttributeValues": {":pk": s(subject)},
                "ScanIndexForward": False,
                "Limit": 1,
                "ConsistentRead": True,
            },
            None,
        )
        items = response.get("Items", [])
        return parse(AuditRecord, items[0]) if items else None

    def get_record(self, subject: str, seq: int) -> AuditRecord | None:
        item = self._get(subject, _position(seq), consistent=True)
        return parse(AuditRecord, item) if item else None

    def append(self, record: AuditRecord) -> None:
        # Not DynamoTable._put: an audit record is not stamped with a writer of its own.
        try:
            self._db.put_item(
                TableName=self.table,
                Item=audit_item(record),
                ConditionExpression="attribute_not_exists(#pk)",
                ExpressionAttributeNames={"#pk": TABLE_PK},
            )
        except AWS_ERRORS as exc:
            conflict = Conflict("that place in the trail is taken", field="seq")
            raise translate(exc, conflict) from exc

    def list_subject(self, subject: str, limit: int, cursor: str | None) -> Page[AuditRecord]:
        page = self._query_page(
            "#pk = :pk",
            {"#pk": TABLE_PK},
            {":pk": s(subject)},
            limit,
            cursor,
            partition=(TABLE_PK, subject),
        )
        return Page([parse(AuditRecord, i) for i in page.items], page.next_cursor, page.scanned)

    def list_actor(
        self,
        actor: str,
        limit: int,
        cursor: str | None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[AuditRecord]:
        partition = actor_partition(actor)
        condition = "#pk = :pk"
        names = {"#pk": GSI1_PK}
        values: dict[str, Any] = {":pk": s(partition)}
        if since or until:
            # `~` sorts after every key part, so `until` excludes that instant onwards.
            condition += " AND #sk BETWEEN :from AND :to"
            names["#sk"] = GSI1_SK
            values[":from"] = s(stamp(since) if since else "0")
            values[":to"] = s(stamp(until) if until else "~")
        page = self._query_page(
            condition,
            names,
            values,
            limit,
            cursor,
            index=GSI1,
            newest_first=True,
            partition=(GSI1_PK, partition),
        )
        return Page([parse(AuditRecord, i) for i in page.items], page.next_cursor, page.scanned)
