"""The local API Gateway over real HTTP, on a free loopback port, in front of the
in-process system: answers as API Gateway does (headers, decoded path parameters,
Cognito tokens, malformed requests as JSON 400s)."""

import http.client
import io
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from infra.local import gateway as gateway_module
from infra.local.gateway import CognitoAuthorizer, LocalApiGateway, response_headers
from infra.local.offline import REGION
from infra.local.users import DemoUser, ensure_user, id_token
from tests.integration.conftest import System, running_system

CITIZEN_EMAIL = "citizen@example.com"


@dataclass
class Served:
    system: System
    gateway: LocalApiGateway
    token: str

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, http.client.HTTPMessage, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.gateway.port, timeout=30)
        payload = None if body is None else json.dumps(body).encode()
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        connection.request(method, path, body=payload, headers=all_headers)
        response = connection.getresponse()
        raw = response.read()
        connection.close()
        return response.status, response.headers, json.loads(raw) if raw else None

    def raw(self, data: bytes) -> tuple[int, dict[str, str], Any]:
        """Bytes as a client put them on the wire; the status, headers and JSON body."""
        with socket.create_connection(("127.0.0.1", self.gateway.port), timeout=15) as sock:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:])
        return int(lines[0].split()[1]), headers, json.loads(body)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with running_system() as system:
        outputs = system.outputs
        ensure_user(outputs["UserPoolId"], DemoUser(CITIZEN_EMAIL, "citizen"))
        token = id_token(outputs["UserPoolClientId"], CITIZEN_EMAIL)
        authorizer = CognitoAuthorizer(
            "https://cognito-idp.us-east-1.amazonaws.com",
            REGION,
            outputs["UserPoolId"],
            outputs["UserPoolClientId"],
        )
        gateway = LocalApiGateway("127.0.0.1", 0, outputs["ApiFunctionArn"], authorizer)
        gateway.start()
        try:
            yield Served(system, gateway, token)
        finally:
            gateway.stop()


def test_a_response_carries_the_functions_headers(served: Served) -> None:
    # When the catalog is read through the gateway
    status, headers, body = served.request("GET", "/catalog/items?limit=1")

    # Then the Content-Type Powertools put in multiValueHeaders reaches the client
    assert status == 200 and len(body["items"]) == 1
    assert headers["Content-Type"] == "application/json"
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_multi_value_headers_are_merged_as_api_gateway_merges_them() -> None:
    merged = response_headers(
        {
            "headers": {"content-type": "application/json", "X-One": "a"},
            "multiValueHeaders": {"Content-Type": ["application/json"], "Set-Cookie": ["a", "b"]},
        }
    )
    assert merged.count(("Content-Type", "application/json")) == 1
    assert [v for k, v in merged if k.lower() == "content-type"] == ["application/json"]
    assert [v for k, v in merged if k == "Set-Cookie"] == ["a", "b"]
    assert ("X-One", "a") in merged


@pytest.mark.parametrize(
    "authorization", ["{token}", "Bearer {token}", "bearer {token}", "BEARER   {token}"]
)
@pytest.mark.parametrize("header", ["Authorization", "authorization", "AUTHORIZATION"])
def test_the_token_is_read_in_any_case(served: Served, header: str, authorization: str) -> None:
    status, _, body = served.request(
        "GET", "/applications", headers={header: authorization.format(token=served.token)}
    )
    assert status == 200 and body["items"] == []


def test_a_missing_or_bad_token_is_401(served: Served) -> None:
    assert served.request("GET", "/applications")[0] == 401
    assert (
        served.request("GET", "/applications", headers={"Authorization": "Bearer x.y.z"})[0] == 401
    )
    tampered = served.token[:-4] + ("AAAA" if not served.token.endswith("AAAA") else "BBBB")
    assert served.request("GET", "/applications", headers={"Authorization": tampered})[0] == 401


