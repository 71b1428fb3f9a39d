"""帮办代办 and 云帮办: the applicant's confirmation of an agent's filing, the remote-assisted
sessions on a case, and an agent's list of the cases they filed.

The confirmation code is texted to the applicant's phone. The applicant either confirms in
their own account (they review the filing first, with the code; the case then moves to
their account and the agent keeps acting on it) or reads the code out to the agent, who
enters it. Either way the confirmation pins the filing's digest, which submit checks.
"""

from datetime import datetime

from ulid import ULID

from shared.acting import act_on_behalf_of
from shared.domain import confirmation as rules
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shared.identity import Caller
from shared.models.api import ApplicationPage
from shared.models.application import Application
from shared.models.assistance import (
    AssistSession,
    AssistSessionEnd,
    AssistSessionList,
    AssistSessionStart,
    ConfirmationCodeSent,
    ConfirmationRequest,
    ConfirmedBy,
    FilingConfirmation,
)
from shared.models.common import ApplicationStatus, Stage, utc_now
from shared.models.ids import is_application_id
from shared.ports.applications import ApplicationRepository
from shared.ports.catalog import CatalogRepository
from shared.ports.documents import DocumentStore
from shared.ports.messages import TextMessages
from shared.services.applications import (
    acts_as_agent,
    get_own_application,
    pinned_item,
    record_uploads,
)

MAX_SESSIONS = 20  # per case: the sessions live on the case's header


def send_confirmation_code(
    caller: Caller,
    application_id: str,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
    texts: TextMessages,
) -> ConfirmationCodeSent:
    application = _agents_draft(caller, application_id, cases)
    now = utc_now()
    previous = application.confirmation
    if previous is not None and now < previous.requested_at + rules.RESEND_AFTER:
        wait = int((previous.requested_at + rules.RESEND_AFTER - now).total_seconds()) + 1
        raise Conflict(f"a code was sent just now: send another in {wait} s", field="code")
    phone = application.applicant.phone
    if phone is None:  # filed with one; a draft update may not remove it, but say so
        raise ValidationFailed("the applicant's mobile phone is missing", field="applicant.phone")
    code = rules.new_code()
    item = pinned_item(application, catalog)
    # The least personal data: no name; the case number, for the confirm page.
    texts.send_text(
        phone,
        f"【一窗通办】帮办员代您申请「{item.name_zh}」，办件号 {application_id}。"
        f"确认码 {code}，24 小时内有效。请登录本人账号，在“确认代办申请”页核对后确认"
        f"（/confirm/{application_id}），或将确认码告知帮办员。",
    )
    sent_to = rules.masked_phone(phone)
    application.confirmation = FilingConfirmation(
        requested_at=now,
        requested_by=caller.username,
        code_expires_at=now + rules.CODE_VALID_FOR,
        sent_to=sent_to,
    )
    application.record(
        Stage.APPLICATION, "confirmation_requested", caller.username, f"code sent to {sent_to}"
    )
    cases.save_application(
        application, tokens={rules.CODE_TOKEN: rules.code_hash(application_id, code)}
    )
    return ConfirmationCodeSent(
        sent_to=sent_to,
        expires_at=application.confirmation.code_expires_at,
        resend_after=now + rules.RESEND_AFTER,
    )


def preview_filing(
    caller: Caller, application_id: str, code: str, cases: ApplicationRepository
) -> Application:
    """What the agent filed, for the applicant to read before confirming: shown to an
    applicant account holding the code, nothing changed (but a wrong code counts)."""
    application = _awaiting_confirmation(caller, application_id, cases)
    if acts_as_agent(caller, application):
        raise Forbidden("the applicant reviews the filing, with their code", field="code")
    _require_code(application, code, cases)
    return application


def confirm_filing(
    caller: Caller,
    application_id: str,
    request: ConfirmationRequest,
    cases: ApplicationRepository,
    store: DocumentStore,
) -> Application:
    application = _awaiting_confirmation(caller, application_id, cases)
    by_agent = acts_as_agent(caller, application)
    if by_agent and request.decision == "decline":
        raise Forbidden("only the applicant declines a filing", field="decision")
    if request.decision == "decline" and not request.reason.strip():
        raise ValidationFailed("say why the filing is declined", field="reason")
    _require_code(application, request.code, cases)
    confirmation = application.confirmation
    assert confirmation is not None
    now = utc_now()
    if request.decision == "decline":
        confirmation.declined_at = now
        confirmation.decline_reason = request.reason.strip()
        application.record(
            Stage.APPLICATION, "filing_declined", caller.username, confirmation.decline_reason
        )
        cases.save_application(application, tokens={rules.CODE_TOKEN: None})
        return application
    record_uploads(application, store)  # the materials as S3 holds them now: the digest's
    confirmation.confirmed_at = now
    confirmation.digest = rules.filing_digest(application)
    if by_agent:
        confirmation.confirmed_by = ConfirmedBy.CODE_ENTERED_BY_AGENT
        detail = "the agent entered the code the applicant received"
    else:
        confirmation.confirmed_by = ConfirmedBy.APPLICANT_ACCOUNT
        application.owner_id = caller.sub  # the case moves to the applicant's account
        detail = "confirmed in the applicant's own account"
    application.record(Stage.APPLICATION, "filing_confirmed", caller.username, detail)
    cases.save_application(application, tokens={rules.CODE_TOKEN: None})
    return application


