"""A case stored as an item collection on DynamoDB (moto): records a newer deploy wrote,
the schema version, the status index, and the catalog version a case keeps."""

import json
from datetime import timedelta

import boto3

from shared.adapters.dynamo.table import SCHEMA_VERSION
from shared.catalog import load_catalog
from shared.models.catalog import Catalog, CatalogItem
from shared.models.common import ApplicationStatus, utc_now
from shared.services.catalog_import import import_catalog
from tests.integration.conftest import CITIZEN, System, staff
from tests.integration.journeys import decide_all, item, submitted_case

STANDARD = "SD-KFQ-0010"
EVENTS = 10_000


def _table(system: System) -> str:
    return system.outputs["TableName"]


def _add_field(system: System, application_id: str, sk_prefix: str) -> None:
    """What a newer deploy may write: a field this code does not know, in doc and beside."""
    for record in system.records(application_id):
        if record["SK"]["S"].startswith(sk_prefix):
            doc = json.loads(record["doc"]["S"])
            doc["escalationLevel"] = {"level": 2, "by": "supervisor-zhou"}
            record["doc"] = {"S": json.dumps(doc, ensure_ascii=False)}
            record["sv"] = {"N": str(SCHEMA_VERSION + 1)}
            record["futureAttribute"] = {"S": "kept by the newer version"}
            boto3.client("dynamodb").put_item(TableName=_table(system), Item=record)


def test_records_with_fields_a_newer_deploy_added_still_read_after_a_rollback(
    system: System,
) -> None:
    # Given a case in approval, every record of which a newer deploy rewrote with a field
    # (and a schema version) this code does not know
    application_id = submitted_case(system, STANDARD)
    system.wait_for(application_id, lambda a: len(a.reviews) == 3)
    for prefix in ("HEADER", "FORM", "MATERIAL#", "REVIEW#", "TL#"):
        _add_field(system, application_id, prefix)

    # When this (older) code reads it everywhere it is read, and works on it
    view = system.api("GET", f"/applications/{application_id}", caller=CITIZEN)
    listed = system.api("GET", "/applications", caller=CITIZEN)
    timeline = system.api("GET", f"/applications/{application_id}/timeline", caller=CITIZEN)
    inbox = system.api("GET", "/tasks", caller=staff("POWER"))
    materials = system.api("GET", f"/tasks/{application_id}-POWER/materials", caller=staff("POWER"))
    decide_all(system, application_id, STANDARD)

    # Then every read succeeds and the case goes on to completion
    assert view.status == 200, view.body
    assert "escalationLevel" not in view.body
    assert application_id in [a["applicationId"] for a in listed.body["items"]]
    assert timeline.status == 200 and inbox.status == 200 and materials.status == 200
    assert system.wait_for_status(application_id, "COMPLETED").status.value == "COMPLETED"


def test_every_record_carries_its_schema_version(system: System) -> None:
    application_id = submitted_case(system, STANDARD)
    system.wait_for(application_id, lambda a: len(a.reviews) == 3)
    records = system.records(application_id)
    kinds = {r["SK"]["S"].split("#")[0] for r in records}
    assert kinds >= {"HEADER", "FORM", "MATERIAL", "REVIEW", "TL"}
    assert {r["sv"]["N"] for r in records} == {str(SCHEMA_VERSION)}


