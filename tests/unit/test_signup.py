"""Sign-up: who confirms their own account becomes a citizen; nothing else makes one."""

import pytest

from shared.names import GROUP_CITIZEN
from shared.stages.signup import SIGN_UP_CONFIRMED, Confirmation, on_confirmation


class FakeGroups:
    def __init__(self) -> None:
        self.added: list[tuple[str, str, str]] = []

    def add_to_group(self, user_pool_id: str, username: str, group: str) -> None:
        self.added.append((user_pool_id, username, group))


def _event(trigger_source: str = SIGN_UP_CONFIRMED, **overrides: str) -> dict[str, object]:
    """A post-confirmation event as Cognito sends it (trimmed to what the stage reads)."""
    return {
        "version": "1",
        "region": "us-east-1",
        "userPoolId": "us-east-1_Pool",
        "userName": "4f1c-guid",
        "triggerSource": trigger_source,
        "request": {"userAttributes": {"sub": "4f1c-guid", "email": "a@example.com"}},
        "response": {},
        **overrides,
    }


def test_a_confirmed_sign_up_joins_the_citizen_group() -> None:
    # Given a citizen who confirmed their sign-up
    groups = FakeGroups()
    # When the trigger runs
    joined = on_confirmation(Confirmation.from_event(_event()), groups)
    # Then they are added to the citizen group of their pool, by their user name
    assert joined == GROUP_CITIZEN
    assert groups.added == [("us-east-1_Pool", "4f1c-guid", GROUP_CITIZEN)]


@pytest.mark.parametrize(
    "source", ["PostConfirmation_ConfirmForgotPassword", "PostConfirmation_AdminConfirmSignUp", ""]
)
def test_other_confirmations_make_no_one_a_citizen(source: str) -> None:
    # Given a password reset, or any confirmation that is not a citizen's own sign-up
    groups = FakeGroups()
    # When the trigger runs; Then no one is added to any group
    assert on_confirmation(Confirmation.from_event(_event(source)), groups) is None
    assert groups.added == []


def test_an_event_without_its_pool_or_user_fails_loudly() -> None:
    # Given a malformed event (no user name)
    groups = FakeGroups()
    # When the trigger runs; Then it fails (Cognito reports the confirmation failed)
    with pytest.raises(ValueError, match="names its user pool and user"):
        on_confirmation(Confirmation.from_event(_event(userName="")), groups)
    assert groups.added == []
