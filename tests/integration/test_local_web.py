"""The local web origin (infra/local/gateway.py with a LocalSite), over real HTTP in front
of the in-process system: the app's files, history routing, /config.json, the API under
/api/ and the deployed security headers; and a citizen's own sign-up on the embedded
Cognito, which runs the post-confirmation trigger (infra/local/moto_cognito.py) as Cognito
does and so puts the citizen in the `citizen` group."""

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from infra import constants as c
from infra.local.__main__ import local_site
from infra.local.gateway import CognitoAuthorizer, LocalApiGateway
from infra.local.offline import REGION
from tests.integration.conftest import System, running_system

INDEX = "<!doctype html><title>OneWindow</title><script src=/assets/index-abc123.js></script>"
SCRIPT = "console.log('app')"
PASSWORD = "Citizen-Password-2026"


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class Site:
    system: System
    gateway: LocalApiGateway
    dist: Path

    def get(self, path: str, method: str = "GET", body: bytes | None = None) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.gateway.port, timeout=30)
        connection.request(method, path, body=body)
        response = connection.getresponse()
        reply = Reply(response.status, response.headers, response.read())
        connection.close()
        return reply


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    # Given a built app in web/dist's shape
    dist = tmp_path_factory.mktemp("dist")
    (dist / "assets").mkdir()
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "index-abc123.js").write_text(SCRIPT)
    (dist / "assets" / "index-abc123.css").write_text("body{}")
    (dist / "favicon.svg").write_text("<svg/>")
    (tmp_path_factory.getbasetemp() / "secret.txt").write_text("not the site's")
    with running_system() as system:
        outputs = system.outputs
        authorizer = CognitoAuthorizer(
            "https://cognito-idp.us-east-1.amazonaws.com",
            REGION,
            outputs["UserPoolId"],
            outputs["UserPoolClientId"],
        )
        served = local_site(outputs, REGION, 4566)
        served = type(served)(dist, served.config, served.aws_origins)
        gateway = LocalApiGateway(
            "127.0.0.1", 0, outputs["ApiFunctionArn"], authorizer, site=served
        )
        gateway.start()
        try:
            yield Site(system, gateway, dist)
        finally:
            gateway.stop()


def test_the_root_is_the_apps_page_with_the_security_headers(site: Site) -> None:
    # When a browser opens the site's address
    reply = site.get("/")
    # Then it gets index.html, revalidated on every visit, with the deployed headers
    assert reply.status == 200 and reply.body.decode() == INDEX
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert reply.headers["Cache-Control"] == "no-cache"
    for name, value in c.SECURITY_HEADERS.items():
        assert reply.headers[name] == value
    csp = reply.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    # And the page may call the embedded AWS (Cognito, presigned S3) by either name
    connect = next(d for d in csp.split("; ") if d.startswith("connect-src"))
    assert "http://127.0.0.1:4566" in connect and "http://localhost:4566" in connect


@pytest.mark.parametrize("path", ["/catalog", "/cases/OW-1/timeline", "/verify/X?code=1", "/zh"])
def test_an_apps_route_is_its_page_history_routing(site: Site, path: str) -> None:
    # When a browser opens a route of the app directly (a bookmark, a QR code's link)
    reply = site.get(path)
    # Then the server answers with the app's page, not a 404
    assert reply.status == 200 and reply.body.decode() == INDEX


def test_assets_are_served_with_their_type_and_kept(site: Site) -> None:
    # When the page loads its script, styles and icon
    script = site.get("/assets/index-abc123.js")
    styles = site.get("/assets/index-abc123.css")
    icon = site.get("/favicon.svg")
    # Then each comes with its content type, and hashed assets may be cached for good
    assert script.status == 200 and script.body.decode() == SCRIPT
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert script.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert styles.headers["Content-Type"] == "text/css; charset=utf-8"
    assert icon.headers["Content-Type"] == "image/svg+xml"
    assert script.headers["X-Content-Type-Options"] == "nosniff"


