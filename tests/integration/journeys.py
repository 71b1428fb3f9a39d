"""Reusable steps of a case's journey, built on the catalog's own rules."""

import os
import re
from typing import Any

import boto3

from infra.local.client import sample_form, uploaded_materials
from shared.catalog import load_catalog
from shared.models.catalog import CatalogItem
from tests.integration.conftest import CITIZEN, Caller, System, staff

PDF = b"%PDF-1.4\n% OneWindow test material\n%%EOF\n"


def item(item_id: str) -> CatalogItem:
    return next(i for i in load_catalog().items if i.item_id == item_id)


def item_json(item_id: str) -> dict[str, Any]:
    return item(item_id).model_dump(mode="json", by_alias=True)


def complete_form(item_id: str) -> dict[str, Any]:
    """Valid values for every field of the item's form."""
    return sample_form(item_json(item_id))


def upload_required(
    system: System,
    application_id: str,
    item_id: str,
    *,
    skip: set[str] = frozenset(),
    caller: Caller = CITIZEN,
) -> None:
    for rule in uploaded_materials(item_json(item_id)):
        if rule["code"] not in skip:
            system.upload(
                application_id,
                rule["code"],
                PDF,
                rule["contentTypes"][0],
                caller=caller,
                file_name=f"{rule['code'].lower()}.pdf",
            )


def submitted_case(
    system: System, item_id: str, *, skip: set[str] = frozenset(), **create: Any
) -> str:
    created = system.create(item_id, form=complete_form(item_id), **create)
    assert created.status == 201, created.body
    application_id: str = created.body["applicationId"]
    upload_required(system, application_id, item_id, skip=skip)
    submitted = system.api("POST", f"/applications/{application_id}/submit", caller=CITIZEN)
    assert submitted.status == 200, submitted.body
    return application_id


def decide_all(
    system: System, application_id: str, item_id: str, rejecting: dict[str, str] | None = None
) -> None:
    """Each department's staff finds the case in its inbox and decides it."""
    rejecting = rejecting or {}
    for department in item(item_id).departments:
        officer = staff(department)
        system.wait_for(application_id, lambda a, d=department: d in a.reviews)
        inbox = system.api("GET", "/tasks", caller=officer)
        assert inbox.status == 200, inbox.body
        task = next(t for t in inbox.body["items"] if t["applicationId"] == application_id)
        decision = (
            {"decision": "reject", "comment": rejecting[department]}
            if department in rejecting
            else {"decision": "approve", "comment": "符合条件"}
        )
        answer = system.api(
            "POST", f"/tasks/{task['taskId']}/decision", caller=officer, body=decision
        )
        assert answer.status == 200, answer.body


def case_under_review_losing_its_item(system: System, item_id: str) -> str:
    """A case waiting on its departments whose pinned catalog version then vanishes, so
    that issuance fails for good once they decide."""
    application_id = submitted_case(system, item_id)
    departments = len(item(item_id).departments)
    system.wait_for(application_id, lambda a: len(a.reviews) == departments)
    boto3.client("dynamodb").delete_item(
        TableName=system.outputs["TableName"],
        Key={"PK": {"S": f"ITEM#{item_id}"}, "SK": {"S": "V#000001"}},
    )
    return application_id


_CONFIRMATION_CODE = re.compile(r"确认码 (\d{6})")


def texts_to(phone: str) -> list[str]:
    """The text messages SNS took for this mainland number (moto keeps them), oldest first."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    backend = sns_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]]
    return [text for number, text in backend.sms_messages.values() if number == f"+86{phone}"]


def texted_code(phone: str) -> str:
    """The confirmation code in the latest text to `phone`."""
    found = _CONFIRMATION_CODE.search(texts_to(phone)[-1])
    assert found, texts_to(phone)[-1]
    return found.group(1)
