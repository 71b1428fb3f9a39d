"""The catalog's deployment-time import on the embedded AWS: the real handler, as
CloudFormation invokes it, on the local system's table through the DynamoDB adapter, its
answer PUT to a loopback listener standing for the presigned S3 URL. An update with the
shipped list unchanged writes no version and publishes no index; the catalog still serves."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from infra import constants as c
from infra.local.lambda_runtime import LocalContext
from shared.adapters.cloudformation import send_response
from shared.catalog import load_catalog
from tests.integration.conftest import System, running_system


@pytest.fixture(scope="module")
def system() -> Iterator[System]:
    with running_system() as running:
        yield running


@pytest.fixture
def listener() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            length = int(self.headers["Content-Length"])
            body = json.loads(self.rfile.read(length))
            received.append(
                {"path": self.path, "type": self.headers.get("Content-Type"), "body": body}
            )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/reply?X-Amz-Signature=abc", received
    server.shutdown()


def test_an_update_with_the_shipped_list_answers_cloudformation_and_changes_nothing(
    system: System,
    listener: tuple[str, list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, received = listener
    before = system.api("GET", "/catalog/items", query={"limit": "5"}).body
    # Given the function's environment as CDK gives it
    monkeypatch.setenv("TABLE_NAME", system.outputs["TableName"])
    from functions.catalog.handler import handler

    context = LocalContext(
        function_name="onewindow-catalog",
        memory_limit_in_mb=c.CATALOG_FUNCTION_SIZING["memory"],
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:catalog",
        timeout_seconds=c.CATALOG_FUNCTION_SIZING["timeout"],
    )
    # When CloudFormation sends the update of a stack whose list is unchanged
    event = {
        "RequestType": "Update",
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/OneWindow/guid",
        "RequestId": "update-1",
        "LogicalResourceId": "CatalogImport",
        "PhysicalResourceId": "onewindow-catalog",
        "ResourceType": "Custom::OneWindowCatalog",
        "ResourceProperties": {"ServiceToken": "arn", "Source": "shipped", "CatalogDigest": "x"},
    }
    answer = handler(event, context)
    # Then CloudFormation was answered, once, without a content type, with the summary
    (request,) = received
    assert request["path"] == "/reply?X-Amz-Signature=abc" and request["type"] == ""
    assert request["body"] == answer
    assert answer["Status"] == "SUCCESS", answer
    items = len(load_catalog().items)
    assert f"0 new, 0 changed (new versions), {items} unchanged" in answer["Reason"]
    # And the catalog serves as before
    after = system.api("GET", "/catalog/items", query={"limit": "5"}).body
    assert after == before


def test_the_adapter_puts_to_the_presigned_url_without_a_content_type(
    listener: tuple[str, list[dict[str, Any]]],
) -> None:
    url, received = listener
    send_response(url, {"Status": "FAILED", "Reason": "RuntimeError: boom"})
    (request,) = received
    assert request["type"] == "" and request["body"]["Reason"] == "RuntimeError: boom"
