"""Builds the API Gateway REST proxy event the API function receives in AWS, so that the
local gateway and the tests drive the handler exactly as API Gateway would."""

import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from infra.constants import ROUTES

STAGE = "prod"


@dataclass(frozen=True)
class Route:
    method: str
    resource: str
    public: bool
    pattern: re.Pattern[str]


def _compile(resource: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(resource))
    return re.compile(f"^{regex}$")


ROUTE_TABLE = [Route(m, r, p, _compile(r)) for m, r, p in ROUTES]


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The API Gateway resource for a request, or None (API Gateway answers 403/404)."""
    for route in ROUTE_TABLE:
        found = route.pattern.match(path)
        if found and route.method == method.upper():
            return route, found.groupdict()
    return None


def path_exists(path: str) -> bool:
    return any(route.pattern.match(path) for route in ROUTE_TABLE)


def rest_event(
    method: str,
    path: str,
    *,
    body: Any = None,
    query: str | dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    claims: dict[str, Any] | None = None,
    route: Route | None = None,
    path_parameters: dict[str, str] | None = None,
) -> dict[str, Any]:
    if route is None:
        matched = match_route(method, path)
        if matched is None:
            raise ValueError(f"no route {method} {path}")
        route, path_parameters = matched
    if isinstance(query, str):
        multi = parse_qs(query, keep_blank_values=True)
    else:
        multi = {k: [v] for k, v in (query or {}).items()}
    headers = dict(headers or {})
    # A test's shorthand: JSON unless the request names a type (API Gateway adds none).
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/json"
    text = body if isinstance(body, str) or body is None else json.dumps(body, ensure_ascii=False)
    context: dict[str, Any] = {
        "resourcePath": route.resource,
        "httpMethod": method.upper(),
        "path": f"/{STAGE}{path}",
        "stage": STAGE,
        "requestId": str(uuid.uuid4()),
        "accountId": "123456789012",
        "apiId": "local",
        "protocol": "HTTP/1.1",
        "requestTimeEpoch": int(time.time() * 1000),
        "identity": {"sourceIp": "127.0.0.1", "userAgent": headers.get("User-Agent", "")},
    }
    if claims is not None:
        context["authorizer"] = {"claims": claims}
    return {
        "resource": route.resource,
        "path": path,
        "httpMethod": method.upper(),
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in multi.items()} or None,
        "multiValueQueryStringParameters": multi or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": context,
        "body": text,
        "isBase64Encoded": False,
    }


def groups_claim(groups: list[str]) -> str:
    """How a REST API Cognito authorizer hands over `cognito:groups`: one flattened string."""
    return ",".join(groups)
