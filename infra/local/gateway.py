"""A local API Gateway: turns HTTP requests into the REST proxy events the API function
gets in AWS, after checking Cognito ID tokens the way the Cognito authorizer does.

The request reaches the API function through Lambda Invoke on the embedded endpoint, so it
runs with the environment CDK gives that function, like every other function here.
"""

import contextlib
import json
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import boto3
import jwt
import requests

from infra.local.events import match_route, path_exists, rest_event

_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization,Content-Type,Idempotency-Key",
    "Access-Control-Allow-Methods": "GET,POST,OPTIONS",
}


class CognitoAuthorizer:
    """Verifies an ID token's signature (the pool's JWKS), issuer, audience, expiry and
    token_use, and hands over its claims as API Gateway does: every value a string, the
    groups array flattened."""

    def __init__(self, endpoint: str, region: str, pool_id: str, client_id: str) -> None:
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
        self.client_id = client_id
        self._jwks_url = f"{endpoint}/{pool_id}/.well-known/jwks.json"
        self._keys: dict[str, Any] | None = None

    def _key(self, kid: str | None) -> Any:
        if self._keys is None:
            jwks = requests.get(self._jwks_url, timeout=5).json()
            self._keys = {k["kid"]: jwt.PyJWK(k).key for k in jwks["keys"]}
        return self._keys.get(kid or "") or next(iter(self._keys.values()))

    def claims(self, authorization: str | None) -> dict[str, str] | None:
        if not authorization:
            return None
        token = authorization.removeprefix("Bearer ").strip()
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(
                token,
                self._key(header.get("kid")),
                algorithms=["RS256"],
                audience=self.client_id,
                issuer=self.issuer,
            )
        except jwt.PyJWTError:
            return None
        if claims.get("token_use") != "id":
            return None
        return {k: ",".join(v) if isinstance(v, list) else str(v) for k, v in claims.items()}


class LocalApiGateway:
    def __init__(
        self, host: str, port: int, api_function_arn: str, authorizer: CognitoAuthorizer
    ) -> None:
        self.api_function_arn = api_function_arn
        self.authorizer = authorizer
        self.server = ThreadingHTTPServer((host, port), self._handler_class())
        self.server.daemon_threads = True
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="api-gateway", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: str | None
    ) -> tuple[int, dict[str, str], bytes]:
        # http.server reads the request line as Latin-1; a client may send raw UTF-8 (curl
        # does for a Chinese query), which API Gateway would accept.
        with contextlib.suppress(UnicodeError):
            raw_path = raw_path.encode("latin-1").decode("utf-8")
        parts = urlsplit(raw_path)
        path = parts.path.rstrip("/") or "/"
        if method == "OPTIONS" and path_exists(path):
            return 204, dict(_CORS), b""
        matched = match_route(method, path)
        if matched is None:
            # What API Gateway answers for an unknown path or method.
            return _json(403, {"message": "Missing Authentication Token"})
        route, params = matched
        claims = None
        if not route.public:
            claims = self.authorizer.claims(
                headers.get("authorization") or headers.get("Authorization")
            )
            if claims is None:
                return _json(401, {"message": "Unauthorized"})
        event = rest_event(
            method,
            path,
            body=body,
            query=parts.query,
            headers=headers,
            claims=claims,
            route=route,
            path_parameters=params,
        )
        response = boto3.client("lambda").invoke(
            FunctionName=self.api_function_arn, Payload=json.dumps(event).encode()
        )
        payload = json.loads(response["Payload"].read() or b"{}")
        if response.get("FunctionError") or "statusCode" not in payload:
            return _json(502, {"message": "Internal server error"})
        out_headers = {**_CORS, **(payload.get("headers") or {})}
        return int(payload["statusCode"]), out_headers, (payload.get("body") or "").encode()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                started = time.perf_counter()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else None
                try:
                    status, headers, content = gateway.handle(
                        self.command, self.path, dict(self.headers.items()), body
                    )
                except Exception as exc:  # never leave the client hanging
                    status, headers, content = _json(
                        502, {"message": f"gateway error: {type(exc).__name__}"}
                    )
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
                self.log_message(
                    '"%s %s" %s %.0fms',
                    self.command,
                    self.path.split("?")[0],
                    status,
                    (time.perf_counter() - started) * 1000,
                )

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _serve

            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                pass  # _serve logs each request once, with its duration

            def log_message(self, format: str, *args: Any) -> None:
                print(f"[api] {format % args}", flush=True)

        return Handler


def _json(status: int, body: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    return status, {**_CORS, "Content-Type": "application/json"}, json.dumps(body).encode()


__all__ = ["CognitoAuthorizer", "HTTPStatus", "LocalApiGateway"]
