"""Sign-up: a citizen who confirms their own account joins the `citizen` group.

Cognito calls the pool's post-confirmation trigger after ConfirmSignUp (the citizen's own
sign-up, trigger source `PostConfirmation_ConfirmSignUp`) and after a confirmed password
reset (`PostConfirmation_ConfirmForgotPassword`). Only the first makes a citizen: staff are
created by ops with AdminCreateUser and put in their groups by ops, and a password reset
changes no one's role. The trigger must hand the event back unchanged, or Cognito fails the
confirmation.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from shared.names import GROUP_CITIZEN

SIGN_UP_CONFIRMED = "PostConfirmation_ConfirmSignUp"


class GroupMembership(Protocol):
    """Who belongs to which group of the user pool (the Cognito adapter, or a fake)."""

    def add_to_group(self, user_pool_id: str, username: str, group: str) -> None: ...


@dataclass(frozen=True)
class Confirmation:
    """What the trigger event says: which pool, which user, why."""

    user_pool_id: str
    username: str
    trigger_source: str

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> "Confirmation":
        return cls(
            user_pool_id=str(event.get("userPoolId") or ""),
            username=str(event.get("userName") or ""),
            trigger_source=str(event.get("triggerSource") or ""),
        )


def on_confirmation(confirmation: Confirmation, groups: GroupMembership) -> str | None:
    """Adds a citizen who confirmed their sign-up to the citizen group; the group joined,
    or None when the confirmation makes no one a citizen."""
    if confirmation.trigger_source != SIGN_UP_CONFIRMED:
        return None
    if not confirmation.user_pool_id or not confirmation.username:
        raise ValueError("a post-confirmation event names its user pool and user")
    # AdminAddUserToGroup is idempotent: a retried trigger adds nothing twice.
    groups.add_to_group(confirmation.user_pool_id, confirmation.username, GROUP_CITIZEN)
    return GROUP_CITIZEN
