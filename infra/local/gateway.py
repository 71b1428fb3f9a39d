"""A local API Gateway: turns HTTP requests into the REST proxy events the API function
gets in AWS, after checking Cognito ID tokens the way the Cognito authorizer does.

The request reaches the API function through Lambda Invoke on the embedded endpoint, so it
runs with the environment CDK gives that function, like every other function here.

With a `LocalSite` it is also the local CloudFront (infra/constructs/web.py): `/api/<path>`
is the API at `/<path>`, `/config.json` the app's settings, and every other GET a file of
web/dist, a path without a file extension the app's index.html (history routing), each
with the deployed security headers. Without one (tests of the API alone), the API answers
at the root as API Gateway's stage does, and under /api/ too.
"""

import contextlib
import json
import mimetypes
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import boto3
import jwt
import requests

from infra import constants as c
from infra.local.events import match_route, path_exists, rest_event

_BEARER = re.compile(r"^bearer\s+", re.IGNORECASE)
# The local system's clock control; nothing deployed answers it (see LocalApiGateway).
LOCAL_CLOCK_PATH = "/_local/clock"
# The text messages sent (a confirmation code), as the embedded SNS took them.
LOCAL_OUTBOX_PATH = "/_local/outbox"
# API Gateway's payload quota for REST APIs.
MAX_BODY_BYTES = 10 * 1024 * 1024
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization,Content-Type,Idempotency-Key",
    "Access-Control-Allow-Methods": "GET,POST,OPTIONS",
}


