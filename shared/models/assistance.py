"""帮办代办 and 云帮办: a service agent filing for an applicant, the applicant's confirmation of
that filing, and the remote-assisted sessions recorded on a case.

A case an agent files (channel `agent` or `remote_assisted`) is held by the agent until the
applicant confirms it: from their own account (the case then moves to it, the agent keeps
acting on it) or by reading out the one-time code the system texted them, which the agent
enters. The confirmation pins a digest of what was confirmed; a filing changed afterwards
needs confirming again before it is submitted.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from shared.models.common import ApiModel
from shared.models.ids import MaterialCode

# The confirmation code: six digits, texted to the applicant's phone.
ConfirmationCode = Annotated[str, Field(pattern=r"^\d{6}$")]
Notes = Annotated[str, Field(max_length=2000)]


class ConfirmedBy(StrEnum):
    APPLICANT_ACCOUNT = "applicant_account"  # the applicant confirmed in their own account
    CODE_ENTERED_BY_AGENT = "code_entered_by_agent"  # the agent entered the texted code


class FilingConfirmation(ApiModel):
    """Where the applicant's confirmation of an agent's filing stands. The code itself is
    kept only as a hash, beside the header (never in this record or a response)."""

    requested_at: datetime
    requested_by: str
    code_expires_at: datetime
    sent_to: str  # the phone, masked: 138****5678
    failed_attempts: int = 0
    confirmed_at: datetime | None = None
    confirmed_by: ConfirmedBy | None = None
    # SHA-256 of what was confirmed (applicant, form, delivery, materials): a filing that
    # no longer matches it is not the one the applicant confirmed.
    digest: str | None = None
    declined_at: datetime | None = None
    decline_reason: str | None = None


class AssistChannel(StrEnum):
    VIDEO = "video"
    PHONE = "phone"
    SCREEN_SHARE = "screen_share"


class AssistSession(ApiModel):
    """A remote-assisted session (云帮办) on a case: the agent with the applicant on video,
    the phone or a shared screen."""

    session_id: Annotated[str, Field(min_length=26, max_length=26)]
    channel: AssistChannel
    agent: str
    started_at: datetime
    ended_at: datetime | None = None
    notes: str = ""
    # The materials the agent took in during the session (uploaded on the applicant's
    # behalf), by the item's material codes.
    materials_taken: list[MaterialCode] = Field(default_factory=list)


# -- requests and answers ----------------------------------------------------------------


class ConfirmationCodeSent(ApiModel):
    sent_to: str
    expires_at: datetime
    resend_after: datetime


class ConfirmationRequest(ApiModel):
    code: ConfirmationCode
    decision: Literal["confirm", "decline"] = "confirm"
    # Why the applicant declines (required then): the agent corrects the filing.
    reason: Annotated[str, Field(max_length=500)] = ""


class ConfirmationPreviewRequest(ApiModel):
    code: ConfirmationCode


class AssistSessionStart(ApiModel):
    channel: AssistChannel


class AssistSessionEnd(ApiModel):
    notes: Notes = ""
    materials_taken: Annotated[list[MaterialCode], Field(max_length=50)] = Field(
        default_factory=list
    )


class AssistSessionList(ApiModel):
    items: list[AssistSession]
