"""The window (前台受理): a complete case whose item needs a person waits in one queue that
any window clerk works (无差别一窗受理). The clerk reads the case and its materials, checks
the originals the applicant shows, and accepts it, returns it for supplement with the
one-time notice, or does not accept it with written reasons. The decision is kept on the
case and answers the workflow's token; acceptance then carries it out, as it carries out
the law's deemed acceptance when no clerk decided within 5 working days (§32).
"""

import contextlib
from datetime import datetime

from shared.domain import acceptance as rules
from shared.domain.workdays import add_working_days
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shared.identity import Caller
from shared.models.api import MaterialView, WindowDecisionRequest, WindowTaskView
from shared.models.application import Application, ApplicationSummary, ClerkDecision
from shared.models.common import ApplicationStatus, utc_now
from shared.ports.applications import ApplicationRepository
from shared.ports.catalog import CatalogRepository
from shared.ports.documents import DocumentStore
from shared.ports.page import Page
from shared.ports.workflow import Workflow
from shared.services.tasks import material_views
from shared.stages.acceptance import WINDOW_WAIT_DAYS
from shared.stages.common import mutate
from shared.stages.supplement import WINDOW_TOKEN


def queue(
    caller: Caller, limit: int, cursor: str | None, cases: ApplicationRepository
) -> Page[ApplicationSummary]:
    _require_clerk(caller)
    return cases.list_window_queue(limit, cursor)


def window_task_view(summary: ApplicationSummary | Application) -> WindowTaskView:
    since = summary.at_window_since or summary.updated_at
    return WindowTaskView(
        task_id=summary.application_id,
        application_id=summary.application_id,
        item_id=summary.item_id,
        channel=summary.channel,
        waiting_since=since,
        deemed_accepted_at=deemed_accepted_at(since),
    )


def deemed_accepted_at(since: datetime) -> datetime:
    return add_working_days(since, WINDOW_WAIT_DAYS)


def window_case(
    caller: Caller, task_id: str, cases: ApplicationRepository, catalog: CatalogRepository
) -> tuple[Application, str]:
    """The case in the queue, and why its item needs a person."""
    _require_clerk(caller)
    case = cases.get_application(task_id)
    if case is None or (case.at_window_since is None and case.clerk_decision is None):
        raise NotFound(f"no case {task_id} waits at the window", field="taskId")
    item = catalog.get_catalog_item(case.item_id, case.item_version)
    reason = (rules.case_needs_a_person(case, item) if item else None) or "a clerk's judgement"
    return case, reason


def window_materials(
    caller: Caller,
    task_id: str,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
    store: DocumentStore,
    ttl: int,
) -> list[MaterialView]:
    case, _ = window_case(caller, task_id, cases, catalog)
    return material_views(case, store, ttl)


def decide(
    caller: Caller,
    task_id: str,
    request: WindowDecisionRequest,
    cases: ApplicationRepository,
    workflow: Workflow,
) -> ClerkDecision:
    """Keeps the decision on the case (the first clerk's wins), then answers the token. A
    clerk's retry of the same decision answers it again; another decision is a 409."""
    _require_clerk(caller)
    case = cases.get_application(task_id)
    if case is None:
        raise NotFound(f"no case {task_id} waits at the window", field="taskId")
    if case.status is not ApplicationStatus.SUBMITTED:
        return _already_decided(caller, case, request)
    unknown = sorted(set(request.checked_originals) - set(case.materials))
    if unknown:
        raise ValidationFailed(
            f"the case has no material {', '.join(unknown)}", field="checkedOriginals"
        )
    decision = ClerkDecision(
        outcome=request.outcome,
        missing=request.missing,
        reasons=[r.strip() for r in request.reasons if r.strip()],
        checked_originals=request.checked_originals,
        decided_by=caller.username,
        decided_at=utc_now(),
    )

    def keep(current: Application) -> ClerkDecision:
        earlier = current.clerk_decision
        if earlier is not None:
            same = (earlier.decided_by, earlier.outcome) == (caller.username, request.outcome)
            if not same:
                raise Conflict(
                    f"{earlier.decided_by} already decided this case: {earlier.outcome}",
                    field="taskId",
                )
            return earlier
        if current.at_window_since is None or current.status is not ApplicationStatus.SUBMITTED:
            raise Conflict("the case no longer waits at the window", field="taskId")
        current.clerk_decision = decision
        return decision

    _, kept = mutate(cases, task_id, keep, loaded=case)
    token = cases.get_token(task_id, WINDOW_TOKEN)
    if token:
        # Already answered (a retry), or the wait timed out meanwhile: the decision kept on
        # the case is what acceptance carries out either way.
        with contextlib.suppress(Conflict):
            workflow.succeed(token, {"outcome": kept.outcome})
    return kept


def _already_decided(
    caller: Caller, case: Application, request: WindowDecisionRequest
) -> ClerkDecision:
    """A case acceptance has acted on: a clerk's retry of their own decision gets it
    back; any other decision is a conflict naming who decided."""
    carried = case.acceptance.clerk if case.acceptance else None
    if carried is None:
        raise NotFound(f"no case {case.application_id} waits at the window", field="taskId")
    if (carried.decided_by, carried.outcome) == (caller.username, request.outcome):
        return carried
    raise Conflict(
        f"{carried.decided_by} already decided this case: {carried.outcome}", field="taskId"
    )


def _require_clerk(caller: Caller) -> None:
    if not caller.is_window_clerk:
        raise Forbidden("only window clerks work the window queue", field="taskId")
