"""帮办代办 and 云帮办 routes: a service agent's filings, the applicant's confirmation of a
filing (by the texted code, in their own account or read out to the agent), and the
remote-assisted sessions on a case."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.contract import (
    CONFLICT,
    DESCRIPTIONS,
    FORBIDDEN,
    NOT_FOUND,
    UNAVAILABLE,
    responses,
)
from functions.api.dependencies import current_caller, documents, repository, text_messages
from shared import names
from shared.models.api import ApplicationPage, ApplicationView, application_view
from shared.models.application import Application
from shared.models.assistance import (
    AssistSession,
    AssistSessionEnd,
    AssistSessionList,
    AssistSessionStart,
    ConfirmationCodeSent,
    ConfirmationPreviewRequest,
    ConfirmationRequest,
)
from shared.services import applications as cases
from shared.services import assistance

router = APIGatewayRouter()
AppId = Annotated[str, Path(alias="applicationId", max_length=40)]
SessionId = Annotated[str, Path(alias="sessionId", max_length=40)]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=2000)]
_BUSY = DESCRIPTIONS[UNAVAILABLE]
_NOT_THE_AGENT = "The caller is not the service agent who filed the case"
_NOT_AWAITING = "No draft an agent filed awaits confirmation under this id"


def _view(application: Application) -> ApplicationView:
    recent = cases.recent_timeline(application.application_id, repository())
    return application_view(application, recent.items, recent.next_cursor)


@router.get(
    names.resolver_path(names.AGENT_APPLICATIONS),
    summary="The cases this service agent filed (帮办代办), newest first",
    description=(
        "Including those confirmed into the applicant's own account, which the agent "
        "still acts on. Service agents only."
    ),
    tags=["assistance"],
    responses=responses(
        errors={FORBIDDEN: "The caller is not a service agent", UNAVAILABLE: _BUSY}
    ),
)
def agent_filings(limit: Limit = 20, cursor: Cursor = None) -> ApplicationPage:
    caller = current_caller(router)  # type: ignore[arg-type]
    return assistance.agent_filings(caller, limit, cursor, repository())


@router.post(
    names.resolver_path(names.APPLICATION_CONFIRMATION_CODE),
    summary="Text the applicant a code to confirm the agent's filing",
    description=(
        "The agent who filed a draft on the agent or remote-assisted channel: a six-digit "
        "code goes to the applicant's mobile phone, valid 24 hours and for 5 wrong tries, "
        "at most one a minute. A new code replaces the last one and any confirmation: "
        "what is submitted is what the applicant confirmed last."
    ),
    tags=["assistance"],
    responses=responses(
        errors={
            FORBIDDEN: _NOT_THE_AGENT,
            NOT_FOUND: "No such application of the caller's",
            CONFLICT: "Not an agent's draft, or a code was sent less than a minute ago",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def send_confirmation_code(application_id: AppId) -> ConfirmationCodeSent:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return assistance.send_confirmation_code(caller, application_id, repo, repo, text_messages())


@router.post(
    names.resolver_path(names.APPLICATION_CONFIRMATION_PREVIEW),
    summary="The filing as the agent made it, for the applicant to review with their code",
    description=(
        "An applicant account holding the texted code reads the draft before confirming it. "
        "Nothing changes, but a wrong code counts as a try."
    ),
    tags=["assistance"],
    responses=responses(
        errors={
            FORBIDDEN: "The agent does not preview: the applicant does",
            NOT_FOUND: _NOT_AWAITING,
            CONFLICT: "The code expired or was tried too often",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def preview_filing(
    application_id: AppId, request: Annotated[ConfirmationPreviewRequest, Body()]
) -> ApplicationView:
    caller = current_caller(router)  # type: ignore[arg-type]
    return _view(assistance.preview_filing(caller, application_id, request.code, repository()))


@router.post(
    names.resolver_path(names.APPLICATION_CONFIRMATION),
    summary="Confirm (or decline) the agent's filing with the texted code",
    description=(
        "In the applicant's own account: confirming moves the case to that account (the "
        "agent still acts on it), declining says why and leaves it with the agent to put "
        "right. The agent may enter the code the applicant reads out to them instead "
        "(confirm only). The confirmation pins what was filed: submit refuses a filing "
        "changed since (409 `confirmation`)."
    ),
    tags=["assistance"],
    responses=responses(
        errors={
            FORBIDDEN: "The agent may confirm with the code, not decline",
            NOT_FOUND: _NOT_AWAITING,
            CONFLICT: "The code expired or was tried too often",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def confirm_filing(
    application_id: AppId, request: Annotated[ConfirmationRequest, Body()]
) -> ApplicationView:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return _view(assistance.confirm_filing(caller, application_id, request, repo, documents()))


@router.get(
    names.resolver_path(names.APPLICATION_ASSIST_SESSIONS),
    summary="The remote-assisted sessions recorded on a case (云帮办)",
    tags=["assistance"],
    responses=responses(
        errors={NOT_FOUND: "No such application of the caller's", UNAVAILABLE: _BUSY}
    ),
)
def list_sessions(application_id: AppId) -> AssistSessionList:
    caller = current_caller(router)  # type: ignore[arg-type]
    return assistance.list_sessions(caller, application_id, repository())


@router.post(
    names.resolver_path(names.APPLICATION_ASSIST_SESSIONS),
    summary="Start a remote-assisted session on the case (video, phone or screen share)",
    description="The agent who filed the case; one session open at a time, 20 per case.",
    tags=["assistance"],
    responses=responses(
        201,
        errors={
            FORBIDDEN: _NOT_THE_AGENT,
            NOT_FOUND: "No such application of the caller's",
            CONFLICT: "A session is still open on the case",
            UNAVAILABLE: _BUSY,
        },
        description="Started",
    ),
)
def start_session(
    application_id: AppId, request: Annotated[AssistSessionStart, Body()]
) -> Response[AssistSession]:
    caller = current_caller(router)  # type: ignore[arg-type]
    session = assistance.start_session(caller, application_id, request, repository())
    return Response(status_code=201, content_type="application/json", body=session)


@router.post(
    names.resolver_path(names.APPLICATION_ASSIST_SESSION_END),
    summary="End a remote-assisted session with its notes and the materials taken in",
    tags=["assistance"],
    responses=responses(
        errors={
            FORBIDDEN: _NOT_THE_AGENT,
            NOT_FOUND: "No such application of the caller's, or no such session",
            CONFLICT: "The session has ended already",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def end_session(
    application_id: AppId, session_id: SessionId, request: Annotated[AssistSessionEnd, Body()]
) -> AssistSession:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return assistance.end_session(caller, application_id, session_id, request, repo, repo)
