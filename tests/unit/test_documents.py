"""The AWS adapters' edges without AWS: reviewers' download names, the upload policy, and
every SDK failure translated once (botocore's Stubber answers in place of the service)."""

import base64
import json
import re
from collections.abc import Iterator
from email.message import Message
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
import pytest
from botocore.exceptions import (
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.stub import Stubber

from shared.adapters import documents, workflow
from shared.adapters.documents import MAX_FILE_NAME_CHARS, S3DocumentStore, content_disposition
from shared.adapters.dynamo import table
from shared.adapters.dynamo.table import DynamoTable
from shared.adapters.workflow import StepFunctionsWorkflow
from shared.errors import Conflict, DependencyUnavailable, TransientError

BUCKET = "onewindow-test-documents"
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:onewindow"
# RFC 6266: a quoted-string without quotes or backslashes, then an RFC 5987 ext-value.
STRICT_DISPOSITION = re.compile(
    r'attachment; filename="[ !#-\[\]-~]*"; filename\*=UTF-8\'\'[A-Za-z0-9%!#$&+.^_`|~-]+'
)


def _filename_of(header: str) -> tuple[str, list[str]]:
    """The file name a browser takes (filename*, RFC 5987, is preferred over filename)
    and the parameters a mail/HTTP parser sees in the header."""
    message = Message()
    message["Content-Disposition"] = header
    params = [name for name, _ in message.get_params(header="content-disposition") or []]
    extended = header.split("filename*=UTF-8''", 1)[1]
    return unquote(extended, errors="strict"), params


@pytest.mark.parametrize(
    "file_name",
    [
        'report".pdf',
        'a"; filename="evil.exe',
        "back\\slash.pdf",
        "line\r\nContent-Type: text/html\r\n\r\n<script>.pdf",
        "semi;colon=1.pdf",
        "100% sure.pdf",
        "营业执照（副本）.pdf",
        "法定代表人 身份证.jpg",
        "emoji 📄.pdf",
    ],
)
def test_a_hostile_file_name_stays_one_parameter_of_one_header(file_name: str) -> None:
    # When a reviewer's link names a material's file as the applicant called it
    header = content_disposition(file_name)

    # Then the header is one line of ASCII with exactly one filename and one filename*
    assert "\r" not in header and "\n" not in header
    assert header.isascii()
    assert STRICT_DISPOSITION.fullmatch(header), header
    name, params = _filename_of(header)
    assert params == ["attachment", "filename", "filename"]  # the plain and the extended
    # And filename* carries the name itself (controls, separators made "_"), Chinese too
    expected = re.sub(r"[\r\n\\/]", "_", file_name)
    assert name == expected


def test_the_ascii_fallback_is_a_plain_quoted_string() -> None:
    header = content_disposition('营业执照"x\\y;z%.pdf')
    fallback = header.split("; ")[1]
    assert fallback == 'filename="_____x_y_z_.pdf"'


def test_a_very_long_name_is_shortened_keeping_its_extension() -> None:
    name, _ = _filename_of(content_disposition("长" * 500 + ".pdf"))
    assert len(name) == MAX_FILE_NAME_CHARS and name.endswith(".pdf")
    assert len(content_disposition("x" * 10_000)) < 600


def test_an_empty_or_control_only_name_still_downloads_as_a_file() -> None:
    assert _filename_of(content_disposition("   "))[0] == "file"


# --- the presigned links -------------------------------------------------------------------


@pytest.fixture
def s3_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    s3 = boto3.client("s3", region_name="us-east-1")
    monkeypatch.setattr(documents, "client", lambda service: s3)
    yield s3


def test_the_download_link_carries_the_encoded_disposition(s3_client: Any) -> None:
    url = S3DocumentStore(BUCKET).presigned_download("uploads/a/b/x.pdf", 300, 'x".pdf', "v1")
    query = parse_qs(urlsplit(url).query)
    assert query["response-content-disposition"] == [content_disposition('x".pdf')]
    assert query["versionId"] == ["v1"]


def test_the_upload_policy_admits_exactly_the_declared_size(s3_client: Any) -> None:
    # When a POST is presigned for a 120,000-byte PDF
    post = S3DocumentStore(BUCKET).presigned_upload(
        "uploads/a/ID/x.pdf", "application/pdf", 120_000, 900
    )

    # Then the policy S3 enforces fixes the key, the type and the size, to the byte
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 120_000, 120_000] in conditions
    assert {"Content-Type": "application/pdf"} in conditions
    assert {"key": "uploads/a/ID/x.pdf"} in conditions
    assert post["fields"]["Content-Type"] == "application/pdf"


