"""What a JSON route accepts as its body, checked before anything else reads it.

Python's json parses recursively and converts integers of any length, so a body nested
999 levels deep raises RecursionError and an integer of 5,000 digits ValueError, neither of
which Powertools' validation catches: both were a 502. `loads` is the resolver's body
deserializer and refuses such bodies as a RequestValidationError naming the body, the same
422 a malformed body gets. It also refuses NaN and Infinity (not JSON, and DynamoDB cannot
store them) and numbers DynamoDB cannot hold.
"""

import json
import math
from typing import Any, NoReturn

from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from shared import names

# The largest legitimate body is an application with a long form (tens of KB); API
# Gateway itself lets 10 MB through.
MAX_BODY_CHARS = 256 * 1024
# A filing nests 4 levels (body, applicant or delivery, address, value); leave room.
MAX_DEPTH = 16
# DynamoDB numbers: 38 significant digits, magnitude below 1e126.
MAX_INTEGER_DIGITS = 38
MAX_NUMBER_MAGNITUDE = 1e125

JSON_MEDIA_TYPE = "application/json"
# The routes that read a JSON body (the others ignore any body): what 415 applies to.
JSON_BODY_ROUTES = frozenset(
    {
        ("POST", names.APPLICATIONS),
        ("POST", names.BUNDLE_SCREENING),
        ("POST", names.BUNDLE_APPLICATIONS),
        ("POST", names.BUNDLE_CASE_MATERIALS),
        ("POST", names.BUNDLE_CASE_DRAFT),
        ("POST", names.BUNDLE_TASK_DECISION),
        ("POST", names.CATALOG_ITEM_SCREENING),
        ("POST", names.APPLICATION_DRAFT),
        ("POST", names.APPLICATION_COMMITMENT),
        ("POST", names.APPLICATION_MATERIALS),
        ("POST", names.APPLICATION_MATERIAL_REUSE),
        ("POST", names.APPLICATION_MATERIAL_CERTIFICATE),
        ("POST", names.APPLICATION_MATERIAL_CERTIFICATE_UNDO),
        ("POST", names.CERTIFICATE_REVOCATION),
        ("POST", names.APPLICATION_CONFIRMATION),
        ("POST", names.APPLICATION_CONFIRMATION_PREVIEW),
        ("POST", names.APPLICATION_ASSIST_SESSIONS),
        ("POST", names.APPLICATION_ASSIST_SESSION_END),
        ("POST", names.PROJECTS),
        ("POST", names.PROJECT_CASES),
        ("POST", names.PROJECT_LOG),
        ("POST", names.APPLICATION_FEEDBACK),
        ("POST", names.TASK_DECISION),
        ("POST", names.TASK_DECISIONS),
        ("POST", names.TASK_ASSIGNMENT),
        ("POST", names.DELEGATIONS),
        ("POST", names.WINDOW_TASK_DECISION),
        ("POST", names.TASK_SPECIAL_PROCEDURES),
        ("POST", names.TASK_SPECIAL_PROCEDURE_END),
        ("POST", names.TASK_EXTENSIONS),
        ("POST", names.TASK_SUPPLEMENT_REQUEST),
    }
)


def refuse(message: str) -> NoReturn:
    raise RequestValidationError([{"type": "body_refused", "loc": ("body",), "msg": message}])


def loads(text: str) -> Any:
    """The body as JSON, or a RequestValidationError naming the body."""
    if len(text) > MAX_BODY_CHARS:
        refuse(f"body is longer than {MAX_BODY_CHARS} characters")
    try:
        value = json.loads(
            text, parse_int=_integer, parse_float=_number, parse_constant=_not_a_number
        )
    except RecursionError:
        refuse(f"body is nested deeper than {MAX_DEPTH} levels")
    if _depth_exceeds(value, MAX_DEPTH):
        refuse(f"body is nested deeper than {MAX_DEPTH} levels")
    return value


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        refuse(f"body holds an integer of more than {MAX_INTEGER_DIGITS} digits")
    return int(text)


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or abs(value) >= MAX_NUMBER_MAGNITUDE:
        refuse(f"body holds a number beyond ±{MAX_NUMBER_MAGNITUDE:g}")
    return value


def _not_a_number(text: str) -> NoReturn:
    refuse(f"body holds {text}, which is not JSON")


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` nests more than `limit` containers (iteratively: no recursion)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict | list):
            if depth > limit:
                return True
            children = node.values() if isinstance(node, dict) else node
            pending.extend((child, depth + 1) for child in children)
    return False


def is_json(content_type: str | None) -> bool:
    """Whether a request's Content-Type is JSON; none at all is taken as JSON (curl -d and
    most clients send one; API Gateway forwards whatever came)."""
    if not content_type:
        return True
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == JSON_MEDIA_TYPE


def takes_json_body(method: str, resource: str) -> bool:
    return (method.upper(), resource) in JSON_BODY_ROUTES
