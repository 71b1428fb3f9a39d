"""DynamoDB single-table repository for applications, review tasks, certificates,
follow-up tickets and the catalog.

Each record stores its model as a JSON document (`doc`) beside its keys, so the domain's
types round-trip exactly; only keys, status and version live in attributes. Access
patterns, all by key (no request path scans):

| record       | PK                 | SK     | GSI1PK            | GSI1SK               |
|--------------|--------------------|--------|-------------------|----------------------|
| application  | APP#<id>           | APP    | OWNER#<sub>       | <id> (ULID: by time) |
| review task  | TASK#<taskId>      | TASK   | INBOX#<dept> *    | <dueAt>#<taskId>     |
| certificate  | CERT#<no>          | CERT   |                   |                      |
| ticket       | TICKET#<id>        | TICKET | FOLLOWUP#<status> | <openedAt>#<id>      |
| catalog item | ITEM#<id>          | ITEM   | CATALOG           | <type>#<id>          |

* only while the task is pending: a sparse index is the department's inbox.
Tokens (supplement, review) are attributes of their records, never in `doc`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from botocore.exceptions import ClientError

from shared.adapters.aws import client
from shared.adapters.pagination import Page, decode_cursor, encode_cursor
from shared.errors import Conflict, TransientError, ValidationFailed
from shared.models.application import Application, FollowUpTicket, ReviewTask
from shared.settings import get_settings

if TYPE_CHECKING:  # imported where used: most functions never read the catalog (cold starts)
    from shared.models.catalog import CatalogItem

T = TypeVar("T")
_THROTTLED = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}


@dataclass(frozen=True)
class Certificate:
    certificate_no: str
    application_id: str
    item_id: str
    verification_code: str
    holder: str  # masked applicant name/identifier shown on verification
    issued_at: datetime
    document_key: str
    revoked: bool = False


class Repository(Protocol):
    def get_application(self, application_id: str) -> Application | None: ...
    def create_application(self, application: Application) -> None: ...
    def save_application(self, application: Application, **tokens: str | None) -> None: ...
    def get_token(self, application_id: str, name: str) -> str | None: ...
    def list_owner_applications(
        self, owner_id: str, limit: int, cursor: str | None
    ) -> Page[Application]: ...
    def save_task(self, task: ReviewTask) -> None: ...
    def get_task(self, task_id: str) -> ReviewTask | None: ...
    def list_pending_tasks(
        self, department: str, limit: int, cursor: str | None
    ) -> Page[ReviewTask]: ...
    def decide_task(self, task: ReviewTask, application: Application) -> None: ...
    def put_certificate(self, certificate: Certificate) -> None: ...
    def get_certificate(self, certificate_no: str) -> Certificate | None: ...
    def put_ticket(self, ticket: FollowUpTicket) -> None: ...
    def get_catalog_item(self, item_id: str) -> CatalogItem | None: ...
    def list_catalog(
        self, item_type: str | None, query: str | None, limit: int, cursor: str | None
    ) -> Page[CatalogItem]: ...
    def put_catalog(self, items: Iterable[CatalogItem]) -> int: ...


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _translate(exc: ClientError) -> Exception:
    code = exc.response.get("Error", {}).get("Code", "")
    if code in _THROTTLED:
        return TransientError(f"DynamoDB {code}")
    return exc


class DynamoRepository:
    def __init__(self, table_name: str | None = None) -> None:
        self.table = table_name or get_settings().require("table_name")

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    # -- applications -------------------------------------------------------------------
    def _application_item(self, app: Application, version: int) -> dict[str, Any]:
        return {
            "PK": _s(f"APP#{app.application_id}"),
            "SK": _s("APP"),
            "GSI1PK": _s(f"OWNER#{app.owner_id}"),
            "GSI1SK": _s(app.application_id),
            "status": _s(app.status.value),
            "version": {"N": str(version)},
            "doc": _s(app.model_copy(update={"version": version}).model_dump_json()),
        }

    def get_application(self, application_id: str) -> Application | None:
        item = self._get(f"APP#{application_id}", "APP")
        return Application.model_validate_json(item["doc"]["S"]) if item else None

    def create_application(self, application: Application) -> None:
        item = self._application_item(application, 1)
        try:
            self._db.put_item(
                TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(PK)"
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise Conflict("application already exists", field="applicationId") from exc
            raise _translate(exc) from exc
        application.version = 1

    def save_application(self, application: Application, **tokens: str | None) -> None:
        """Writes the case if nobody else did since it was read (optimistic lock).

        `tokens` sets (a string) or removes (None) token attributes, e.g.
        supplement_token="..." stores the token the resubmission will answer.
        """
        expected = application.version
        item = self._application_item(application, expected + 1)
        names = {"#doc": "doc", "#st": "status", "#v": "version"}
        values = {
            ":doc": item["doc"],
            ":st": item["status"],
            ":v": item["version"],
            ":expected": {"N": str(expected)},
        }
        sets = ["#doc = :doc", "#st = :st", "#v = :v"]
        removes = []
        for i, (name, value) in enumerate(tokens.items()):
            names[f"#t{i}"] = name
            if value is None:
                removes.append(f"#t{i}")
            else:
                sets.append(f"#t{i} = :t{i}")
                values[f":t{i}"] = _s(value)
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        try:
            self._db.update_item(
                TableName=self.table,
                Key={"PK": item["PK"], "SK": item["SK"]},
                UpdateExpression=expression,
                ConditionExpression="#v = :expected",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                # Someone else changed the case first; stages retry, the API answers 409.
                raise Conflict(
                    "the application was changed concurrently; retry", field="applicationId"
                ) from exc
            raise _translate(exc) from exc
        application.version = expected + 1

    def get_token(self, application_id: str, name: str) -> str | None:
        item = self._get(f"APP#{application_id}", "APP", projection=name)
        return item.get(name, {}).get("S") if item else None

    def list_owner_applications(
        self, owner_id: str, limit: int, cursor: str | None
    ) -> Page[Application]:
        return _parse_docs(
            self._query_gsi(f"OWNER#{owner_id}", None, limit, cursor, newest_first=True),
            Application.model_validate_json,
        )

    # -- review tasks -------------------------------------------------------------------
    def _task_item(self, task: ReviewTask) -> dict[str, Any]:
        item = {
            "PK": _s(f"TASK#{task.task_id}"),
            "SK": _s("TASK"),
            "status": _s(task.status),
            "doc": _s(task.model_dump_json(exclude={"task_token"})),
            "taskToken": _s(task.task_token),
        }
        if task.status == "PENDING":
            item["GSI1PK"] = _s(f"INBOX#{task.department}")
            item["GSI1SK"] = _s(f"{task.due_at.isoformat()}#{task.task_id}")
        return item

    def save_task(self, task: ReviewTask) -> None:
        try:
            self._db.put_item(TableName=self.table, Item=self._task_item(task))
        except ClientError as exc:
            raise _translate(exc) from exc

    def get_task(self, task_id: str) -> ReviewTask | None:
        item = self._get(f"TASK#{task_id}", "TASK")
        if not item:
            return None
        task = ReviewTask.model_validate_json(item["doc"]["S"])
        task.task_token = item.get("taskToken", {}).get("S", "")
        return task

    def list_pending_tasks(
        self, department: str, limit: int, cursor: str | None
    ) -> Page[ReviewTask]:
        return _parse_docs(
            self._query_gsi(f"INBOX#{department}", None, limit, cursor, newest_first=False),
            ReviewTask.model_validate_json,
        )

    def decide_task(self, task: ReviewTask, application: Application) -> None:
        """Records a decision and the case's new state in one transaction; the task must
        still be pending and the case unchanged, so two racing decisions cannot both win."""
        # The token stays: if answering it fails after this write, the officer's retry
        # re-sends it (see shared/services/tasks.decide).
        task_item = self._task_item(task)
        app_item = self._application_item(application, application.version + 1)
        try:
            self._db.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": {"PK": task_item["PK"], "SK": task_item["SK"]},
                            "UpdateExpression": "SET #doc = :doc, #st = :st REMOVE GSI1PK, GSI1SK",
                            "ConditionExpression": "#st = :pending",
                            "ExpressionAttributeNames": {"#doc": "doc", "#st": "status"},
                            "ExpressionAttributeValues": {
                                ":doc": task_item["doc"],
                                ":st": task_item["status"],
                                ":pending": _s("PENDING"),
                            },
                        }
                    },
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": {"PK": app_item["PK"], "SK": app_item["SK"]},
                            "UpdateExpression": "SET #doc = :doc, #st = :st, #v = :v",
                            "ConditionExpression": "#v = :expected",
                            "ExpressionAttributeNames": {
                                "#doc": "doc",
                                "#st": "status",
                                "#v": "version",
                            },
                            "ExpressionAttributeValues": {
                                ":doc": app_item["doc"],
                                ":st": app_item["status"],
                                ":v": app_item["version"],
                                ":expected": {"N": str(application.version)},
                            },
                        }
                    },
                ]
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "TransactionCanceledException":
                raise Conflict(
                    "the task was already decided or the case changed; reload", field="taskId"
                ) from exc
            raise _translate(exc) from exc
        application.version += 1

    # -- certificates and tickets -------------------------------------------------------
    def put_certificate(self, certificate: Certificate) -> None:
        doc = {**certificate.__dict__, "issued_at": certificate.issued_at.isoformat()}
        self._db.put_item(
            TableName=self.table,
            Item={
                "PK": _s(f"CERT#{certificate.certificate_no}"),
                "SK": _s("CERT"),
                "doc": _s(json.dumps(doc, ensure_ascii=False)),
            },
        )

    def get_certificate(self, certificate_no: str) -> Certificate | None:
        item = self._get(f"CERT#{certificate_no}", "CERT")
        if not item:
            return None
        doc = json.loads(item["doc"]["S"])
        doc["issued_at"] = datetime.fromisoformat(doc["issued_at"])
        return Certificate(**doc)

    def put_ticket(self, ticket: FollowUpTicket) -> None:
        try:
            self._db.put_item(
                TableName=self.table,
                Item={
                    "PK": _s(f"TICKET#{ticket.ticket_id}"),
                    "SK": _s("TICKET"),
                    "status": _s(ticket.status),
                    "GSI1PK": _s(f"FOLLOWUP#{ticket.status}"),
                    "GSI1SK": _s(f"{ticket.opened_at.isoformat()}#{ticket.ticket_id}"),
                    "doc": _s(ticket.model_dump_json()),
                },
                ConditionExpression="attribute_not_exists(PK)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise Conflict(
                    "a follow-up ticket for this case exists already", field="ticketId"
                ) from exc
            raise _translate(exc) from exc

    def list_tickets(self, status: str, limit: int, cursor: str | None) -> Page[FollowUpTicket]:
        return _parse_docs(
            self._query_gsi(f"FOLLOWUP#{status}", None, limit, cursor, newest_first=False),
            FollowUpTicket.model_validate_json,
        )

    # -- catalog ------------------------------------------------------------------------
    def get_catalog_item(self, item_id: str) -> CatalogItem | None:
        item = self._get(f"ITEM#{item_id}", "ITEM")
        return _catalog_item(item["doc"]["S"]) if item else None

    def list_catalog(
        self, item_type: str | None, query: str | None, limit: int, cursor: str | None
    ) -> Page[CatalogItem]:
        prefix = f"{item_type}#" if item_type else None
        page = self._query_gsi(
            "CATALOG",
            prefix,
            limit,
            cursor,
            newest_first=False,
            contains=("searchText", query.lower()) if query else None,
        )
        return _parse_docs(page, _catalog_item)

    def put_catalog(self, items: Iterable[CatalogItem]) -> int:
        from shared.catalog import catalog_search_text

        count = 0
        batch: list[dict[str, Any]] = []
        for item in items:
            batch.append(
                {
                    "PutRequest": {
                        "Item": {
                            "PK": _s(f"ITEM#{item.item_id}"),
                            "SK": _s("ITEM"),
                            "GSI1PK": _s("CATALOG"),
                            "GSI1SK": _s(f"{item.item_type.value}#{item.item_id}"),
                            "searchText": _s(catalog_search_text(item)),
                            "doc": _s(item.model_dump_json(by_alias=True)),
                        }
                    }
                }
            )
            count += 1
            if len(batch) == 25:
                self._write_batch(batch)
                batch = []
        if batch:
            self._write_batch(batch)
        return count

    # -- helpers ------------------------------------------------------------------------
    def _write_batch(self, requests: list[dict[str, Any]]) -> None:
        pending: dict[str, Any] = {self.table: requests}
        for _ in range(8):
            response = self._db.batch_write_item(RequestItems=pending)
            pending = response.get("UnprocessedItems") or {}
            if not pending:
                return
        raise TransientError("DynamoDB left catalog items unprocessed")

    def _get(self, pk: str, sk: str, projection: str | None = None) -> dict[str, Any] | None:
        kwargs: dict[str, Any] = {"TableName": self.table, "Key": {"PK": _s(pk), "SK": _s(sk)}}
        if projection:
            kwargs["ProjectionExpression"] = "#p"
            kwargs["ExpressionAttributeNames"] = {"#p": projection}
        try:
            item = self._db.get_item(**kwargs).get("Item")
        except ClientError as exc:
            raise _translate(exc) from exc
        return item or None

    def _query_gsi(
        self,
        pk: str,
        sk_prefix: str | None,
        limit: int,
        cursor: str | None,
        *,
        newest_first: bool,
        contains: tuple[str, str] | None = None,
    ) -> Page[dict[str, Any]]:
        """One page of GSI1 for a partition; with a filter it reads on until the page is
        full or the partition ends, so a page is never short while more items match."""
        names = {"#pk": "GSI1PK"}
        values: dict[str, Any] = {":pk": _s(pk)}
        condition = "#pk = :pk"
        if sk_prefix:
            names["#sk"] = "GSI1SK"
            values[":sk"] = _s(sk_prefix)
            condition += " AND begins_with(#sk, :sk)"
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": "GSI1",
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not newest_first,
        }
        if contains:
            names["#f"] = contains[0]
            values[":f"] = _s(contains[1])
            kwargs["FilterExpression"] = "contains(#f, :f)"
        start = decode_cursor(cursor)
        found: list[dict[str, Any]] = []
        scanned = 0
        while True:
            kwargs["Limit"] = limit - len(found)
            if start:
                kwargs["ExclusiveStartKey"] = start
            try:
                response = self._db.query(**kwargs)
            except ClientError as exc:
                if exc.response["Error"]["Code"] == "ValidationException" and cursor:
                    raise ValidationFailed("cursor is not valid", field="cursor") from exc
                raise _translate(exc) from exc
            found.extend(response.get("Items", []))
            scanned += response.get("ScannedCount", 0)
            start = response.get("LastEvaluatedKey")
            if not start or len(found) >= limit:
                return Page(found, encode_cursor(start), scanned)


def _parse_docs(page: Page[dict[str, Any]], parse: Callable[[str], T]) -> Page[T]:
    """A page of raw items as models, each parsed from its JSON `doc`."""
    return Page([parse(item["doc"]["S"]) for item in page.items], page.next_cursor, page.scanned)


def _catalog_item(doc: str) -> CatalogItem:
    from shared.models.catalog import CatalogItem

    return CatalogItem.model_validate_json(doc)
