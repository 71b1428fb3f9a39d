"""Uploads as S3 takes them: the presigned POST's policy is enforced (key, type, exactly
the declared size, expiry, signature), and submit answers 503 and changes nothing when S3
or Step Functions cannot answer."""

import base64
import json
from typing import Any

import boto3
import pytest
import requests
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.integration.conftest import CITIZEN, System
from tests.integration.journeys import PDF, upload_required

ITEM = "SD-KFQ-0008"  # one required upload, REGISTRATION_FORM
CODE = "REGISTRATION_FORM"


def _draft(system: System) -> str:
    created = system.create(ITEM, delivery={"mode": "electronic"})
    assert created.status == 201, created.body
    return str(created.body["applicationId"])


def _grant(system: System, application_id: str, size: int = len(PDF)) -> dict[str, Any]:
    answer = system.api(
        "POST",
        f"/applications/{application_id}/materials",
        caller=CITIZEN,
        body={
            "materialCode": CODE,
            "fileName": "form.pdf",
            "contentType": "application/pdf",
            "size": size,
        },
    )
    assert answer.status == 200, answer.body
    grant: dict[str, Any] = answer.body
    return grant


def _post(
    system: System, url: str, fields: dict[str, str], content: bytes, content_type: str
) -> requests.Response:
    with system.runtime.exclusive({}):  # moto's S3 answers in this process
        return requests.post(
            url, data=fields, files={"file": ("form.pdf", content, content_type)}, timeout=10
        )


def _error_code(response: requests.Response) -> str:
    assert response.headers["Content-Type"].startswith("application/xml"), response.text
    return response.text.split("<Code>")[1].split("</Code>")[0]


def _stored_size(system: System, key: str) -> int | None:
    with system.runtime.exclusive({}):
        try:
            head = boto3.client("s3").head_object(
                Bucket=system.outputs["DocumentsBucketName"], Key=key
            )
        except ClientError:
            return None
    return int(head["ContentLength"])


def test_the_declared_size_is_stored(system: System) -> None:
    grant = _grant(system, _draft(system))
    posted = _post(system, grant["url"], grant["fields"], PDF, "application/pdf")
    assert posted.status_code == 204, posted.text
    assert grant["maxSize"] == len(PDF)
    assert _stored_size(system, grant["key"]) == len(PDF)


@pytest.mark.parametrize(
    ("content", "code"),
    [(PDF + b"% one byte too many", "EntityTooLarge"), (PDF[:-1], "EntityTooSmall")],
)
def test_a_file_of_another_size_than_declared_is_refused(
    system: System, content: bytes, code: str
) -> None:
    # Given a grant for the declared size, far under the material's own limit
    grant = _grant(system, _draft(system))

    # When a larger or smaller file is posted
    posted = _post(system, grant["url"], grant["fields"], content, "application/pdf")

    # Then S3's 400 with its code, and nothing is stored
    assert posted.status_code == 400 and _error_code(posted) == code
    assert f"<ProposedSize>{len(content)}</ProposedSize>" in posted.text
    assert _stored_size(system, grant["key"]) is None


def _tampered(fields: dict[str, str], **changes: str) -> dict[str, str]:
    return {**fields, **changes}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"key": "uploads/someone-else/REGISTRATION_FORM/form.pdf"}, "AccessDenied"),
        ({"key": "documents/forged-certificate.pdf"}, "AccessDenied"),
        ({"Content-Type": "text/html"}, "AccessDenied"),
        ({"x-amz-meta-owner": "someone"}, "AccessDenied"),  # a field no condition names
        ({"x-amz-signature": "0" * 64}, "SignatureDoesNotMatch"),
    ],
    ids=["another-case", "documents-prefix", "content-type", "extra-field", "signature"],
)
def test_a_post_outside_its_policy_is_refused(
    system: System, change: dict[str, str], code: str
) -> None:
    grant = _grant(system, _draft(system))
    fields = _tampered(grant["fields"], **change)
    posted = _post(system, grant["url"], fields, PDF, fields["Content-Type"])
    assert posted.status_code == 403 and _error_code(posted) == code, posted.text
    assert _stored_size(system, fields["key"]) is None
    assert _stored_size(system, grant["key"]) is None


def test_a_post_without_a_policy_writes_nothing(system: System) -> None:
    grant = _grant(system, _draft(system))
    fields = {"key": "documents/anything.pdf", "Content-Type": "application/pdf"}
    posted = _post(system, grant["url"], fields, PDF, "application/pdf")
    assert posted.status_code == 403 and _error_code(posted) == "AccessDenied"
    assert _stored_size(system, "documents/anything.pdf") is None


def test_an_expired_policy_is_refused(system: System) -> None:
    # Given a policy that expired a minute ago, signed like the API's
    bucket = system.outputs["DocumentsBucketName"]
    key = "uploads/expired/REGISTRATION_FORM/form.pdf"
    with system.runtime.exclusive({}):
        s3v4 = Config(signature_version="s3v4", s3={"addressing_style": "path"})
        post = boto3.client("s3", config=s3v4).generate_presigned_post(
            bucket, key, Conditions=[["content-length-range", 1, 1000]], ExpiresIn=-60
        )

    # When it is used / Then S3's 403, and nothing is stored
    posted = _post(system, post["url"], post["fields"], PDF, "application/pdf")
    assert posted.status_code == 403 and "Policy expired" in posted.text
    assert _stored_size(system, key) is None


def test_the_policy_is_kept_in_the_policy_document_itself(system: System) -> None:
    # The grant's policy names exactly the declared size, so the check above is S3's own
    grant = _grant(system, _draft(system), size=len(PDF))
    policy = json.loads(base64.b64decode(grant["fields"]["policy"]))
    assert ["content-length-range", len(PDF), len(PDF)] in policy["conditions"]


# --- submit when a dependency cannot answer ----------------------------------------------


def _delete_bucket(system: System) -> None:
    bucket = system.outputs["DocumentsBucketName"]
    with system.runtime.exclusive({}):
        s3 = boto3.client("s3")
        versions = s3.list_object_versions(Bucket=bucket)
        for entry in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])
        s3.delete_bucket(Bucket=bucket)


def test_a_submit_with_the_bucket_gone_is_a_503_that_changes_nothing(system: System) -> None:
    # Given a draft with its material uploaded, and then the documents bucket gone
    application_id = _draft(system)
    upload_required(system, application_id, ITEM)
    before = system.records(application_id)
    _delete_bucket(system)

    # When the applicant submits
    answer = system.api("POST", f"/applications/{application_id}/submit", caller=CITIZEN)

    # Then 503, not a case returned for a material "not uploaded", and no record changed
    assert answer.status == 503, answer.body
    assert _sorted(system.records(application_id)) == _sorted(before)


def _sorted(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(records, key=lambda r: r["SK"]["S"])


def test_a_submit_step_functions_throttles_is_a_503_and_stays_a_draft(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a ready draft, and Step Functions throttling StartExecution
    application_id = _draft(system)
    upload_required(system, application_id, ITEM)
    original = BaseClient._make_api_call

    def throttled(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if operation == "StartExecution":
            error = {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}
            raise ClientError(error, operation)  # type: ignore[arg-type]
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", throttled)

    # When the applicant submits
    answer = system.api("POST", f"/applications/{application_id}/submit", caller=CITIZEN)

    # Then the API says 503 (retry), not 502, and the case is a draft again
    assert answer.status == 503, answer.body
    monkeypatch.undo()
    assert system.application(application_id).status.value == "DRAFT"
