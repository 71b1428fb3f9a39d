"""S3 on moto as AWS answers it: a browser's POST upload is held to its presigned policy.

moto 5.2.5 writes whatever a form POST names, wherever it names it: no policy, an
expired one, another key, a larger file, another type all succeed. S3 checks the
policy's signature (SigV4 over the base64 policy), its expiration, that every condition
holds (exact values, `starts-with`, `content-length-range`) and that no form field is left
uncovered by a condition, and answers 403 AccessDenied, or 400 EntityTooLarge /
EntityTooSmall, as XML. This module makes moto do the same before it stores anything.

The signature is checked against this process's credentials (the local runtime's and
the tests' presigners sign with them); with none in the environment it is not checked.
Local runtime and tests only; pinned with moto (pyproject.toml).
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from moto.s3.responses import S3Response

Answer = tuple[int, dict[str, str], bytes | str]

# Form fields no condition needs to name (S3's documented exceptions).
_UNCONDITIONED = {"policy", "x-amz-signature", "file"}
_original: Callable[..., Answer] | None = None


class PolicyRefusal(Exception):
    def __init__(self, status: int, code: str, message: str, **details: int) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details

    def answer(self) -> Answer:
        extra = "".join(f"<{k}>{v}</{k}>" for k, v in self.details.items())
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{self.code}</Code><Message>{escape(self.message)}</Message>{extra}"
            f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>"
        )
        return self.status, {"Content-Type": "application/xml"}, body


def _denied(message: str) -> PolicyRefusal:
    return PolicyRefusal(403, "AccessDenied", message)


def check_post(
    fields: Mapping[str, str], size: int | None, bucket: str, now: datetime | None = None
) -> None:
    """Raises PolicyRefusal unless the form POST of `fields` and a file of `size` bytes
    (None: no file) is one S3 would accept into `bucket`."""
    form = {name.lower(): value for name, value in fields.items()}
    if size is None:
        raise PolicyRefusal(400, "InvalidArgument", "POST requires exactly one file upload")
    if "policy" not in form:
        raise _denied("Anonymous access is forbidden for this operation")
    _check_signature(form)
    policy = _decoded(form["policy"])
    _check_expiration(policy, now or datetime.now(UTC))
    values = {**form, "bucket": bucket}
    named = {"bucket"}
    for condition in policy.get("conditions", []):
        named |= _check_condition(condition, values, size)
    extra = sorted(
        name
        for name in form
        if name not in named and name not in _UNCONDITIONED and not name.startswith("x-ignore-")
    )
    if extra:
        raise _denied(f"Invalid according to Policy: Extra input fields: {', '.join(extra)}")


def _decoded(policy: str) -> dict[str, Any]:
    try:
        value = json.loads(base64.b64decode(policy, validate=True))
    except (ValueError, binascii.Error) as exc:
        raise PolicyRefusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.") from exc
    if not isinstance(value, dict):
        raise PolicyRefusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.")
    return value


def _check_expiration(policy: dict[str, Any], now: datetime) -> None:
    try:
        expires = datetime.fromisoformat(str(policy["expiration"]).replace("Z", "+00:00"))
    except (KeyError, ValueError) as exc:
        raise PolicyRefusal(
            400, "InvalidPolicyDocument", "Invalid Policy: Policy missing expiration."
        ) from exc
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    if expires <= now:
        raise _denied("Invalid according to Policy: Policy expired.")


def _check_condition(condition: Any, values: Mapping[str, str], size: int) -> set[str]:
    """Checks one condition; the form fields it names."""
    if isinstance(condition, dict):
        for name, expected in condition.items():
            if values.get(name.lower()) != expected:
                raise _policy_failed(["eq", f"${name}", expected])
        return {name.lower() for name in condition}
    if isinstance(condition, list) and len(condition) == 3:
        operator, subject, operand = condition
        if operator == "content-length-range":
            _check_size(size, int(subject), int(operand))
            return set()
        name = str(subject).lstrip("$").lower()
        actual = values.get(name)
        held = actual == operand if operator == "eq" else None
        if operator == "starts-with":
            held = actual is not None and actual.startswith(str(operand))
        if held is None:
            raise PolicyRefusal(
                400, "InvalidPolicyDocument", f"Invalid Policy: Unknown condition {operator}"
            )
        if not held:
            raise _policy_failed(condition)
        return {name}
    raise PolicyRefusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid condition")


def _policy_failed(condition: Any) -> PolicyRefusal:
    return _denied(f"Invalid according to Policy: Policy Condition failed: {json.dumps(condition)}")


def _check_size(size: int, smallest: int, largest: int) -> None:
    if size > largest:
        raise PolicyRefusal(
            400,
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size",
            ProposedSize=size,
            MaxSizeAllowed=largest,
        )
    if size < smallest:
        raise PolicyRefusal(
            400,
            "EntityTooSmall",
            "Your proposed upload is smaller than the minimum allowed size",
            ProposedSize=size,
            MinSizeAllowed=smallest,
        )


def _check_signature(form: Mapping[str, str]) -> None:
    """SigV4 of a POST policy: HMAC-SHA256 of the base64 policy with the signing key of
    the credential's date, region and service."""
    access_key = os.environ.get("AWS_ACCESS_KEY_ID")
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
    if not access_key or not secret:
        return  # nothing to check against
    if form.get("x-amz-algorithm") != "AWS4-HMAC-SHA256":
        raise _denied("Only AWS4-HMAC-SHA256 POST policies are accepted here")
    parts = form.get("x-amz-credential", "").split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise _denied("Invalid according to Policy: malformed x-amz-credential")
    if parts[0] != access_key:
        raise PolicyRefusal(
            403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist"
        )
    key = f"AWS4{secret}".encode()
    for part in parts[1:]:
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, form["policy"].encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, form.get("x-amz-signature", "")):
        raise PolicyRefusal(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided",
        )


def _upload_size(response: S3Response) -> int | None:
    request = response.normalized_request
    if not request.files and "file" not in request.form:
        return None
    body = response.raw_body
    return len(body.encode() if isinstance(body, str) else body or b"")


def _checked_post(self: S3Response, request: Any, bucket_name: str) -> Answer:
    assert _original is not None
    if not _deletes_keys(self):
        try:
            check_post(dict(self.form_data.items()), _upload_size(self), bucket_name)
        except PolicyRefusal as refusal:
            return refusal.answer()
    return _original(self, request, bucket_name)


def _deletes_keys(response: S3Response) -> bool:
    """DeleteObjects (POST ?delete) is signed like any SDK call: not a form upload."""
    return "delete" in parse_qs(urlsplit(response.uri).query, keep_blank_values=True)


def install() -> None:
    global _original
    if _original is not None:
        return
    _original = S3Response._bucket_response_post
    S3Response._bucket_response_post = _checked_post  # type: ignore[method-assign,assignment]