def test_a_missing_file_is_404_and_nothing_outside_dist_is_served(site: Site) -> None:
    # When a file that is not there, or one outside web/dist, is asked for
    missing = site.get("/assets/gone-123.js")
    escaped = [
        site.get(p)
        for p in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt")
    ]
    # Then it is a 404, never the app's page (a script would get HTML) nor another file
    assert missing.status == 404
    for reply in escaped:
        assert reply.status == 404 and b"not the site's" not in reply.body


def test_config_json_tells_the_app_where_the_api_and_cognito_are(site: Site) -> None:
    # When the app reads its settings
    reply = site.get("/config.json")
    # Then it learns the API base on its own origin and the user pool on the embedded AWS
    outputs = site.system.outputs
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/json"
    assert reply.headers["Cache-Control"] == "no-cache"
    assert reply.json() == {
        "apiBase": "/api",
        "region": REGION,
        "userPoolId": outputs["UserPoolId"],
        "userPoolClientId": outputs["UserPoolClientId"],
        "cognitoEndpoint": "http://127.0.0.1:4566",
    }


def test_the_api_answers_under_api_with_the_prefix_stripped(site: Site) -> None:
    # When the app calls the API on its own origin
    catalog = site.get("/api/catalog/items?limit=1")
    document = site.get("/api/openapi.json")
    unauthorized = site.get("/api/applications")
    unknown = site.get("/api/nothing-here")
    # Then the API answers as at its stage's root, with the site's security headers too
    assert catalog.status == 200 and len(catalog.json()["items"]) == 1  # type: ignore[index]
    assert catalog.headers["Content-Type"] == "application/json"
    assert (
        catalog.headers["Strict-Transport-Security"]
        == c.SECURITY_HEADERS["Strict-Transport-Security"]
    )
    assert document.status == 200 and "paths" in document.json()  # type: ignore[operator]
    # And API errors reach the app as the API's, never as the app's page
    assert unauthorized.status == 401 and unauthorized.json() == {"message": "Unauthorized"}
    assert unknown.status == 403
    assert unknown.json() == {"message": "Missing Authentication Token"}


def test_outside_api_the_site_takes_only_get_and_head(site: Site) -> None:
    # When something posts to the site's root paths (the API lives under /api/ only)
    posted = site.get("/applications", method="POST", body=b"{}")
    head = site.get("/", method="HEAD")
    # Then the site refuses it, as CloudFront's GET/HEAD behaviour does; HEAD is answered
    assert posted.status == 403
    assert head.status == 200 and head.body == b""


def test_without_a_build_the_site_says_how_to_build_it(site: Site, tmp_path: Path) -> None:
    # Given no web/dist
    bare = type(site.gateway.site)(tmp_path / "missing", {}, [])  # type: ignore[misc]
    # When the page is asked for
    status, _, body = bare.serve("GET", "/")
    # Then the placeholder names the command
    assert status == 200 and b"make web" in body


# -- sign-up on the embedded Cognito -------------------------------------------------------


def _groups(pool_id: str, username: str) -> list[str]:
    groups = boto3.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=pool_id, Username=username
    )["Groups"]
    return [g["GroupName"] for g in groups]


