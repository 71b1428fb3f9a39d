"""The shipped catalog's import at deployment (a CloudFormation custom resource): what it
writes on create, update and delete, and that CloudFormation always gets an answer
(tests/integration/test_catalog_deployment.py runs the handler on the local system)."""

from typing import Any

from shared.catalog import load_catalog
from shared.models.events import CustomResourceEvent
from shared.services.catalog_resource import PHYSICAL_ID, answer_deployment
from tests.unit.fakes import InMemoryRepository

STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/OneWindow/guid"


def event(request_type: str, **properties: str) -> CustomResourceEvent:
    return CustomResourceEvent.model_validate(
        {
            "RequestType": request_type,
            "ResponseURL": "https://cloudformation-custom-resource-response.example/reply",
            "StackId": STACK,
            "RequestId": "req-1",
            "LogicalResourceId": "CatalogImport",
            "PhysicalResourceId": PHYSICAL_ID if request_type != "Create" else None,
            "ResourceProperties": {"ServiceToken": "arn:aws:lambda:fn", **properties},
        }
    )


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, url: str, body: dict[str, Any]) -> None:
        self.sent.append((url, body))


def test_a_new_stack_gets_the_shipped_list_and_an_update_with_it_unchanged_writes_nothing() -> None:
    # Given an empty table
    repo, send = InMemoryRepository(), Recorder()
    # When the stack is created
    body = answer_deployment(event("Create", Source="shipped"), repo, send)
    # Then the whole list is there and published, and CloudFormation was told so
    shipped = load_catalog()
    assert body["Status"] == "SUCCESS", body
    assert (body["PhysicalResourceId"], body["RequestId"]) == (PHYSICAL_ID, "req-1")
    assert body["Data"]["Imported"] == "yes" and body["Data"]["Revision"] == "1"
    assert f"{len(shipped.items)} new" in body["Reason"]
    assert repo.catalog_revision() is not None
    assert {i.item_id for i in shipped.items} <= {k[0] for k in repo.item_versions}
    assert send.sent == [(event("Create").ResponseURL, body)]
    # When the stack is updated with the same list: no new versions, no new index
    again = answer_deployment(event("Update", Source="shipped"), repo, send)
    assert again["Status"] == "SUCCESS"
    assert f"0 new, 0 changed (new versions), {len(shipped.items)} unchanged" in again["Reason"]
    assert again["Data"]["Revision"] == ""


def test_a_zone_with_its_own_list_keeps_it_and_an_empty_table_is_still_seeded() -> None:
    # Given a table holding a list (the zone's own, imported by the loader)
    repo, send = InMemoryRepository.with_shipped_catalog(), Recorder()
    revision = repo.catalog_revision()
    # When the stack is updated with Source own: nothing is imported
    body = answer_deployment(event("Update", Source="own"), repo, send)
    assert (body["Status"], body["Data"]["Imported"]) == ("SUCCESS", "no")
    assert repo.catalog_revision() == revision
    # But a new stack with Source own starts with the shipped list, usable at once
    empty = InMemoryRepository()
    seeded = answer_deployment(event("Create", Source="own"), empty, send)
    assert seeded["Data"]["Imported"] == "yes" and empty.catalog_revision() is not None


def test_deleting_the_stack_removes_nothing_and_a_fault_fails_the_deployment_visibly() -> None:
    repo, send = InMemoryRepository.with_shipped_catalog(), Recorder()
    revision = repo.catalog_revision()
    # When the stack is deleted: the (retained) table keeps its catalog
    deleted = answer_deployment(event("Delete"), repo, send)
    assert (deleted["Status"], repo.catalog_revision()) == ("SUCCESS", revision)
    # When the resource names an unknown source: FAILED with the reason, still answered
    wrong = answer_deployment(event("Update", Source="elsewhere"), repo, send)
    assert wrong["Status"] == "FAILED" and "Source must be one of shipped, own" in wrong["Reason"]

    # When the table refuses a write: FAILED naming the error, not an hour's wait
    class Broken(InMemoryRepository):
        def publish_search_index(self, *args: Any, **kwargs: Any) -> None:
            raise RuntimeError("ProvisionedThroughputExceeded")

    failed = answer_deployment(event("Create"), Broken(), send)
    assert failed["Status"] == "FAILED"
    assert failed["Reason"] == "RuntimeError: ProvisionedThroughputExceeded"
    assert failed["Data"] == {} and len(send.sent) == 3