class CognitoAuthorizer:
    """Verifies an ID token's signature (the pool's JWKS), issuer, audience, expiry and
    token_use, and hands over its claims as API Gateway does: every value a string, the
    groups array flattened. The header is the token itself or `Bearer <token>` (any case)."""

    def __init__(self, endpoint: str, region: str, pool_id: str, client_id: str) -> None:
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
        self.client_id = client_id
        self._jwks_url = f"{endpoint}/{pool_id}/.well-known/jwks.json"
        self._keys: dict[str, Any] = {}

    def _key(self, kid: str | None) -> Any:
        """The pool's key `kid`; the JWKS is read again once for a kid not seen (a rotated
        key), and a token signed by no key of the pool's is refused."""
        if kid not in self._keys:
            jwks = requests.get(self._jwks_url, timeout=5).json()
            self._keys = {k["kid"]: jwt.PyJWK(k).key for k in jwks["keys"]}
        key = self._keys.get(kid or "")
        if key is None:
            raise jwt.InvalidKeyError(f"no key {kid!r} in the pool's JWKS")
        return key

    def claims(self, authorization: str | None) -> dict[str, str] | None:
        if not authorization:
            return None
        token = _BEARER.sub("", authorization.strip(), count=1).strip()
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(
                token,
                self._key(header.get("kid")),
                algorithms=["RS256"],
                audience=self.client_id,
                issuer=self.issuer,
                # A token without an expiry is no ID token Cognito issues: refused too.
                options={"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]},
            )
        except jwt.PyJWTError:
            return None
        if claims.get("token_use") != "id":
            return None
        return {k: ",".join(v) if isinstance(v, list) else str(v) for k, v in claims.items()}


Headers = list[tuple[str, str]]

# What the deployment sets (infra/constructs/web.py): pages revalidated, hashed assets kept.
NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class LocalSite:
    """The web app as CloudFront serves it: the files of `root` (web/dist), `config`
    as /config.json, and the security headers with a CSP that lets the page call
    `aws_origins` (the embedded AWS: Cognito and S3)."""

    root: Path
    config: dict[str, str]
    aws_origins: list[str] = field(default_factory=list)

    @property
    def headers(self) -> Headers:
        return [
            *c.SECURITY_HEADERS.items(),
            ("Content-Security-Policy", c.content_security_policy(self.aws_origins)),
        ]

    def serve(self, method: str, path: str) -> tuple[int, Headers, bytes]:
        if method not in ("GET", "HEAD"):
            # CloudFront's default behaviour allows GET and HEAD only.
            return _json(403, {"message": "This distribution allows GET and HEAD only"})
        if path == f"/{c.WEB_CONFIG_FILE}":
            return self._answer(200, "application/json", NO_CACHE, json.dumps(self.config).encode())
        # As the deployed viewer-request function: a path without a file extension is a
        # route of the app, whatever file may have that name.
        last = path.rsplit("/", 1)[-1]
        if "." not in last:
            path = "/index.html"
        file = self._file(path)
        if file is None:
            if path == "/index.html":  # web/dist not built: what the deployment would serve
                page = c.WEB_PLACEHOLDER_HTML.encode()
                return self._answer(200, _TYPES[".html"], NO_CACHE, page)
            return self._answer(404, _TYPES[".txt"], NO_CACHE, b"Not Found")
        suffix = file.suffix.lower()
        content_type = _TYPES.get(suffix) or mimetypes.guess_type(file.name)[0]
        cache = NO_CACHE if file.name == "index.html" else IMMUTABLE
        return self._answer(
            200, content_type or "application/octet-stream", cache, file.read_bytes()
        )

    def _file(self, path: str) -> Path | None:
        """The file of web/dist at `path`, never one outside it."""
        root = self.root.resolve()
        candidate = (root / unquote(path).lstrip("/")).resolve()
        if candidate != root and root not in candidate.parents:
            return None
        return candidate if candidate.is_file() else None

    def _answer(
        self, status: int, content_type: str, cache: str, body: bytes
    ) -> tuple[int, Headers, bytes]:
        headers = [("Content-Type", content_type), ("Cache-Control", cache), *self.headers]
        return status, headers, body


class BadRequest(Exception):
    """A request API Gateway would not pass on: answered 400 (or `status`) with JSON."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class LocalApiGateway:
    def __init__(
        self,
        host: str,
        port: int,
        api_function_arn: str,
        authorizer: CognitoAuthorizer,
        site: LocalSite | None = None,
        clock: "Callable[[float], dict[str, Any]] | None" = None,
        outbox: "Callable[[], list[dict[str, str]]] | None" = None,
    ) -> None:
        self.api_function_arn = api_function_arn
        self.authorizer = authorizer
        self.site = site
        # The local system's clock control (infra/local/__main__.py): not part of the API.
        self.clock = clock
        self.outbox = outbox
        self.server = ThreadingHTTPServer((host, port), self._handler_class())
        self.server.daemon_threads = True
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="api-gateway", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: str | None
    ) -> tuple[int, Headers, bytes]:
        # http.server reads the request line as Latin-1; a client may send raw UTF-8 (curl
        # does for a Chinese query), which API Gateway would accept.
        with contextlib.suppress(UnicodeError):
            raw_path = raw_path.encode("latin-1").decode("utf-8")
        parts = urlsplit(raw_path)
        if parts.path == LOCAL_CLOCK_PATH and self.clock is not None:
            return self._clock(method, body)
        if parts.path == LOCAL_OUTBOX_PATH and self.outbox is not None:
            if method != "GET":
                return _json(405, {"message": "GET"})
            return _json(200, {"items": self.outbox()})
        prefix = c.WEB_API_PREFIX
        if parts.path == prefix or parts.path.startswith(f"{prefix}/"):
            # CloudFront's /api/* behaviour: the API sees the path without the prefix.
            status, answer, content = self._api(
                method, parts.path[len(prefix) :], parts.query, headers, body
            )
            return status, [*answer, *self._security_headers(answer)], content
        if self.site is not None:
            return self.site.serve(method, parts.path)
        return self._api(method, parts.path, parts.query, headers, body)

    def _clock(self, method: str, body: str | None) -> tuple[int, Headers, bytes]:
        """GET: the local system's time; POST {"advanceDays": n}: moves it n days forward
        (at most a year) and runs the deadlines sweep, as its schedule would."""
        assert self.clock is not None
        if method == "GET":
            return _json(200, self.clock(0))
        if method != "POST":
            return _json(405, {"message": "GET or POST"})
        try:
            days = float(json.loads(body or "{}").get("advanceDays", 0))
        except (ValueError, AttributeError):
            return _json(400, {"message": 'body: {"advanceDays": <days>}'})
        if not 0 <= days <= 366:
            return _json(400, {"message": "advanceDays: from 0 to 366"})
        return _json(200, self.clock(days))

    def _security_headers(self, answer: Headers) -> Headers:
        """The site's headers on the API's responses too (one policy on both behaviours)."""
        if self.site is None:
            return []
        present = {name.lower() for name, _ in answer}
        return [(n, v) for n, v in self.site.headers if n.lower() not in present]

    def _api(
        self, method: str, raw: str, query: str, headers: dict[str, str], body: str | None
    ) -> tuple[int, Headers, bytes]:
        # Routes match the path as sent (an encoded "/" stays inside its segment); the
        # event's `path` stays encoded, its pathParameters are decoded, as in a REST API.
        path = raw.rstrip("/") or "/"
        if method == "OPTIONS" and path_exists(path):
            return 204, list(_CORS.items()), b""
        matched = match_route(method, path)
        if matched is None:
            # What API Gateway answers for an unknown path or method.
            return _json(403, {"message": "Missing Authentication Token"})
        route, params = matched
        claims = None
        if not route.public:
            claims = self.authorizer.claims(_header(headers, "authorization"))
            if claims is None:
                return _json(401, {"message": "Unauthorized"})
        event = rest_event(
            method,
            path,
            body=body,
            query=query,
            headers=headers,
            claims=claims,
            route=route,
            path_parameters={name: unquote(value) for name, value in params.items()},
        )
        response = boto3.client("lambda").invoke(
            FunctionName=self.api_function_arn, Payload=json.dumps(event).encode()
        )
        payload = json.loads(response["Payload"].read() or b"{}")
        if response.get("FunctionError") or "statusCode" not in payload:
            return _json(502, {"message": "Internal server error"})
        content = (payload.get("body") or "").encode()
        return int(payload["statusCode"]), response_headers(payload), content

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # An error reply to a request line that could not be read still has headers.
            default_request_version = "HTTP/1.1"
            # A body that never arrives (shorter than its Content-Length) ends in a 400.
            timeout = 10

            def _serve(self) -> None:
                started = time.perf_counter()
                try:
                    body = _read_body(self)
                    status, headers, content = gateway.handle(
                        self.command, self.path, dict(self.headers.items()), body
                    )
                except BadRequest as bad:
                    self.close_connection = True  # what follows on the wire is unknown
                    status, headers, content = _json(bad.status, {"message": str(bad)})
                except Exception as exc:  # never leave the client hanging
                    status, headers, content = _json(
                        502, {"message": f"gateway error: {type(exc).__name__}"}
                    )
                self._reply(status, headers, content)
                self.log_message(
                    '"%s %s" %s %.0fms',
                    self.command,
                    self.path.split("?")[0],
                    status,
                    (time.perf_counter() - started) * 1000,
                )

            def _reply(self, status: int, headers: Headers, content: bytes) -> None:
                self.send_response(status)
                for key, value in headers:
                    if key.lower() not in ("content-length", "connection"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                if self.close_connection:
                    self.send_header("Connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(content)

            def send_error(
                self, code: int, message: str | None = None, explain: str | None = None
            ) -> None:
                """http.server's refusals (a malformed request line or header, a method
                with no handler) as API Gateway's: JSON, 400 for a method it does not know."""
                status = HTTPStatus.BAD_REQUEST if code == HTTPStatus.NOT_IMPLEMENTED else code
                self.close_connection = True
                text = message or HTTPStatus(code).phrase
                self._reply(*_json(int(status), {"message": text}))
                self.log_message('"%s" %s', (self.requestline or "")[:80], int(status))

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve

            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                pass  # _serve logs each request once, with its duration

            def log_message(self, format: str, *args: Any) -> None:
                print(f"[api] {format % args}", flush=True)

        return Handler


