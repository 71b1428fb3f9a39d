"""Demo users and ID tokens for the running local system (or a deployed stack).

Ops onboard staff the way they would in AWS: Cognito AdminCreateUser, then
AdminAddUserToGroup. This command does that for a demo set and prints ID tokens:

    python -m infra.local.users demo          # citizen, an officer per department, followup, ops
    python -m infra.local.users token EMAIL   # an ID token for that user (demo password)
"""

import argparse
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import boto3
from botocore.exceptions import ClientError, EndpointConnectionError

from infra.constants import (
    GROUP_AGENT,
    GROUP_CITIZEN,
    GROUP_FOLLOWUP,
    GROUP_OPS,
    GROUP_SUPERVISOR,
    GROUP_WINDOW,
    STACK_NAME,
)
from shared.catalog import load_catalog
from shared.names import department_group, department_lead_group

DEMO_PASSWORD = os.environ.get("ONEWINDOW_DEMO_PASSWORD", "OneWindow-Demo-2026")
# `make run` writes the first; `make deploy` writes .local/outputs.deployed.json.
OUTPUTS = Path(
    os.environ.get("ONEWINDOW_OUTPUTS")
    or Path(os.environ.get("ONEWINDOW_STATE_DIR", ".local")) / "outputs.json"
)


@dataclass(frozen=True)
class DemoUser:
    email: str
    group: str
    also: tuple[str, ...] = ()  # further groups (a department's lead is its staff too)


def load_outputs(path: Path = OUTPUTS) -> dict[str, str]:
    if not path.exists():
        raise SystemExit(f"{path} not found: start the system first with `make run`")
    outputs: dict[str, str] = json.loads(path.read_text())[STACK_NAME]
    if outputs.get("AwsEndpointUrl"):
        endpoint = outputs["AwsEndpointUrl"]
        if not answers(endpoint):  # the file outlived the system that wrote it
            raise SystemExit(
                f"OneWindow is not running: nothing answers at {endpoint}, which {path} names "
                "(left by an earlier `make run`). Start it with `make run`."
            )
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_DEFAULT_REGION", outputs.get("Region", "us-east-1"))
    return outputs


def answers(endpoint: str, timeout: float = 1.0) -> bool:
    """Whether something listens at the endpoint's host and port."""
    parts = urlsplit(endpoint)
    try:
        with socket.create_connection((parts.hostname or "localhost", parts.port or 80), timeout):
            return True
    except OSError:
        return False


def demo_users() -> list[DemoUser]:
    users = [
        DemoUser("citizen@example.com", GROUP_CITIZEN),
        DemoUser("steward@example.com", GROUP_AGENT),
        DemoUser("followup@example.com", GROUP_FOLLOWUP),
        DemoUser("ops@example.com", GROUP_OPS),
        DemoUser("supervisor@example.com", GROUP_SUPERVISOR),
        DemoUser("window@example.com", GROUP_WINDOW),
    ]
    for d in load_catalog().departments:
        users.append(DemoUser(staff_email(d.code), department_group(d.code)))
        users.append(
            DemoUser(lead_email(d.code), department_group(d.code), (department_lead_group(d.code),))
        )
    return users


def staff_email(department: str) -> str:
    return f"{department.lower()}@staff.example.com"


def lead_email(department: str) -> str:
    return f"lead.{department.lower()}@staff.example.com"


def ensure_user(pool_id: str, user: DemoUser, password: str = DEMO_PASSWORD) -> None:
    idp = boto3.client("cognito-idp")
    try:
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=user.email,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": user.email},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "UsernameExistsException":
            raise
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=user.email, Password=password, Permanent=True
    )
    for group in (user.group, *user.also):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=user.email, GroupName=group)


def id_token(client_id: str, email: str, password: str = DEMO_PASSWORD) -> str:
    result = boto3.client("cognito-idp").initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["IdToken"])


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m infra.local.users",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="create the demo users")
    token = sub.add_parser("token", help="print an ID token")
    token.add_argument("email")
    token.add_argument("--password", default=DEMO_PASSWORD)
    args = parser.parse_args()
    outputs = load_outputs()
    try:
        _run(args, outputs)
    except ClientError as exc:
        raise SystemExit(_said(exc, getattr(args, "email", ""))) from None
    except EndpointConnectionError as exc:
        raise SystemExit(f"OneWindow stopped answering ({exc}): start it with `make run`") from None


def _said(exc: ClientError, email: str) -> str:
    """A Cognito refusal as a sentence."""
    code = exc.response["Error"]["Code"]
    if code == "NotAuthorizedException":
        return f"wrong password for {email} (the demo users' is {DEMO_PASSWORD!r})"
    if code == "UserNotFoundException":
        return f"no user {email}: `make users` creates the demo users"
    if code == "ResourceNotFoundException":
        return "the user pool in .local/outputs.json is gone: restart with `make run`"
    return f"Cognito refused: {exc.response['Error'].get('Message', code)}"


def _run(args: argparse.Namespace, outputs: dict[str, str]) -> None:
    if args.command == "demo":
        for user in demo_users():
            ensure_user(outputs["UserPoolId"], user)
            print(f"{user.email:32} {user.group}")
        print(
            f"password for all: {DEMO_PASSWORD}\n"
            f"an ID token: python -m infra.local.users token citizen@example.com"
        )
    else:
        print(id_token(outputs["UserPoolClientId"], args.email, args.password))


if __name__ == "__main__":
    main()