def start_session(
    caller: Caller,
    application_id: str,
    request: AssistSessionStart,
    cases: ApplicationRepository,
) -> AssistSession:
    application = _agents_case(caller, application_id, cases)
    if any(s.ended_at is None for s in application.assist_sessions):
        raise Conflict("a session is still open on this case: end it first", field="sessionId")
    if len(application.assist_sessions) >= MAX_SESSIONS:
        raise Conflict(f"a case records at most {MAX_SESSIONS} sessions", field="sessionId")
    session = AssistSession(
        session_id=str(ULID()),
        channel=request.channel,
        agent=caller.username,
        started_at=utc_now(),
    )
    application.assist_sessions.append(session)
    application.record(
        Stage.APPLICATION, "assist_session_started", caller.username, request.channel.value
    )
    cases.save_application(application)
    return session


def end_session(
    caller: Caller,
    application_id: str,
    session_id: str,
    request: AssistSessionEnd,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
) -> AssistSession:
    application = _agents_case(caller, application_id, cases)
    session = next((s for s in application.assist_sessions if s.session_id == session_id), None)
    if session is None:
        raise NotFound(f"session {session_id} not found", field="sessionId")
    if session.ended_at is not None:
        raise Conflict(f"the session ended at {session.ended_at.isoformat()}", field="sessionId")
    known = {m.code for m in pinned_item(application, catalog).materials}
    unknown = [
        (f"materialsTaken.{i}", f"{code} is not a material of this item")
        for i, code in enumerate(request.materials_taken)
        if code not in known
    ]
    if unknown:
        raise ValidationFailed(
            "materialsTaken names materials the item does not ask for", fields=unknown
        )
    session.ended_at = utc_now()
    session.notes = request.notes.strip()
    session.materials_taken = list(dict.fromkeys(request.materials_taken))
    taken = ", ".join(session.materials_taken) or "no materials"
    application.record(
        Stage.APPLICATION,
        "assist_session_ended",
        caller.username,
        f"{session.channel.value}, {_minutes(session.started_at, session.ended_at)} min; {taken}",
    )
    cases.save_application(application)
    return session


def list_sessions(
    caller: Caller, application_id: str, cases: ApplicationRepository
) -> AssistSessionList:
    return AssistSessionList(
        items=get_own_application(caller, application_id, cases).assist_sessions
    )


def agent_filings(
    caller: Caller, limit: int, cursor: str | None, cases: ApplicationRepository
) -> ApplicationPage:
    """The cases this agent filed, wherever they are now: one query, one batch read."""
    if not caller.is_agent:
        raise Forbidden("only service agents have filings of their own", field="caller")
    page = cases.list_agent_filings(caller.sub, limit, cursor)
    summaries = cases.case_summaries(page.items)
    return ApplicationPage(
        items=[summaries[i] for i in page.items if i in summaries], next_cursor=page.next_cursor
    )


# -- helpers ------------------------------------------------------------------------------


def _agents_case(caller: Caller, application_id: str, cases: ApplicationRepository) -> Application:
    application = get_own_application(caller, application_id, cases)
    if not acts_as_agent(caller, application):
        raise Forbidden(
            "only the service agent who filed the case does this", field="applicationId"
        )
    return application


def _agents_draft(caller: Caller, application_id: str, cases: ApplicationRepository) -> Application:
    application = _agents_case(caller, application_id, cases)
    if not rules.needs_confirmation(application):
        raise Conflict(
            f"a case filed on the {application.channel.value} channel needs no confirmation",
            field="channel",
        )
    if application.status is not ApplicationStatus.DRAFT:
        raise Conflict(f"the filing was submitted already ({application.status})", field="status")
    return application


def _awaiting_confirmation(
    caller: Caller, application_id: str, cases: ApplicationRepository
) -> Application:
    """A draft an agent filed whose code is out, for its agent or an applicant account;
    otherwise reported as absent (an id alone reveals nothing)."""
    application = (
        cases.get_application(application_id) if is_application_id(application_id) else None
    )
    pending = (
        application is not None
        and (caller.is_applicant or acts_as_agent(caller, application))
        and rules.needs_confirmation(application)
        and application.status is ApplicationStatus.DRAFT
        and application.confirmation is not None
        and application.confirmation.confirmed_at is None
        and application.confirmation.declined_at is None
    )
    if not pending:
        raise NotFound(
            f"no filing awaiting confirmation under {application_id}", field="applicationId"
        )
    assert application is not None
    if acts_as_agent(caller, application):
        act_on_behalf_of(f"applicant {application.applicant_key}")
    return application


def _require_code(application: Application, code: str, cases: ApplicationRepository) -> None:
    """The code texted for this confirmation, within its time and attempts; a wrong one is
    counted (the header's version keeps two wrong guesses from counting once)."""
    confirmation = application.confirmation
    if confirmation is None or confirmation.confirmed_at is not None:
        raise Conflict("no confirmation code is out for this filing", field="code")
    if confirmation.declined_at is not None:
        raise Conflict("the applicant declined this filing: send a new code", field="code")
    if rules.code_expired(confirmation.code_expires_at, utc_now()):
        raise Conflict("the code has expired: the agent sends a new one", field="code")
    if confirmation.failed_attempts >= rules.MAX_FAILED_ATTEMPTS:
        raise Conflict("too many wrong codes: the agent sends a new one", field="code")
    stored = cases.get_token(application.application_id, rules.CODE_TOKEN)
    if rules.code_matches(application.application_id, code, stored):
        return
    confirmation.failed_attempts += 1
    left = rules.MAX_FAILED_ATTEMPTS - confirmation.failed_attempts
    cases.save_application(application)
    raise ValidationFailed(f"the code is wrong ({left} attempt(s) left)", field="code")


def _minutes(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds() / 60))