# --- one translation of SDK failures ---------------------------------------------------------


def _stubbed(monkeypatch: pytest.MonkeyPatch, module: Any, service: str) -> Stubber:
    sdk = boto3.client(service, region_name="us-east-1")
    monkeypatch.setattr(module, "client", lambda name: sdk)
    stubber = Stubber(sdk)
    stubber.activate()
    return stubber


THROTTLED = [("SlowDown", 503), ("ThrottlingException", 400), ("InternalError", 500)]


@pytest.mark.parametrize(("code", "status"), THROTTLED)
def test_s3_throttling_on_put_get_and_head_is_transient(monkeypatch, code, status) -> None:
    stubber = _stubbed(monkeypatch, documents, "s3")
    for method in ("put_object", "get_object", "head_object"):
        stubber.add_client_error(method, service_error_code=code, http_status_code=status)
    store = S3DocumentStore(BUCKET)
    with pytest.raises(TransientError):
        store.put_pdf("documents/a/x.pdf", b"%PDF", {})
    with pytest.raises(TransientError):
        store.read("documents/a/x.pdf")
    with pytest.raises(TransientError):
        store.head("uploads/a/x.pdf")


def test_a_head_on_a_missing_bucket_is_unavailable_not_absent(monkeypatch) -> None:
    # Given S3 answering 404 to HeadObject, and to HeadBucket: the bucket is gone
    stubber = _stubbed(monkeypatch, documents, "s3")
    stubber.add_client_error("head_object", service_error_code="404", http_status_code=404)
    stubber.add_client_error("head_bucket", service_error_code="404", http_status_code=404)

    # When / Then the upload is not reported "not uploaded": the store is unavailable
    with pytest.raises(DependencyUnavailable):
        S3DocumentStore(BUCKET).head("uploads/a/x.pdf")


def test_a_missing_key_in_a_present_bucket_is_absent(monkeypatch) -> None:
    stubber = _stubbed(monkeypatch, documents, "s3")
    stubber.add_client_error("head_object", service_error_code="404", http_status_code=404)
    stubber.add_response("head_bucket", {}, {"Bucket": BUCKET})
    assert S3DocumentStore(BUCKET).head("uploads/a/x.pdf") is None


@pytest.mark.parametrize("code", ["403", "AccessDenied", "NoSuchBucket"])
def test_access_denied_or_no_bucket_is_unavailable(monkeypatch, code) -> None:
    stubber = _stubbed(monkeypatch, documents, "s3")
    stubber.add_client_error("head_object", service_error_code=code, http_status_code=403)
    stubber.add_client_error("put_object", service_error_code=code, http_status_code=404)
    with pytest.raises(DependencyUnavailable):
        S3DocumentStore(BUCKET).head("uploads/a/x.pdf")
    with pytest.raises(DependencyUnavailable):
        S3DocumentStore(BUCKET).put_pdf("documents/a/x.pdf", b"%PDF", {})


