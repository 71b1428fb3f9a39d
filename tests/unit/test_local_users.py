"""The local scripts' users helper says in a sentence what is wrong (issue 14): a stale
outputs file from a stopped system, a wrong password, an unknown user."""

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from infra.constants import STACK_NAME
from infra.local import users


def test_outputs_of_a_stopped_system_say_it_is_not_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given outputs naming an endpoint where nothing answers (unit tests open no socket)
    endpoint = "http://127.0.0.1:4566"
    monkeypatch.setattr(users, "answers", lambda url: False)
    stale = tmp_path / "outputs.json"
    stale.write_text(json.dumps({STACK_NAME: {"AwsEndpointUrl": endpoint, "UserPoolId": "p"}}))
    with pytest.raises(SystemExit) as stopped:
        users.load_outputs(stale)
    assert "not running" in str(stopped.value) and endpoint in str(stopped.value)
    assert "make run" in str(stopped.value)


def test_no_outputs_say_to_start_the_system(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="make run"):
        users.load_outputs(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("NotAuthorizedException", "wrong password for a@example.com"),
        ("UserNotFoundException", "no user a@example.com: `make users`"),
        ("ResourceNotFoundException", "restart with `make run`"),
        ("TooManyRequestsException", "Cognito refused: slow down"),
    ],
)
def test_a_cognito_refusal_is_a_sentence(code: str, said: str) -> None:
    error = ClientError({"Error": {"Code": code, "Message": "slow down"}}, "InitiateAuth")
    assert said in users._said(error, "a@example.com")