class RecordingLambda:
    """Lambda Invoke as the gateway calls it: records each event, answers `answer`."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.events: list[dict[str, Any]] = []

    def invoke(self, FunctionName: str, Payload: bytes) -> dict[str, Any]:
        self.events.append(json.loads(Payload))
        return {"Payload": io.BytesIO(json.dumps(self.answer).encode())}


def test_path_parameters_reach_the_function_decoded(served: Served, monkeypatch) -> None:
    # Given the function behind the gateway recording what it gets
    function = RecordingLambda({"statusCode": 200, "body": "{}"})
    monkeypatch.setattr(gateway_module.boto3, "client", lambda service: function)

    # When an id is sent percent-encoded (as a client may encode any character)
    status, _, _ = served.request("GET", "/verify/CERT%2D2026%2F01%20%E8%AF%81")

    # Then the event holds it decoded in pathParameters, and as sent in `path`, as a
    # REST API's does; an encoded "/" stayed inside its segment
    assert status == 200
    [event] = function.events
    assert event["pathParameters"] == {"certificateNo": "CERT-2026/01 证"}
    assert event["path"] == "/verify/CERT%2D2026%2F01%20%E8%AF%81"
    assert event["resource"] == "/verify/{certificateNo}"


def test_headers_set_only_in_multi_value_headers_reach_the_client(
    served: Served, monkeypatch
) -> None:
    answer = {
        "statusCode": 201,
        "body": "{}",
        "multiValueHeaders": {"Content-Type": ["application/json"], "Set-Cookie": ["a=1", "b=2"]},
    }
    monkeypatch.setattr(gateway_module.boto3, "client", lambda service: RecordingLambda(answer))
    status, headers, _ = served.request("GET", "/catalog/items")
    assert status == 201 and headers["Content-Type"] == "application/json"
    assert headers.get_all("Set-Cookie") == ["a=1", "b=2"]


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"THIS IS NOT HTTP\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /catalog/items HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n",
        b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
        b"Content-Length: 3\r\n\r\n{}",
        b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{}",
        b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}",
        b"BREW /catalog/items HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /catalog/items HTTP/1.1\r\nbroken header line\r\n\r\n",
    ],
    ids=[
        "request-line",
        "no-path",
        "length-not-a-number",
        "negative-length",
        "two-lengths",
        "body-shorter-than-length",
        "bad-chunk",
        "unknown-method",
        "bad-header",
    ],
)
def test_a_malformed_request_is_a_json_400(served: Served, request_bytes: bytes) -> None:
    status, headers, body = served.raw(request_bytes)
    assert status == 400, body
    assert headers["Content-Type"] == "application/json"
    assert isinstance(body["message"], str) and body["message"]


def test_a_chunked_body_reaches_the_function(served: Served) -> None:
    body = b'{"rating": 9}'
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    request = (
        b"POST /applications/01JAPP0000000000000000000A/feedback HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        b"Authorization: " + served.token.encode() + b"\r\nConnection: close\r\n\r\n" + chunked
    )
    status, _, answer = served.raw(request)
    # The function read the body: it names the out-of-range rating
    assert status == 422 and [f["field"] for f in answer["fields"]] == ["body.rating"], answer


# --- ID tokens checked as the Cognito authorizer checks them ---------------------------------

ISSUER_POOL = "us-east-1_TestPool"
CLIENT = "test-client"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def authorizer(signing_key: rsa.RSAPrivateKey) -> CognitoAuthorizer:
    checker = CognitoAuthorizer("http://unused.invalid", REGION, ISSUER_POOL, CLIENT)
    checker._keys = {"test-kid": signing_key.public_key()}
    return checker


def _token(key: rsa.RSAPrivateKey, kid: str = "test-kid", **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": f"https://cognito-idp.{REGION}.amazonaws.com/{ISSUER_POOL}",
        "aud": CLIENT,
        "sub": "sub-1",
        "token_use": "id",
        "iat": now,
        "exp": now + 3600,
        "cognito:groups": ["citizen"],
        **overrides,
    }
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def test_a_valid_id_token_passes_its_claims(authorizer, signing_key) -> None:
    claims = authorizer.claims(f"Bearer {_token(signing_key)}")
    assert claims is not None and claims["sub"] == "sub-1"
    assert claims["cognito:groups"] == "citizen"


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": int(time.time()) - 1},  # expired a second ago
        {"exp": None},  # no expiry at all
        {"iat": None},
        {"token_use": "access"},
        {"aud": "another-client"},
        {"iss": "https://cognito-idp.us-east-1.amazonaws.com/another-pool"},
    ],
    ids=["expired", "no-exp", "no-iat", "access-token", "audience", "issuer"],
)
def test_a_token_cognito_would_refuse_is_refused(authorizer, signing_key, overrides) -> None:
    assert authorizer.claims(_token(signing_key, **overrides)) is None


def test_a_token_of_an_unknown_key_is_refused(authorizer, signing_key, monkeypatch) -> None:
    # The JWKS is read again for a kid not seen, and still does not hold it
    monkeypatch.setattr(
        authorizer, "_key", lambda kid: (_ for _ in ()).throw(jwt.InvalidKeyError(kid))
    )
    assert authorizer.claims(_token(signing_key, kid="rotated")) is None


def test_an_expired_token_is_a_401_through_the_gateway(served: Served, signing_key) -> None:
    # Given the gateway trusting the test key, and a token of it that has expired
    outputs = served.system.outputs
    authorizer = served.gateway.authorizer
    saved = dict(authorizer._keys)
    authorizer._keys = {**saved, "test-kid": signing_key.public_key()}
    expired = jwt.encode(
        {
            "iss": authorizer.issuer,
            "aud": outputs["UserPoolClientId"],
            "sub": "sub-1",
            "token_use": "id",
            "iat": int(time.time()) - 7200,
            "exp": int(time.time()) - 3600,
        },
        signing_key,
        algorithm="RS256",
        headers={"kid": "test-kid"},
    )
    try:
        status, _, body = served.request("GET", "/applications", headers={"Authorization": expired})
    finally:
        authorizer._keys = saved
    assert status == 401 and body == {"message": "Unauthorized"}


def test_the_local_clock_moves_forward_only_and_only_where_a_clock_is_given() -> None:
    # Given a gateway holding the local system's clock control (a fake that records)
    moved: list[float] = []

    def clock(days: float) -> dict[str, float]:
        moved.append(days)
        return {"offsetDays": sum(moved)}

    gateway = LocalApiGateway("127.0.0.1", 0, "arn:unused", authorizer=None, clock=clock)  # type: ignore[arg-type]
    try:
        # When it is read, moved, moved backwards, or moved with a bad body
        read = gateway.handle("GET", "/_local/clock", {}, None)
        forward = gateway.handle("POST", "/_local/clock", {}, '{"advanceDays": 3}')
        back = gateway.handle("POST", "/_local/clock", {}, '{"advanceDays": -1}')
        garbled = gateway.handle("POST", "/_local/clock", {}, "[1]")
    finally:
        gateway.server.server_close()

    # Then it reads and moves forward, and refuses the rest with a 400
    assert read[0] == 200 and forward[0] == 200 and json.loads(forward[2]) == {"offsetDays": 3}
    assert back[0] == 400 and garbled[0] == 400
    assert moved == [0, 3]
    # And a gateway without a clock (as deployed: nothing answers it) knows no such path
    plain = LocalApiGateway("127.0.0.1", 0, "arn:unused", authorizer=None)  # type: ignore[arg-type]
    try:
        assert plain.handle("GET", "/_local/clock", {}, None)[0] == 403
    finally:
        plain.server.server_close()


def test_the_local_outbox_lists_the_texts_sent_and_only_where_one_is_given() -> None:
    # Given a gateway holding the local outbox (a fake with one text)
    sent = [{"messageId": "m1", "phone": "+8613800138000", "text": "确认码 123456"}]
    gateway = LocalApiGateway(
        "127.0.0.1",
        0,
        "arn:unused",
        authorizer=None,  # type: ignore[arg-type]
        outbox=lambda: sent,
    )
    try:
        read = gateway.handle("GET", "/_local/outbox", {}, None)
        posted = gateway.handle("POST", "/_local/outbox", {}, "{}")
    finally:
        gateway.server.server_close()
    # Then GET lists them, and nothing else is answered
    assert read[0] == 200 and json.loads(read[2]) == {"items": sent}
    assert posted[0] == 405
    # And a gateway without one (as deployed) knows no such path
    plain = LocalApiGateway("127.0.0.1", 0, "arn:unused", authorizer=None)  # type: ignore[arg-type]
    try:
        assert plain.handle("GET", "/_local/outbox", {}, None)[0] == 403
    finally:
        plain.server.server_close()


def test_the_scripts_tell_a_listening_endpoint_from_a_closed_one() -> None:
    from infra.local.users import answers

    gateway = LocalApiGateway("127.0.0.1", 0, "arn:unused", authorizer=None)  # type: ignore[arg-type]
    try:
        listening = f"http://127.0.0.1:{gateway.port}"
        assert answers(listening)
    finally:
        gateway.server.server_close()
    assert not answers(listening)  # the port closed with the server