def _header(headers: dict[str, str], name: str) -> str | None:
    """A request header by name, in any case (HTTP header names are case-insensitive)."""
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def response_headers(payload: dict[str, Any]) -> Headers:
    """The function's `headers` and `multiValueHeaders` merged as API Gateway merges them
    (a value in both appears once), each name once whatever its case, then CORS."""
    merged: dict[str, tuple[str, list[str]]] = {}
    multi = payload.get("multiValueHeaders") or {}
    single = {name: [value] for name, value in (payload.get("headers") or {}).items()}
    for source in (multi, single):
        for name, values in source.items():
            known = merged.setdefault(name.lower(), (name, []))[1]
            known.extend(str(v) for v in values if str(v) not in known)
    for name, value in _CORS.items():
        merged.setdefault(name.lower(), (name, [value]))
    return [(name, value) for name, values in merged.values() for value in values]


def _read_body(handler: BaseHTTPRequestHandler) -> str | None:
    """The request body, framed by Content-Length or chunked transfer encoding; a BadRequest
    for a framing API Gateway would refuse. Bytes that are not UTF-8 reach the function
    replaced, as API Gateway passes a body of a non-binary media type as text."""
    if handler.headers.defects:  # e.g. a header line without a colon: framing is unknown
        raise BadRequest("malformed header")
    raw = _chunked(handler) if _is_chunked(handler) else _sized(handler)
    return raw.decode("utf-8", errors="replace") if raw else None


