"""Answering CloudFormation for a Lambda-backed custom resource: a PUT of the outcome to
the presigned S3 URL the event carries. Until it lands, the deployment waits (up to an
hour), so the answer is sent whatever happened."""

import json
import urllib.request
from typing import Any

_TIMEOUT_SECONDS = 30


def send_response(url: str, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    # The URL is presigned without a content type: sending one breaks the signature.
    request = urllib.request.Request(
        url, data=data, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(data))}
    )
    with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as answer:
        answer.read()
