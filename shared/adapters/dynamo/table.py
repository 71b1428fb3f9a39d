"""What every record of the single table shares: its shape, reading it back tolerantly,
and the few DynamoDB calls the repositories make.

A record is `PK`, `SK`, `sv` (the schema version of its layout), `doc` (its model as
JSON) and whatever keys and attributes its kind needs (status, version, index keys, the
`summary` the indexes project, tokens). Reading is tolerant: a field the model does not
know is ignored, so a function rolled back after a deploy that added one still reads
every record; request bodies stay strict (shared/models/common.ApiModel).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from botocore.exceptions import ClientError
from pydantic import BaseModel

from shared.acting import current_actor
from shared.adapters.aws import client
from shared.adapters.aws_errors import AWS_ERRORS, error_code, translate
from shared.adapters.pagination import CursorScope, decode_cursor, encode_cursor
from shared.errors import Conflict, TransientError, ValidationFailed
from shared.models.common import utc_now
from shared.names import AUDIT_STAMP, INDEX_KEYS, SUMMARY_ATTRIBUTE, TABLE_PK, TABLE_SK
from shared.ports.page import Page
from shared.settings import get_settings

M = TypeVar("M", bound=BaseModel)
Item = dict[str, Any]
# The layout of the records (item collection per case, versioned catalog). A reader that
# meets a higher one still reads what it knows.
SCHEMA_VERSION = 2
MAX_TRANSACTION_ITEMS = 100


def s(value: str) -> dict[str, str]:
    return {"S": value}


def n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def record(pk: str, sk: str, doc: str, **attributes: dict[str, Any]) -> Item:
    return {TABLE_PK: s(pk), TABLE_SK: s(sk), "sv": n(SCHEMA_VERSION), "doc": s(doc), **attributes}


def dump(model: BaseModel, **options: Any) -> str:
    """A model as stored: camelCase JSON without the fields that hold their default or
    None (they read back as that default), which keeps a case's header under one write
    unit. The models' defaults are constants (or factories, never left out); a default,
    once records are stored this way, is part of the stored format: changing one needs a
    new SCHEMA_VERSION and a reader that knows the old default."""
    return model.model_dump_json(by_alias=True, exclude_none=True, exclude_defaults=True, **options)


def parse(model: type[M], item: Item, attribute: str = "doc") -> M:
    """A stored record as its model, ignoring fields this version does not know."""
    return model.model_validate_json(item[attribute]["S"], extra="ignore")


def parse_summary(model: type[M], item: Item) -> M:
    return parse(model, item, SUMMARY_ATTRIBUTE)


def stamp(moment: datetime) -> str:
    """A sortable key part: the instant in UTC to the microsecond."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def actor_stamp() -> dict[str, Any]:
    """Who writes, how and when (the `by` map each write carries): a: actor, v: via,
    o: on whose behalf, r: request, t: time."""
    actor = current_actor()
    stamped = {"a": s(actor.name), "v": s(actor.via), "t": s(stamp(utc_now()))}
    if actor.on_behalf_of:
        stamped["o"] = s(actor.on_behalf_of)
    if actor.request_id:
        stamped["r"] = s(actor.request_id)
    return {"M": stamped}


def stamped_item(item: Item) -> Item:
    return {**item, AUDIT_STAMP: actor_stamp()}


def stamped_update(body: Mapping[str, Any]) -> dict[str, Any]:
    """An UpdateItem body that also sets who writes (every update here SETs something)."""
    expression: str = body["UpdateExpression"]
    setting = "#by_ = :by_"
    if expression.startswith("SET "):
        expression = f"SET {setting}, {expression[4:]}"
    else:
        expression = f"SET {setting} {expression}"
    return {
        **body,
        "UpdateExpression": expression,
        "ExpressionAttributeNames": {
            **body.get("ExpressionAttributeNames", {}),
            "#by_": AUDIT_STAMP,
        },
        "ExpressionAttributeValues": {
            **body.get("ExpressionAttributeValues", {}),
            ":by_": actor_stamp(),
        },
    }


def _stamped(kind: str, body: Mapping[str, Any]) -> dict[str, Any]:
    if kind == "Put":
        return {**body, "Item": stamped_item(body["Item"])}
    if kind == "Update":
        return stamped_update(body)
    return dict(body)