def _is_chunked(handler: BaseHTTPRequestHandler) -> bool:
    encoding = handler.headers.get("Transfer-Encoding", "")
    return "chunked" in encoding.lower()


def _sized(handler: BaseHTTPRequestHandler) -> bytes:
    declared = handler.headers.get_all("Content-Length") or []
    if not declared:
        return b""
    if len(set(declared)) != 1 or not declared[0].strip().isdigit():
        raise BadRequest("Content-Length is not a number")
    length = int(declared[0])
    if length > MAX_BODY_BYTES:
        raise BadRequest("Request Too Long", 413)
    body = _read_exactly(handler, length)
    return body


def _read_exactly(handler: BaseHTTPRequestHandler, length: int) -> bytes:
    try:
        body = handler.rfile.read(length)
    except TimeoutError as exc:
        raise BadRequest("the body is shorter than its Content-Length") from exc
    if len(body) != length:
        raise BadRequest("the body is shorter than its Content-Length")
    return body


def _chunked(handler: BaseHTTPRequestHandler) -> bytes:
    body = b""
    while True:
        try:
            size_line = handler.rfile.readline(1024).split(b";")[0].strip()
            size = int(size_line, 16)
        except (ValueError, TimeoutError) as exc:
            raise BadRequest("malformed chunked body") from exc
        if size == 0:
            _read_trailers(handler)
            return body
        body += _read_exactly(handler, size)
        if len(body) > MAX_BODY_BYTES:
            raise BadRequest("Request Too Long", 413)
        if _read_exactly(handler, 2) != b"\r\n":
            raise BadRequest("malformed chunked body")


def _read_trailers(handler: BaseHTTPRequestHandler) -> None:
    for _ in range(100):
        line = handler.rfile.readline(8192)
        if line in (b"\r\n", b"\n", b""):
            return
    raise BadRequest("malformed chunked body")


def _json(status: int, body: dict[str, Any]) -> tuple[int, Headers, bytes]:
    headers = [*_CORS.items(), ("Content-Type", "application/json")]
    return status, headers, json.dumps(body).encode()


__all__ = ["CognitoAuthorizer", "HTTPStatus", "LocalApiGateway", "LocalSite", "response_headers"]
