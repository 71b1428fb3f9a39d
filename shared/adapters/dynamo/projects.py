"""Key projects (重点项目), their cases and the steward's log.

| record                 | PK                 | SK                         |
|------------------------|--------------------|----------------------------|
| a project              | PROJECT#<id>       | PROJECT                    |
| its project code, once | PROJECTCODE#<code> | PROJECTCODE                |
| a case of it           | PROJECT#<id>       | CASE#<applicationId>       |
| a case's one project   | CASELINK#<appId>   | PROJECT                    |
| an account's project   | ACCOUNT#<sub>      | PROJECT#<id>               |
| a log entry            | PROJECT#<id>       | LOG#<signed at>#<entry id> |

A project is in GSI1 under its steward (STEWARD#<name>) and in GSI2 under PROJECTS, both
by registration time, newest first.
A project's cases are read as its links (one query) and their headers' summaries (one
BatchGetItem per 100): what a project reads grows with that project's own cases, never
with the zone's.
"""

from __future__ import annotations

from typing import Any

from shared.adapters.aws_errors import AWS_ERRORS, translate
from shared.adapters.dynamo.cases import HEADER, case_pk
from shared.adapters.dynamo.table import (
    DynamoTable,
    Item,
    dump,
    parse,
    parse_summary,
    record,
    s,
    stamp,
)
from shared.errors import Conflict, TransientError
from shared.models.application import ApplicationSummary
from shared.models.projects import KeyProject, LogEntry
from shared.names import GSI1, GSI1_PK, GSI1_SK, GSI2, GSI2_PK, GSI2_SK, SUMMARY_ATTRIBUTE
from shared.ports.page import Page
from shared.ports.projects import CaseLink

PROJECT = "PROJECT"
ALL_PROJECTS = "PROJECTS"
BATCH = 100  # BatchGetItem's most keys per call


def project_pk(project_id: str) -> str:
    return f"PROJECT#{project_id}"


def steward_partition(steward: str) -> str:
    return f"STEWARD#{steward}"


def _project_item(project: KeyProject) -> Item:
    doc = dump(project)
    order = f"{stamp(project.created_at)}#{project.project_id}"
    return record(
        project_pk(project.project_id),
        PROJECT,
        doc,
        **{
            GSI1_PK: s(steward_partition(project.steward)),
            GSI1_SK: s(order),
            GSI2_PK: s(ALL_PROJECTS),
            GSI2_SK: s(order),
            SUMMARY_ATTRIBUTE: s(doc),
        },
    )