class DynamoTable:
    def __init__(self, table_name: str | None = None) -> None:
        self.table = table_name or get_settings().require("table_name")

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    # -- reads ----------------------------------------------------------------------------
    def _get(
        self, pk: str, sk: str, *, consistent: bool = False, projection: str | None = None
    ) -> Item | None:
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "Key": {TABLE_PK: s(pk), TABLE_SK: s(sk)},
            "ConsistentRead": consistent,
        }
        if projection:
            kwargs["ProjectionExpression"] = "#p"
            kwargs["ExpressionAttributeNames"] = {"#p": projection}
        try:
            found = self._db.get_item(**kwargs).get("Item")
        except AWS_ERRORS as exc:
            raise translate(exc) from exc
        return found or None

    def _query_all(self, **kwargs: Any) -> list[Item]:
        """Every item a query matches, following DynamoDB's 1 MB pages (a case's records)."""
        items: list[Item] = []
        while True:
            response = self._call_query(kwargs, None)
            items.extend(response.get("Items", []))
            start = response.get("LastEvaluatedKey")
            if not start:
                return items
            kwargs["ExclusiveStartKey"] = start

    def _query_page(
        self,
        condition: str,
        names: dict[str, str],
        values: dict[str, Any],
        limit: int,
        cursor: str | None,
        *,
        index: str | None = None,
        newest_first: bool = False,
        partition: tuple[str, str] | None = None,
    ) -> Page[Item]:
        """One page of a key condition. The cursor it hands out is bound to this query
        (the table or index, the condition's values); the one it is given must be such a
        cursor, whose key holds `partition` (attribute, value): one made for another list
        or partition is refused with a ValidationFailed naming `cursor`, never followed."""
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not newest_first,
            "Limit": limit,
        }
        if index:
            kwargs["IndexName"] = index
        scope = CursorScope(index, values, partition)
        start = decode_cursor(cursor, scope)
        if start:
            kwargs["ExclusiveStartKey"] = start
        response = self._call_query(kwargs, cursor)
        return Page(
            response.get("Items", []),
            encode_cursor(response.get("LastEvaluatedKey"), scope),
            response.get("ScannedCount", 0),
        )

    def _index_page(
        self,
        model: type[M],
        index: str,
        partition: str,
        limit: int,
        cursor: str | None,
        *,
        newest_first: bool = False,
        before: datetime | None = None,
    ) -> Page[M]:
        """One page of an index partition as `model`s, read from the summaries it projects;
        with `before`, only entries whose sort key is earlier than that instant."""
        pk, sk = INDEX_KEYS[index]
        condition = "#pk = :pk"
        names = {"#pk": pk}
        values: dict[str, Any] = {":pk": s(partition)}
        if before is not None:
            condition += " AND #sk < :before"
            names["#sk"] = sk
            values[":before"] = s(stamp(before))
        page = self._query_page(
            condition,
            names,
            values,
            limit,
            cursor,
            index=index,
            newest_first=newest_first,
            partition=(pk, partition),
        )
        return Page([parse_summary(model, i) for i in page.items], page.next_cursor, page.scanned)

    def _call_query(self, kwargs: dict[str, Any], cursor: str | None) -> Any:
        try:
            return self._db.query(**kwargs)
        except AWS_ERRORS as exc:
            if cursor and isinstance(exc, ClientError) and error_code(exc) == "ValidationException":
                raise ValidationFailed("cursor is not valid", field="cursor") from exc
            raise translate(exc) from exc

    # -- writes ---------------------------------------------------------------------------
    def _put(
        self, item: Item, *, condition: str | None = None, conflict: Conflict | None = None
    ) -> None:
        kwargs: dict[str, Any] = {"TableName": self.table, "Item": stamped_item(item)}
        if condition:
            kwargs["ConditionExpression"] = condition
        try:
            self._db.put_item(**kwargs)
        except AWS_ERRORS as exc:
            raise translate(exc, conflict) from exc

    def _delete(self, pk: str, sk: str) -> None:
        """Deletes a record, first stamping who deletes it: the stream's REMOVE carries the
        last image, so the audit trail names the deleter, not the record's last writer."""
        key = {TABLE_PK: s(pk), TABLE_SK: s(sk)}
        try:
            self._db.update_item(
                TableName=self.table,
                Key=key,
                UpdateExpression="SET #by_ = :by_",
                ConditionExpression="attribute_exists(#pk)",
                ExpressionAttributeNames={"#by_": AUDIT_STAMP, "#pk": TABLE_PK},
                ExpressionAttributeValues={":by_": actor_stamp()},
            )
            self._db.delete_item(TableName=self.table, Key=key)
        except AWS_ERRORS as exc:
            if (
                isinstance(exc, ClientError)
                and error_code(exc) == "ConditionalCheckFailedException"
            ):
                return  # nothing to delete
            raise translate(exc) from exc

    def _update(self, update: Mapping[str, Any], conflict: Conflict | None = None) -> None:
        try:
            self._db.update_item(TableName=self.table, **stamped_update(update))
        except AWS_ERRORS as exc:
            raise translate(exc, conflict) from exc

    def _write(
        self, operations: Sequence[dict[str, Any]], conflict: Conflict | None = None
    ) -> None:
        """Writes the operations ({"Put": ...} / {"Update": ...}) all or nothing: a single
        call when there is one, a transaction (twice the write units) only when needed."""
        if not operations:
            return
        if len(operations) > MAX_TRANSACTION_ITEMS:
            raise ValueError(f"{len(operations)} writes exceed one transaction")
        try:
            if len(operations) == 1:
                ((kind, body),) = operations[0].items()
                call = self._db.put_item if kind == "Put" else self._db.update_item
                call(TableName=self.table, **_stamped(kind, body))
            else:
                self._db.transact_write_items(
                    TransactItems=[
                        {kind: {"TableName": self.table, **_stamped(kind, body)}}
                        for operation in operations
                        for kind, body in operation.items()
                    ]
                )
        except AWS_ERRORS as exc:
            raise translate(exc, conflict) from exc

    def _batch_put(self, items: Sequence[Item]) -> None:
        """Unconditional puts, 25 at a time, retrying what DynamoDB leaves unprocessed."""
        self._batch([{"PutRequest": {"Item": stamped_item(i)}} for i in items])

    def _batch_delete(self, keys: Sequence[Item]) -> None:
        self._batch([{"DeleteRequest": {"Key": k}} for k in keys])

    def _batch(self, requests: Sequence[dict[str, Any]]) -> None:
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {self.table: list(requests[start : start + 25])}
            for _ in range(8):
                try:
                    response = self._db.batch_write_item(RequestItems=pending)
                except AWS_ERRORS as exc:
                    raise translate(exc) from exc
                pending = response.get("UnprocessedItems") or {}
                if not pending:
                    break
            else:
                raise TransientError("DynamoDB left items unprocessed")


def put(item: Item, condition: str | None = None) -> dict[str, Any]:
    """A Put operation for `DynamoTable._write`."""
    body: dict[str, Any] = {"Item": item}
    if condition:
        body["ConditionExpression"] = condition
    return {"Put": body}
