"""Cognito on moto as AWS answers it: a confirmed sign-up runs the pool's post-confirmation
trigger.

moto 5.2.5 stores a pool's LambdaConfig but calls none of its triggers, so a citizen who
signs up locally would never join the `citizen` group (functions/signup does that when
deployed). After moto confirms a sign-up, this calls the pool's PostConfirmation function
through the local Lambda backend with the event Cognito sends (trigger source
`PostConfirmation_ConfirmSignUp`, the user's attributes), as the user's own request, so
the confirmation fails as Cognito's does (UnexpectedLambdaException) if the trigger fails.

Locally no email is sent: moto confirms with any code (the local runtime's README note).
Admin-created users (staff) are never confirmed this way and never reach the trigger.
Pinned with moto (pyproject.toml).
"""

import json
from collections.abc import Callable
from typing import Any

import boto3
from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUser, CognitoIdpUserPool
from moto.core.exceptions import JsonRESTError

SIGN_UP_CONFIRMED = "PostConfirmation_ConfirmSignUp"
_original: Callable[..., str] | None = None


class UnexpectedLambdaException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("UnexpectedLambdaException", message)


def post_confirmation_event(
    pool: CognitoIdpUserPool, user: CognitoIdpUser, client_id: str, region: str
) -> dict[str, Any]:
    """The event Cognito sends a post-confirmation trigger after ConfirmSignUp."""
    attributes = {a["Name"]: a["Value"] for a in user.attributes}
    attributes.update({"sub": user.id, "cognito:user_status": "CONFIRMED"})
    return {
        "version": "1",
        "region": region,
        "userPoolId": pool.id,
        "userName": user.username,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
        "triggerSource": SIGN_UP_CONFIRMED,
        "request": {"userAttributes": attributes},
        "response": {},
    }


def _confirm_sign_up(backend: CognitoIdpBackend, client_id: str, username: str) -> str:
    assert _original is not None
    answer = _original(backend, client_id, username)
    pool = next(p for p in backend.user_pools.values() if client_id in p.clients)
    user = backend.admin_get_user(pool.id, username)
    # Cognito marks the address verified when its code confirms the account.
    if "email" in (pool.extended_config.get("AutoVerifiedAttributes") or []):
        verified = [a for a in user.attributes if a["Name"] != "email_verified"]
        user.attributes = [*verified, {"Name": "email_verified", "Value": "true"}]
        user.attribute_lookup["email_verified"] = "true"
    trigger = (pool.extended_config.get("LambdaConfig") or {}).get("PostConfirmation")
    if trigger:
        run_trigger(trigger, post_confirmation_event(pool, user, client_id, backend.region_name))
    return answer


def run_trigger(function_arn: str, event: dict[str, Any]) -> None:
    """Invokes the trigger as Cognito does (synchronously); its failure fails the call."""
    region = function_arn.split(":")[3]
    response = boto3.client("lambda", region_name=region).invoke(
        FunctionName=function_arn, Payload=json.dumps(event).encode()
    )
    payload = response["Payload"].read()
    if response.get("FunctionError"):
        raise UnexpectedLambdaException(
            f"PostConfirmation failed with error {payload.decode(errors='replace')[:500]}."
        )


def install() -> None:
    global _original
    if _original is not None:
        return
    _original = CognitoIdpBackend.confirm_sign_up
    CognitoIdpBackend.confirm_sign_up = _confirm_sign_up  # type: ignore[method-assign,assignment]