class ProjectStore(DynamoTable):
    def put_project(self, project: KeyProject) -> None:
        code = record(f"PROJECTCODE#{project.project_code}", "PROJECTCODE", project.project_id)
        self._write(
            [
                {
                    "Put": {
                        "Item": _project_item(project),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
                {"Put": {"Item": code, "ConditionExpression": "attribute_not_exists(PK)"}},
            ],
            Conflict(
                f"project code {project.project_code} is registered already", field="projectCode"
            ),
        )

    def get_project(self, project_id: str) -> KeyProject | None:
        found = self._get(project_pk(project_id), PROJECT)
        return parse(KeyProject, found) if found else None

    def list_projects(
        self, steward: str | None, limit: int, cursor: str | None
    ) -> Page[KeyProject]:
        """A steward's projects, or (None) every project, newest first."""
        if steward is not None:
            return self._index_page(
                KeyProject, GSI1, steward_partition(steward), limit, cursor, newest_first=True
            )
        return self._index_page(KeyProject, GSI2, ALL_PROJECTS, limit, cursor, newest_first=True)

    def list_account_projects(
        self, account: str, limit: int, cursor: str | None
    ) -> Page[KeyProject]:
        page = self._query_page(
            "#pk = :pk AND begins_with(#sk, :projects)",
            {"#pk": "PK", "#sk": "SK"},
            {":pk": s(f"ACCOUNT#{account}"), ":projects": s("PROJECT#")},
            limit,
            cursor,
            partition=("PK", f"ACCOUNT#{account}"),
        )
        return Page([parse(KeyProject, i) for i in page.items], page.next_cursor, page.scanned)

    def link_case(
        self, project: KeyProject, link: CaseLink, account: str, first_of_account: bool
    ) -> None:
        """The case joins the project (a Conflict if it is in one already); its account
        gets the project in its list, and the project the account, the first time."""
        operations: list[dict[str, Any]] = [
            {
                "Put": {
                    "Item": record(f"CASELINK#{link.application_id}", PROJECT, project.project_id),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            {
                "Put": {
                    "Item": record(
                        project_pk(project.project_id),
                        f"CASE#{link.application_id}",
                        link.to_json(),
                    )
                }
            },
        ]
        if first_of_account:
            joined = project.model_copy(update={"accounts": [*project.accounts, account]})
            operations += [
                {"Put": {"Item": _project_item(joined)}},
                {
                    "Put": {
                        "Item": record(
                            f"ACCOUNT#{account}", f"PROJECT#{project.project_id}", dump(joined)
                        )
                    }
                },
            ]
        self._write(
            operations,
            Conflict(
                f"application {link.application_id} belongs to a project already",
                field="applicationId",
            ),
        )

    def case_links(self, project_id: str) -> list[CaseLink]:
        items = self._query_all(
            TableName=self.table,
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :cases)",
            ExpressionAttributeNames={"#pk": "PK", "#sk": "SK"},
            ExpressionAttributeValues={":pk": s(project_pk(project_id)), ":cases": s("CASE#")},
        )
        return [CaseLink.from_json(i["doc"]["S"]) for i in items]

    def project_of_case(self, application_id: str) -> str | None:
        found = self._get(f"CASELINK#{application_id}", PROJECT)
        return found["doc"]["S"] if found else None

    def case_summaries(self, application_ids: list[str]) -> dict[str, ApplicationSummary]:
        """The cases' list summaries (their headers' projected summary), 100 per call."""
        found: dict[str, ApplicationSummary] = {}
        for start in range(0, len(application_ids), BATCH):
            keys = [
                {"PK": s(case_pk(a)), "SK": s(HEADER)}
                for a in application_ids[start : start + BATCH]
            ]
            for item in self._batch_get(keys, SUMMARY_ATTRIBUTE):
                summary = parse_summary(ApplicationSummary, item)
                found[summary.application_id] = summary
        return found

    def put_log_entry(self, project_id: str, entry: LogEntry) -> None:
        sk = f"LOG#{stamp(entry.signed_at)}#{entry.entry_id}"
        self._put(
            record(project_pk(project_id), sk, dump(entry)),
            condition="attribute_not_exists(PK)",
            conflict=Conflict("this log entry exists already", field="entryId"),
        )

    def list_log(self, project_id: str, limit: int, cursor: str | None) -> Page[LogEntry]:
        page = self._query_page(
            "#pk = :pk AND begins_with(#sk, :log)",
            {"#pk": "PK", "#sk": "SK"},
            {":pk": s(project_pk(project_id)), ":log": s("LOG#")},
            limit,
            cursor,
            newest_first=True,
            partition=("PK", project_pk(project_id)),
        )
        return Page([parse(LogEntry, i) for i in page.items], page.next_cursor, page.scanned)

    def _batch_get(self, keys: list[Item], projection: str) -> list[Item]:
        request: dict[str, Any] = {
            self.table: {
                "Keys": keys,
                "ProjectionExpression": "#p",
                "ExpressionAttributeNames": {"#p": projection},
            }
        }
        items: list[Item] = []
        for _ in range(5):  # unprocessed keys come back under throttling: retry them
            try:
                response = self._db.batch_get_item(RequestItems=request)
            except AWS_ERRORS as exc:
                raise translate(exc) from exc
            items += response.get("Responses", {}).get(self.table, [])
            request = response.get("UnprocessedKeys") or {}
            if not request:
                return items
        raise TransientError("DynamoDB left keys of a batch read unprocessed")
