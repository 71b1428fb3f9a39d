"""Reading the audit trail: a case's by its parties, an actor's by the centre, and the
CSV that ops export. Every page says whether its records' hashes and links hold."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from shared.domain.audit import GENESIS, check_chain
from shared.errors import Forbidden, NotFound, ValidationFailed
from shared.identity import Caller
from shared.models.application import Application
from shared.models.audit import AuditPage, AuditRecord
from shared.names import GROUP_OPS
from shared.ports.applications import ApplicationRepository
from shared.ports.audit import AuditTrail
from shared.ports.page import Page
from shared.ports.projects import ProjectRepository

CSV_COLUMNS = [
    "subject",
    "seq",
    "at",
    "actor",
    "onBehalfOf",
    "via",
    "requestId",
    "record",
    "change",
    "action",
    "changes",
    "previousHash",
    "hash",
]


def case_subject(application_id: str) -> str:
    return f"APP#{application_id}"


def is_party(caller: Caller, application: Application) -> bool:
    """The applicant, the service agent who filed it for them, the staff of a department
    that reviews it, a window clerk once the case waited at the window, the centre's
    supervisors and ops."""
    if caller.sub == application.owner_id or caller.is_supervisor or GROUP_OPS in caller.groups:
        return True
    if caller.is_agent and caller.sub == application.agent_sub:
        return True
    if any(caller.in_department(d) for d in application.reviews):
        return True
    went_to_window = application.at_window_since is not None or application.clerk_decision
    return caller.is_window_clerk and bool(went_to_window)


def _checked(page: Page[AuditRecord], trail: AuditTrail) -> AuditPage:
    """A page of one subject's trail with its check: from GENESIS at seq 1, else from the
    record before the page's first (one more read)."""
    previous: str | None = GENESIS
    if page.items and page.items[0].seq > 1:
        before = trail.get_record(page.items[0].subject, page.items[0].seq - 1)
        previous = before.hash if before else "missing"
    chain = check_chain(page.items, previous)
    return AuditPage(items=page.items, next_cursor=page.next_cursor, chain=chain)


def stewards(caller: Caller, application_id: str, projects: ProjectRepository | None) -> bool:
    """The caller is the steward of the key project the case is in (two small reads, for
    service agents only)."""
    if projects is None or not caller.is_agent:
        return False
    project_id = projects.project_of_case(application_id)
    project = projects.get_project(project_id) if project_id else None
    return project is not None and project.steward == caller.username


def case_trail(
    caller: Caller,
    application_id: str,
    limit: int,
    cursor: str | None,
    cases: ApplicationRepository,
    trail: AuditTrail,
    projects: ProjectRepository | None = None,
) -> AuditPage:
    application = cases.get_application(application_id)
    allowed = application is not None and (
        is_party(caller, application) or stewards(caller, application_id, projects)
    )
    if application is None or not allowed:
        raise NotFound(f"application {application_id} not found", field="applicationId")
    return _checked(trail.list_subject(case_subject(application_id), limit, cursor), trail)


def _require_centre(caller: Caller) -> None:
    if not (caller.is_supervisor or GROUP_OPS in caller.groups):
        raise Forbidden(
            "only the centre's supervisors and ops read an actor's trail", field="actor"
        )


def _period(since: datetime | None, until: datetime | None) -> None:
    if since and until and since >= until:
        raise ValidationFailed("since must be before until", field="since")


def actor_trail(
    caller: Caller,
    actor: str,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    cursor: str | None,
    trail: AuditTrail,
) -> AuditPage:
    """What one person did (or the system), newest first, each record's hash checked (the
    links belong to each case's own trail)."""
    _require_centre(caller)
    _period(since, until)
    page = trail.list_actor(actor, limit, cursor, since, until)
    chain = check_chain(page.items, None, linked=False)
    return AuditPage(items=page.items, next_cursor=page.next_cursor, chain=chain)


def export_page(
    caller: Caller,
    application_id: str | None,
    actor: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    cursor: str | None,
    trail: AuditTrail,
) -> tuple[str, str | None]:
    """One page of a case's or an actor's trail as CSV (ops only), and the next cursor."""
    if GROUP_OPS not in caller.groups:
        raise Forbidden("only ops export the audit trail", field="applicationId")
    if (application_id is None) == (actor is None):
        raise ValidationFailed("give exactly one of applicationId and actor", field="applicationId")
    _period(since, until)
    if application_id is not None:
        page = trail.list_subject(case_subject(application_id), limit, cursor)
    else:
        page = trail.list_actor(str(actor), limit, cursor, since, until)
    return as_csv(page.items), page.next_cursor


def _cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula is quoted."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(records: list[AuditRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        changes = json.dumps(
            [c.model_dump(mode="json") for c in r.changes], ensure_ascii=False, sort_keys=True
        )
        writer.writerow(
            _cell(v)
            for v in [
                r.subject,
                r.seq,
                r.at.isoformat(),
                r.actor,
                r.on_behalf_of or "",
                r.via,
                r.request_id,
                r.record,
                r.change,
                r.action,
                changes,
                r.previous_hash,
                r.hash,
            ]
        )
    return out.getvalue()
