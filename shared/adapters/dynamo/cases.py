"""A case as an item collection under `APP#<id>`: each writer writes only its own records.

| record   | SK                   | GSI1 (PK / SK)              | GSI2 (PK / SK)               |
|----------|----------------------|-----------------------------|------------------------------|
| header   | HEADER               | OWNER#<sub> / <id>          | CASE#<status> / <due>#<id>   |
| form     | FORM                 |                             |                              |
| material | MATERIAL#<code>      |                             |                              |
| review   | REVIEW#<dept>        | INBOX#<dept> / <due>#<task> | TASKS#PENDING / <due>#<task> |
| result   | RESULT               |                             |                              |
| delivery | DELIVERY             |                             |                              |
| rating   | FEEDBACK             |                             |                              |
| event    | TL#<at>#<nn><random> |                             |                              |

A bundle filed as one is `BUNDLECASE#<id>` / `BUNDLECASE`: the screening it was filed
with and its members' ids; each member is a case as above, written with it at once, and
its summary in its owner's list, `OWNERBUNDLES#<sub>` / `BUNDLECASE#<id>`.

Reviews are in tasks.py. The timeline's `TL#` sorts after every other record, so one query
for `SK < "TL#"` reads a case without its timeline, however long that grows, and the
timeline pages on its own. The indexes project one attribute, `summary`: what their
pages show, not the record. The header is in GSI2 only while its status is watched
(submitted, returned, in approval, failed: shared/domain/status.WATCHED), keyed by its due
time while it waits (the promised deadline in approval, the supplement deadline when
returned) or else the time it last changed: soonest due or longest waiting first.
Tokens (the supplement's) are attributes of the header, never in `doc`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from shared.adapters.dynamo.records import ticket_item
from shared.adapters.dynamo.table import (
    DynamoTable,
    Item,
    dump,
    n,
    parse,
    put,
    record,
    s,
    stamp,
)
from shared.domain.status import WATCHED
from shared.errors import ConcurrentUpdate, Conflict
from shared.models.application import (
    FORM_FIELDS,
    HEADER_FIELDS,
    Application,
    ApplicationSummary,
    CheckedDocument,
    DeliveryRecord,
    FollowUpTicket,
    MaterialRecord,
    Rating,
    ResultRecord,
    Review,
    TimelineEvent,
)
from shared.models.bundle_cases import BundleCase, BundleCaseSummary
from shared.models.common import ApplicationStatus
from shared.names import GSI1, GSI1_PK, GSI1_SK, GSI2, GSI2_PK, GSI2_SK, SUMMARY_ATTRIBUTE
from shared.ports.applications import CaseRecord
from shared.ports.page import Page

HEADER = "HEADER"
COMMITMENT_BAR = "COMMITMENT_BAR"
# An applicant's documents checked against their originals, per account and kind (可复用):
# a handful at most, so a query reads them all.
CHECKED = "CHECKED#"
FORM = "FORM"
MATERIAL = "MATERIAL#"
REVIEW = "REVIEW#"
RESULT = "RESULT"
PLANNED_RESULT = "ISSUING"
DELIVERY = "DELIVERY"
FEEDBACK = "FEEDBACK"
EVENT = "TL#"
_SINGLE_RECORDS: dict[type, str] = {
    ResultRecord: RESULT,
    DeliveryRecord: DELIVERY,
    Rating: FEEDBACK,
}


def case_pk(application_id: str) -> str:
    return f"APP#{application_id}"


BUNDLE_CASE = "BUNDLECASE"


def bundle_case_pk(bundle_case_id: str) -> str:
    return f"BUNDLECASE#{bundle_case_id}"


def owner_bundles_pk(owner_id: str) -> str:
    return f"OWNERBUNDLES#{owner_id}"


def agent_partition(agent_sub: str) -> str:
    return f"AGENT#{agent_sub}"


def agent_filing_item(application: Application) -> Item:
    assert application.agent_sub is not None
    return {
        "PK": s(agent_partition(application.agent_sub)),
        "SK": s(f"CASE#{application.application_id}"),
        "doc": s(application.application_id),
    }


def owner_partition(owner_id: str) -> str:
    return f"OWNER#{owner_id}"


WINDOW_QUEUE = "CASE#AT_WINDOW"


def status_partition(status: ApplicationStatus) -> str:
    return f"CASE#{status.value}"


def header_item(application: Application, version: int) -> Item:
    header = application.model_copy(update={"version": version})
    summary = header.summary()
    item = record(
        case_pk(application.application_id),
        HEADER,
        dump(header, include=set(HEADER_FIELDS)),
        status=s(application.status.value),
        version=n(version),
        **{
            GSI1_PK: s(owner_partition(application.owner_id)),
            GSI1_SK: s(application.application_id),
            SUMMARY_ATTRIBUTE: s(dump(summary)),
        },
    )
    if application.status in WATCHED:
        waiting_since = summary.due_at or summary.updated_at
        partition = status_partition(application.status)
        if application.status is ApplicationStatus.SUBMITTED and application.at_window_since:
            # The window queue: every clerk's, oldest first.
            partition, waiting_since = WINDOW_QUEUE, application.at_window_since
        item[GSI2_PK] = s(partition)
        item[GSI2_SK] = s(f"{stamp(waiting_since)}#{application.application_id}")
    return item


def _creation(application: Application) -> list[dict[str, Any]]:
    """The writes that create a case: its header, form and first events, and its place in
    its agent's list (which keeps it once it moves to the applicant)."""
    operations = [
        put(header_item(application, 1), "attribute_not_exists(PK)"),
        put(form_item(application)),
        *(put(e) for e in event_items(application.application_id, application.new_events)),
    ]
    if application.agent_sub is not None:
        operations.append(put(agent_filing_item(application)))
    return operations


