"""Whole journeys over HTTP against the running local system, as a person or script would:
real Cognito sign-in, the local API gateway, presigned uploads to the embedded S3."""

import os
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests

from infra.local.client import (
    SAMPLE_ADDRESS,
    SAMPLE_ENTERPRISE,
    ApiError,
    OneWindowClient,
    sample_form,
    upload_required,
)
from infra.local.users import DemoUser, ensure_user, id_token, staff_email

ITEM = "SD-KFQ-0010"  # lead POWER, co-departments WATER and URBAN
ENTERPRISE = SAMPLE_ENTERPRISE
ADDRESS = SAMPLE_ADDRESS
CONCLUDED = {"COMPLETED", "FAILED", "NOT_ACCEPTED"}


@pytest.fixture(scope="module")
def aws(local_system: dict[str, str]) -> Iterator[None]:
    """Points this process's boto3 at the embedded endpoint, as the AWS CLI would be."""
    saved = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL",)}
    os.environ["AWS_ENDPOINT_URL"] = local_system["AwsEndpointUrl"]
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def users(local_system: dict[str, str], aws: None) -> dict[str, OneWindowClient]:
    """Ops onboard the citizen and each department's officer through Cognito, then each
    signs in with USER_PASSWORD_AUTH and gets an ID token."""
    pool, client_id = local_system["UserPoolId"], local_system["UserPoolClientId"]
    people = [DemoUser("citizen@example.com", "citizen")] + [
        DemoUser(staff_email(d), f"dept-{d}") for d in ("POWER", "WATER", "URBAN")
    ]
    api = OneWindowClient(local_system["ApiUrl"])
    signed_in = {}
    for person in people:
        ensure_user(pool, person)
        signed_in[person.email] = api.as_user(id_token(client_id, person.email))
    signed_in["anonymous"] = api
    return signed_in


def _wait(
    client: OneWindowClient, application_id: str, statuses: set[str], timeout: float = 90
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        case = client.application(application_id)
        if case["status"] in statuses:
            return case
        assert time.monotonic() < deadline, f"still {case['status']}"
        time.sleep(0.2)


def _decide_as_each_department(users: dict[str, OneWindowClient], application_id: str) -> None:
    for department in ("POWER", "WATER", "URBAN"):
        officer = users[staff_email(department)]
        deadline = time.monotonic() + 90
        while True:
            tasks = [t for t in officer.inbox()["items"] if t["applicationId"] == application_id]
            if tasks:
                break
            assert time.monotonic() < deadline, f"no task for {department}"
            time.sleep(0.2)
        officer.decide(tasks[0]["taskId"], "approve", "同意")


def test_a_whole_journey_from_sign_in_to_rating(users: dict[str, OneWindowClient]) -> None:
    citizen, anonymous = users["citizen@example.com"], users["anonymous"]

    # Given the catalog, browsed without signing in
    found = anonymous.catalog(q="用电")["items"]
    assert ITEM in [i["itemId"] for i in found]
    item = anonymous.catalog_item(ITEM)
    with pytest.raises(ApiError) as refused:
        anonymous.call("GET", "/applications")
    assert refused.value.status == 401

    # When the citizen applies, uploads every material to its presigned URL and submits
    created = citizen.create(
        {
            "itemId": ITEM,
            "applicant": ENTERPRISE,
            "form": sample_form(item),
            "channel": "web",
            "delivery": {"mode": "mail", "address": ADDRESS},
        }
    )
    application_id = created["applicationId"]
    upload_required(citizen, application_id, item)
    assert citizen.submit(application_id)["status"] == "SUBMITTED"

    # And each department decides from its own inbox
    _wait(citizen, application_id, {"IN_APPROVAL"})
    _decide_as_each_department(users, application_id)

    # Then the citizen reads the result, downloads the certificate and rates the service
    case = _wait(citizen, application_id, CONCLUDED)
    assert case["status"] == "COMPLETED", case["failureReason"]
    result = citizen.result(application_id)
    assert result["outcome"] == "APPROVED" and result["delivery"]["waybillNo"]
    certificate = requests.get(result["downloadUrl"], timeout=10)
    assert certificate.status_code == 200 and certificate.content.startswith(b"%PDF-")
    assert anonymous.verify(result["certificateNo"], result["verificationCode"])["valid"] is True
    rated = citizen.rate(application_id, 5, "办事很方便")
    assert rated["feedback"]["rating"] == 5


def test_a_return_for_supplement_journey(users: dict[str, OneWindowClient]) -> None:
    citizen = users["citizen@example.com"]
    item = citizen.catalog_item(ITEM)

    # Given an application submitted without its property proof
    created = citizen.create(
        {
            "itemId": ITEM,
            "applicant": ENTERPRISE,
            "form": sample_form(item),
            "channel": "mobile",
            "delivery": {"mode": "electronic"},
        }
    )
    application_id = created["applicationId"]
    upload_required(citizen, application_id, item, skip={"PROPERTY_PROOF"})
    citizen.submit(application_id)

    # When acceptance returns it with the one-time notice
    case = _wait(citizen, application_id, {"RETURNED", "FAILED"})
    assert case["status"] == "RETURNED", case["timeline"]
    assert [m["field"] for m in case["acceptance"]["missing"]] == ["materials.PROPERTY_PROOF"]

    # Then the citizen supplements and resubmits, and the case goes through
    upload_required(citizen, application_id, item)
    deadline = time.monotonic() + 60
    while True:  # the workflow parks the case a moment after returning it
        try:
            citizen.submit(application_id)
            break
        except ApiError as error:
            assert error.status == 409 and time.monotonic() < deadline
            time.sleep(0.2)
    _wait(citizen, application_id, {"IN_APPROVAL"})
    _decide_as_each_department(users, application_id)
    case = _wait(citizen, application_id, CONCLUDED)
    assert case["status"] == "COMPLETED", case["timeline"]
    assert citizen.result(application_id)["downloadUrl"]


def test_the_embedded_aws_answers_the_standard_sdk(local_system: dict[str, str], aws: None) -> None:
    # Given the outputs file, as `cdk deploy --outputs-file` writes it
    # Then the SDK pointed at the endpoint sees the stack's resources
    tables = boto3.client("dynamodb").list_tables()["TableNames"]
    assert local_system["TableName"] in tables
    machine = boto3.client("stepfunctions").describe_state_machine(
        stateMachineArn=local_system["StateMachineArn"]
    )
    assert "ParallelReview" in machine["definition"]
    buckets = [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]
    assert local_system["DocumentsBucketName"] in buckets