def test_a_citizen_who_signs_up_and_confirms_joins_the_citizen_group(site: Site) -> None:
    outputs = site.system.outputs
    idp = boto3.client("cognito-idp")
    email = "new.citizen@example.com"
    # Given a citizen who signed up in the app
    signed_up = idp.sign_up(
        ClientId=outputs["UserPoolClientId"],
        Username=email,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    assert signed_up["UserConfirmed"] is False
    assert _groups(outputs["UserPoolId"], email) == []
    # When they confirm with the emailed code (locally, any code)
    idp.confirm_sign_up(ClientId=outputs["UserPoolClientId"], Username=email, ConfirmationCode="1")
    # Then the post-confirmation trigger ran and they are a citizen, with a verified email
    assert _groups(outputs["UserPoolId"], email) == [c.GROUP_CITIZEN]
    user = idp.admin_get_user(UserPoolId=outputs["UserPoolId"], Username=email)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email_verified"] == "true"
    assert any(i.function_name == "onewindow-local-signup" for i in site.system.runtime.invocations)
    # And their ID token carries the group, so the API lets them file
    token = idp.initiate_auth(
        ClientId=outputs["UserPoolClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["IdToken"]
    claims = site.gateway.authorizer.claims(token) or {}
    assert claims.get("cognito:groups") == c.GROUP_CITIZEN


def test_staff_created_by_ops_are_not_made_citizens(site: Site) -> None:
    outputs = site.system.outputs
    idp = boto3.client("cognito-idp")
    email = "officer@staff.example.com"
    # Given an officer onboarded by ops (AdminCreateUser, then their department's group)
    idp.admin_create_user(
        UserPoolId=outputs["UserPoolId"],
        Username=email,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    idp.admin_set_user_password(
        UserPoolId=outputs["UserPoolId"], Username=email, Password=PASSWORD, Permanent=True
    )
    idp.admin_add_user_to_group(
        UserPoolId=outputs["UserPoolId"], Username=email, GroupName="dept-TAX"
    )
    # Then no trigger put them in the citizen group
    assert _groups(outputs["UserPoolId"], email) == ["dept-TAX"]


def test_a_failing_trigger_fails_the_confirmation_as_cognito_does(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = site.system.outputs
    idp = boto3.client("cognito-idp")
    email = "unlucky@example.com"
    idp.sign_up(ClientId=outputs["UserPoolClientId"], Username=email, Password=PASSWORD)
    # Given a trigger that fails (its group is gone)
    from shared.stages import signup

    monkeypatch.setattr(signup, "GROUP_CITIZEN", "no-such-group")
    # When the citizen confirms
    with pytest.raises(ClientError) as failure:
        idp.confirm_sign_up(
            ClientId=outputs["UserPoolClientId"], Username=email, ConfirmationCode="1"
        )
    # Then the confirmation answers UnexpectedLambdaException, as Cognito's does
    assert failure.value.response["Error"]["Code"] == "UnexpectedLambdaException"


# -- the embedded AWS answers the page's cross-origin calls -------------------------------


def test_the_embedded_aws_answers_the_pages_cross_origin_calls() -> None:
    """On moto's server (not mock_aws): CORS is an HTTP matter. moto's server answers
    preflights for any service and S3 applies the bucket's CORS rules."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server._server.server_address[:2]  # type: ignore[union-attr]
        endpoint = f"http://{host}:{port}"
        origin = {"Origin": "http://127.0.0.1:3000"}
        # When the page's Cognito client sends its preflight
        preflight = requests.options(
            endpoint + "/",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-amz-target,x-amz-user-agent",
            },
            timeout=10,
        )
        # Then it may POST with the SDK's headers
        assert preflight.status_code == 200
        assert preflight.headers["Access-Control-Allow-Origin"] == origin["Origin"]
        allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
        assert "x-amz-target" in allowed and "content-type" in allowed
        # And an upload to a bucket with the local CORS rule is readable by the page
        s3 = boto3.client(
            "s3", endpoint_url=endpoint, region_name=REGION, config=Config(signature_version="s3v4")
        )
        s3.create_bucket(Bucket="cors-check")
        s3.put_bucket_cors(
            Bucket="cors-check",
            CORSConfiguration={
                "CORSRules": [
                    {
                        "AllowedMethods": ["GET", "POST"],
                        "AllowedOrigins": ["*"],
                        "AllowedHeaders": ["*"],
                    }
                ]
            },
        )
        grant = s3.generate_presigned_post("cors-check", "uploads/x.pdf")
        posted = requests.post(
            grant["url"],
            data=grant["fields"],
            files={"file": ("x.pdf", b"%PDF")},
            headers=origin,
            timeout=10,
        )
        assert posted.status_code == 204, posted.text
        assert posted.headers["Access-Control-Allow-Origin"] == origin["Origin"]
        # And so is S3's refusal of an upload outside its policy (the app shows why)
        refused = requests.post(
            grant["url"],
            data={**grant["fields"], "key": "uploads/other.pdf"},
            files={"file": ("x.pdf", b"%PDF")},
            headers=origin,
            timeout=10,
        )
        assert refused.status_code == 403
        assert refused.headers["Access-Control-Allow-Origin"] == origin["Origin"]
    finally:
        server.stop()