def test_the_status_index_serves_cases_and_tasks_by_due_time(system: System) -> None:
    # Given two cases in approval, one returned for supplement, and a draft
    in_approval = [submitted_case(system, STANDARD) for _ in range(2)]
    returned = submitted_case(system, STANDARD, skip={"ID_CARD"})
    draft = system.create(STANDARD).body["applicationId"]
    for application_id in in_approval:
        system.wait_for(application_id, lambda a: len(a.reviews) == 3)
    system.wait_for_status(returned, "RETURNED")

    # When the index is read by status and by due time
    with system.runtime.exclusive({}):
        repo = system.repo
        approving = repo.list_cases_by_status(ApplicationStatus.IN_APPROVAL, None, 10, None)
        due_soon = repo.list_cases_by_status(
            ApplicationStatus.IN_APPROVAL, utc_now() + timedelta(days=60), 10, None
        )
        overdue = repo.list_cases_by_status(ApplicationStatus.IN_APPROVAL, utc_now(), 10, None)
        supplement = repo.list_cases_by_status(ApplicationStatus.RETURNED, None, 10, None)
        tasks = repo.list_tasks_by_status(None, 10, None)
        first = repo.list_tasks_by_status(None, 2, None)
        second = repo.list_tasks_by_status(None, 10, first.next_cursor)

    # Then each status lists its own cases, soonest due first, with their due times
    assert {c.application_id for c in approving.items} == set(in_approval)
    assert all(c.due_at is not None for c in approving.items)
    assert [c.due_at for c in approving.items] == sorted(c.due_at for c in approving.items)  # type: ignore[type-var]
    assert {c.application_id for c in due_soon.items} == set(in_approval)
    assert overdue.items == []
    assert [c.application_id for c in supplement.items] == [returned]
    # And a draft is in no status partition; pending tasks of every department come by due
    assert draft not in {c.application_id for c in approving.items + supplement.items}
    assert len(tasks.items) == 6 and {t.department for t in tasks.items} == {
        "POWER",
        "WATER",
        "URBAN",
    }
    assert [t.task_id for t in first.items + second.items] == [t.task_id for t in tasks.items]

    # When the cases are decided, their tasks leave the index
    for application_id in in_approval:
        decide_all(system, application_id, STANDARD)
        system.wait_for_status(application_id, "COMPLETED")
    with system.runtime.exclusive({}):
        assert system.repo.list_tasks_by_status(None, 10, None).items == []
        assert (
            system.repo.list_cases_by_status(ApplicationStatus.IN_APPROVAL, None, 10, None).items
            == []
        )


def test_a_case_keeps_the_catalog_version_it_was_filed_under(system: System) -> None:
    # Given a case filed under version 1 of the connection item
    application_id = submitted_case(system, STANDARD)
    system.wait_for(application_id, lambda a: len(a.reviews) == 3)
    filed = system.application(application_id)

    # When the zone changes the item: a longer promise, and a new required material
    raw = item(STANDARD).model_dump(mode="json", by_alias=True)
    raw["promisedDays"] = 10
    raw["materials"].append(
        {
            "code": "SITE_PHOTOS",
            "nameZh": "用电现场照片",
            "nameEn": "Photos of the supply site",
            "contentTypes": ["image/jpeg"],
            "maxSizeBytes": 5242880,
        }
    )
    catalog = load_catalog()
    changed = Catalog(
        departments=catalog.departments,
        items=[
            CatalogItem.model_validate(raw) if i.item_id == STANDARD else i for i in catalog.items
        ],
    )
    with system.runtime.exclusive({}):
        report = import_catalog(changed, system.repo)
    assert report.changed == [(STANDARD, 2)]

    # Then the case in progress goes on under version 1: same reviewers, same deadline,
    # no demand for the new material, and its guide is still the one it was filed under
    decide_all(system, application_id, STANDARD)
    done = system.wait_for_status(application_id, "COMPLETED")
    assert done.item_version == 1
    assert done.acceptance is not None and filed.acceptance is not None
    assert done.acceptance.deadline_at == filed.acceptance.deadline_at
    guide = system.api("GET", f"/catalog/items/{STANDARD}", query={"version": "1"})
    assert guide.body["promisedDays"] == 5
    # While a case filed now pins version 2 and is asked for the new material
    fresh = submitted_case(system, STANDARD)
    returned = system.wait_for_status(fresh, "RETURNED")
    assert returned.item_version == 2
    assert returned.acceptance is not None
    assert [m.field for m in returned.acceptance.missing] == ["materials.SITE_PHOTOS"]