def form_item(application: Application) -> Item:
    return record(
        case_pk(application.application_id),
        FORM,
        dump(application, include=set(FORM_FIELDS)),
    )


def child_item(application_id: str, child: CaseRecord | Rating) -> Item:
    if isinstance(child, MaterialRecord):
        sk = f"{MATERIAL}{child.code}"
    else:
        sk = _SINGLE_RECORDS[type(child)]
    return record(case_pk(application_id), sk, dump(child))


def event_items(application_id: str, events: Sequence[TimelineEvent]) -> list[Item]:
    # <at>#<position in this write><random>: ordered by time, then as recorded, never equal.
    return [
        record(
            case_pk(application_id),
            f"{EVENT}{stamp(event.at)}#{i:02d}{secrets.token_hex(2)}",
            dump(event),
        )
        for i, event in enumerate(events)
    ]


def assemble(items: Sequence[Item]) -> Application | None:
    """A case from the records of its collection (without the timeline)."""
    by_sk = {item["SK"]["S"]: item for item in items}
    header = by_sk.get(HEADER)
    if header is None:
        return None
    # The header and the form are two halves of one model: merged, then read tolerantly.
    raw: dict[str, Any] = json.loads(header["doc"]["S"])
    form = by_sk.get(FORM)
    if form is not None:
        raw.update(json.loads(form["doc"]["S"]))
    application = Application.model_validate(raw, extra="ignore")
    for sk, item in by_sk.items():
        if sk.startswith(MATERIAL):
            material = parse(MaterialRecord, item)
            application.materials[material.code] = material
        elif sk.startswith(REVIEW):
            review = parse(Review, item)
            application.reviews[review.department] = review
        elif sk == RESULT:
            application.result = parse(ResultRecord, item)
        elif sk == PLANNED_RESULT:
            application.planned_result = parse(ResultRecord, item)
        elif sk == DELIVERY:
            application.delivery_record = parse(DeliveryRecord, item)
        elif sk == FEEDBACK:
            application.feedback = parse(Rating, item)
    return application