@pytest.mark.parametrize(("code", "status"), THROTTLED)
def test_step_functions_throttling_is_transient(monkeypatch, code, status) -> None:
    stubber = _stubbed(monkeypatch, workflow, "stepfunctions")
    stubber.add_client_error("start_execution", service_error_code=code, http_status_code=status)
    stubber.add_client_error("send_task_success", service_error_code=code, http_status_code=status)
    machine = StepFunctionsWorkflow(MACHINE)
    with pytest.raises(TransientError):
        machine.start("01JAPP0000000000000000000A")
    with pytest.raises(TransientError):
        machine.succeed("token", {"applicationId": "01JAPP0000000000000000000A"})


def test_an_ended_wait_is_still_a_conflict(monkeypatch) -> None:
    stubber = _stubbed(monkeypatch, workflow, "stepfunctions")
    stubber.add_client_error("send_task_success", service_error_code="TaskTimedOut")
    with pytest.raises(Conflict):
        StepFunctionsWorkflow(MACHINE).succeed("token", {})


def test_dynamodb_throttling_and_a_missing_table(monkeypatch) -> None:
    stubber = _stubbed(monkeypatch, table, "dynamodb")
    stubber.add_client_error(
        "get_item", service_error_code="ProvisionedThroughputExceededException"
    )
    stubber.add_client_error("put_item", service_error_code="ResourceNotFoundException")
    db = DynamoTable("onewindow-test")
    with pytest.raises(TransientError):
        db._get("APP#1", "HEADER")
    with pytest.raises(DependencyUnavailable):
        db._put({"PK": {"S": "APP#1"}, "SK": {"S": "HEADER"}})


CONNECTION_ERRORS = [
    EndpointConnectionError(endpoint_url="https://s3.amazonaws.com"),
    ConnectTimeoutError(endpoint_url="https://states.amazonaws.com"),
    ReadTimeoutError(endpoint_url="https://dynamodb.amazonaws.com"),
]


def _failing(monkeypatch, module: Any, service: str, error: Exception) -> None:
    sdk = boto3.client(service, region_name="us-east-1")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(sdk, "_make_api_call", refuse)
    monkeypatch.setattr(module, "client", lambda name: sdk)


@pytest.mark.parametrize("error", CONNECTION_ERRORS, ids=lambda e: type(e).__name__)
def test_no_connection_or_a_timeout_is_transient_everywhere(monkeypatch, error) -> None:
    _failing(monkeypatch, documents, "s3", error)
    _failing(monkeypatch, workflow, "stepfunctions", error)
    _failing(monkeypatch, table, "dynamodb", error)
    calls = [
        lambda: S3DocumentStore(BUCKET).head("uploads/a/x.pdf"),
        lambda: S3DocumentStore(BUCKET).put_pdf("documents/a/x.pdf", b"%PDF", {}),
        lambda: S3DocumentStore(BUCKET).read("documents/a/x.pdf"),
        lambda: StepFunctionsWorkflow(MACHINE).start("01JAPP0000000000000000000A"),
        lambda: StepFunctionsWorkflow(MACHINE).succeed("token", {}),
        lambda: DynamoTable("onewindow-test")._get("APP#1", "HEADER"),
        lambda: DynamoTable("onewindow-test")._write([{"Put": {"Item": {}}}]),
    ]
    for call in calls:
        with pytest.raises(TransientError) as raised:
            call()
        # Plain TransientError: the name the state machine's Retry matches
        assert type(raised.value) is TransientError


def test_a_presign_that_fails_is_translated(monkeypatch) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")

    def throttled(*args: Any, **kwargs: Any) -> Any:
        raise EndpointConnectionError(endpoint_url="https://sts.amazonaws.com")

    monkeypatch.setattr(s3, "generate_presigned_post", throttled)
    monkeypatch.setattr(s3, "generate_presigned_url", throttled)
    monkeypatch.setattr(documents, "client", lambda name: s3)
    with pytest.raises(TransientError):
        S3DocumentStore(BUCKET).presigned_upload("k", "application/pdf", 10, 60)
    with pytest.raises(TransientError):
        S3DocumentStore(BUCKET).presigned_download("k", 60, "x.pdf")