class CaseStore(DynamoTable):
    def get_application(self, application_id: str) -> Application | None:
        items = self._query_all(
            TableName=self.table,
            KeyConditionExpression="#pk = :pk AND #sk < :events",
            ExpressionAttributeNames={"#pk": "PK", "#sk": "SK"},
            ExpressionAttributeValues={":pk": s(case_pk(application_id)), ":events": s(EVENT)},
            ConsistentRead=True,
        )
        return assemble(items)

    def create_application(self, application: Application) -> None:
        self._write(
            _creation(application), Conflict("application already exists", field="applicationId")
        )
        application.version = 1
        application.events_written()

    def create_bundle_case(self, bundle_case: BundleCase, members: Sequence[Application]) -> None:
        # All or nothing: a bundle case never lacks a member, nor a member its bundle case.
        case_id = bundle_case.bundle_case_id
        operations = [
            put(
                record(bundle_case_pk(case_id), BUNDLE_CASE, dump(bundle_case)),
                "attribute_not_exists(PK)",
            ),
            put(
                record(
                    owner_bundles_pk(bundle_case.owner_id),
                    f"{BUNDLE_CASE}#{case_id}",
                    dump(bundle_case.summary()),
                )
            ),
            *(o for m in members for o in _creation(m)),
        ]
        self._write(operations, Conflict("bundle case already exists", field="bundleCaseId"))
        for member in members:
            member.version = 1
            member.events_written()

    def list_owner_bundle_cases(
        self, owner_id: str, limit: int, cursor: str | None
    ) -> Page[BundleCaseSummary]:
        """The owner's bundle filings, newest first (ULIDs sort by time): one query."""
        partition = owner_bundles_pk(owner_id)
        page = self._query_page(
            "#pk = :pk AND begins_with(#sk, :cases)",
            {"#pk": "PK", "#sk": "SK"},
            {":pk": s(partition), ":cases": s(f"{BUNDLE_CASE}#")},
            limit,
            cursor,
            newest_first=True,
            partition=("PK", partition),
        )
        return Page(
            [parse(BundleCaseSummary, i) for i in page.items], page.next_cursor, page.scanned
        )

    def put_shared_material(self, application_ids: Sequence[str], material: MaterialRecord) -> None:
        self._write([put(child_item(a, material)) for a in application_ids])

    def save_bundle_drafts(self, members: Sequence[Application]) -> None:
        operations = [
            o
            for m in members
            for o in (
                {"Update": header_update(m, m.version, {})},
                put(form_item(m)),
                *(put(e) for e in event_items(m.application_id, m.new_events)),
            )
        ]
        self._write(
            operations,
            ConcurrentUpdate(
                "a member was saved from elsewhere since it was read; reload the bundle "
                "application",
                field="bundleCaseId",
            ),
        )
        for member in members:
            member.version += 1
            member.events_written()

    def save_bundle_case(
        self, bundle_case: BundleCase, members: Sequence[Application] = ()
    ) -> None:
        """The bundle case (refused with 409 if saved elsewhere since it was read), its
        line in the owner's list, and the members' headers and events, all at once."""
        case_id = bundle_case.bundle_case_id
        expected = bundle_case.version
        stored = bundle_case.model_copy(update={"version": expected + 1})
        item = record(bundle_case_pk(case_id), BUNDLE_CASE, dump(stored), ver=n(expected + 1))
        operations = [
            {
                "Put": {
                    "Item": item,
                    # Records written before the bundle case had a version hold none: 1.
                    "ConditionExpression": "attribute_exists(PK) AND "
                    + ("(attribute_not_exists(ver) OR ver = :v)" if expected == 1 else "ver = :v"),
                    "ExpressionAttributeValues": {":v": n(expected)},
                }
            },
            put(
                record(
                    owner_bundles_pk(bundle_case.owner_id),
                    f"{BUNDLE_CASE}#{case_id}",
                    dump(bundle_case.summary()),
                )
            ),
            *(
                o
                for m in members
                for o in (
                    {"Update": header_update(m, m.version, {})},
                    *(put(e) for e in event_items(m.application_id, m.new_events)),
                )
            ),
        ]
        self._write(
            operations,
            ConcurrentUpdate(
                "the bundle application was changed since it was read; reload it",
                field="bundleCaseId",
            ),
        )
        bundle_case.version = expected + 1
        for member in members:
            member.version += 1
            member.events_written()

    def get_bundle_case(self, bundle_case_id: str) -> BundleCase | None:
        item = self._get(bundle_case_pk(bundle_case_id), BUNDLE_CASE, consistent=True)
        return parse(BundleCase, item) if item else None

    def save_application(
        self,
        application: Application,
        *,
        records: Sequence[CaseRecord] = (),
        tokens: Mapping[str, str | None] | None = None,
    ) -> None:
        expected = application.version
        operations = [
            {"Update": header_update(application, expected, tokens or {})},
            *(put(child_item(application.application_id, r)) for r in records),
            *(put(e) for e in event_items(application.application_id, application.new_events)),
        ]
        # Someone else changed the case first: stages reload and reapply, the API says 409.
        self._write(
            operations,
            ConcurrentUpdate(
                "the application was changed concurrently; retry", field="applicationId"
            ),
        )
        application.version = expected + 1
        application.events_written()

    def save_draft(self, application: Application) -> None:
        expected = application.version
        operations = [
            {"Update": header_update(application, expected, {})},
            put(form_item(application)),
            *(put(e) for e in event_items(application.application_id, application.new_events)),
        ]
        self._write(
            operations,
            ConcurrentUpdate(
                "the draft was saved from elsewhere since this copy was read; reload it",
                field="version",
            ),
        )
        application.version = expected + 1
        application.events_written()

    def plan_result(self, application_id: str, planned: ResultRecord) -> ResultRecord:
        pk = case_pk(application_id)
        try:
            self._put(
                record(pk, PLANNED_RESULT, dump(planned)),
                condition="attribute_not_exists(PK)",
                conflict=Conflict("a result is already planned", field="applicationId"),
            )
        except Conflict:
            existing = self._get(pk, PLANNED_RESULT, consistent=True)
            if existing is None:
                raise
            return parse(ResultRecord, existing)
        return planned

    def put_materials(self, application_id: str, materials: Sequence[MaterialRecord]) -> None:
        self._batch_put([child_item(application_id, m) for m in materials])

    def remove_material(self, application_id: str, code: str) -> None:
        self._delete(case_pk(application_id), f"{MATERIAL}{code}")

    def put_rating(
        self, application: Application, rating: Rating, ticket: FollowUpTicket | None = None
    ) -> None:
        # The rating, the follow-up ticket it opens and their events: all or nothing, so a
        # rating that loses a race leaves no ticket behind and a saved one never lacks its own.
        once = "attribute_not_exists(PK)"
        operations = [
            put(child_item(application.application_id, rating), once),
            *([put(ticket_item(ticket), once)] if ticket else []),
            *(put(e) for e in event_items(application.application_id, application.new_events)),
        ]
        self._write(operations, Conflict("this case has already been rated", field="rating"))
        application.events_written()

    def bar_commitments(self, applicant_key: str, until: datetime, application_id: str) -> None:
        """容缺 is not offered to this applicant (an ID number or credit code) until then."""
        doc = json.dumps({"until": until.isoformat(), "applicationId": application_id})
        self._put(record(f"APPLICANT#{applicant_key}", COMMITMENT_BAR, doc))

    def commitments_barred_until(self, applicant_key: str) -> datetime | None:
        item = self._get(f"APPLICANT#{applicant_key}", COMMITMENT_BAR, consistent=True)
        return datetime.fromisoformat(json.loads(item["doc"]["S"])["until"]) if item else None

    def keep_checked_documents(
        self, applicant_key: str, documents: Sequence[CheckedDocument]
    ) -> None:
        self._batch_put(
            [
                record(
                    f"APPLICANT#{applicant_key}",
                    f"{CHECKED}{d.owner_id}#{d.kind.value}",
                    dump(d),
                )
                for d in documents
            ]
        )

    def checked_documents(self, applicant_key: str, owner_id: str) -> list[CheckedDocument]:
        items = self._query_all(
            TableName=self.table,
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :mine)",
            ExpressionAttributeNames={"#pk": "PK", "#sk": "SK"},
            ExpressionAttributeValues={
                ":pk": s(f"APPLICANT#{applicant_key}"),
                ":mine": s(f"{CHECKED}{owner_id}#"),
            },
            ConsistentRead=True,
        )
        return [parse(CheckedDocument, i) for i in items]

    def get_status(self, application_id: str) -> ApplicationStatus | None:
        item = self._get(case_pk(application_id), HEADER, consistent=True, projection="status")
        return ApplicationStatus(item["status"]["S"]) if item else None

    def get_token(self, application_id: str, name: str) -> str | None:
        item = self._get(case_pk(application_id), HEADER, consistent=True, projection=name)
        return item.get(name, {}).get("S") if item else None

    def list_owner_applications(
        self, owner_id: str, limit: int, cursor: str | None
    ) -> Page[ApplicationSummary]:
        return self._index_page(
            ApplicationSummary, GSI1, owner_partition(owner_id), limit, cursor, newest_first=True
        )

    def list_agent_filings(self, agent_sub: str, limit: int, cursor: str | None) -> Page[str]:
        """The ids of the cases an agent filed, newest first (ULIDs sort by time)."""
        partition = agent_partition(agent_sub)
        page = self._query_page(
            "#pk = :pk AND begins_with(#sk, :cases)",
            {"#pk": "PK", "#sk": "SK"},
            {":pk": s(partition), ":cases": s("CASE#")},
            limit,
            cursor,
            newest_first=True,
            partition=("PK", partition),
        )
        return Page([i["doc"]["S"] for i in page.items], page.next_cursor, page.scanned)

    def list_timeline(
        self, application_id: str, limit: int, cursor: str | None, *, newest_first: bool = False
    ) -> Page[TimelineEvent]:
        pk = case_pk(application_id)
        page = self._query_page(
            "#pk = :pk AND begins_with(#sk, :events)",
            {"#pk": "PK", "#sk": "SK"},
            {":pk": s(pk), ":events": s(EVENT)},
            limit,
            cursor,
            newest_first=newest_first,
            partition=("PK", pk),
        )
        return Page([parse(TimelineEvent, i) for i in page.items], page.next_cursor, page.scanned)

    def list_window_queue(self, limit: int, cursor: str | None) -> Page[ApplicationSummary]:
        return self._index_page(ApplicationSummary, GSI2, WINDOW_QUEUE, limit, cursor)

    def list_cases_by_status(
        self,
        status: ApplicationStatus,
        due_before: datetime | None,
        limit: int,
        cursor: str | None,
    ) -> Page[ApplicationSummary]:
        if status not in WATCHED:
            raise ValueError(f"{status.value} cases are not indexed by status; see WATCHED")
        return self._index_page(
            ApplicationSummary, GSI2, status_partition(status), limit, cursor, before=due_before
        )


def header_update(
    application: Application, expected: int, tokens: Mapping[str, str | None]
) -> dict[str, Any]:
    item = header_item(application, expected + 1)
    names = {"#v": "version"}
    values: dict[str, Any] = {":expected": n(expected)}
    sets = []
    for i, (attribute, value) in enumerate(item.items()):
        if attribute in ("PK", "SK"):
            continue
        names[f"#a{i}"] = attribute
        values[f":a{i}"] = value
        sets.append(f"#a{i} = :a{i}")
    # A case leaving the watched statuses leaves the status index.
    removes = [key for key in (GSI2_PK, GSI2_SK) if key not in item]
    for i, (name, token) in enumerate(tokens.items()):
        names[f"#t{i}"] = name
        if token is None:
            removes.append(f"#t{i}")
        else:
            sets.append(f"#t{i} = :t{i}")
            values[f":t{i}"] = s(token)
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    return {
        "Key": {"PK": item["PK"], "SK": item["SK"]},
        "UpdateExpression": expression,
        "ConditionExpression": "#v = :expected",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
