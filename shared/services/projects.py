"""Key projects (重点项目): registered by the centre or a steward, served by the steward
from approval to exit. Who sees what:

- the steward (a service agent) and the centre (supervisors, ops): the project, its cases,
  its roadmap and the steward's log; the steward and supervisors write the log;
- the company: the accounts that filed the project's cases see the project, its cases and
  its roadmap (not the log: the steward's working notes).

Anyone else is told the project does not exist, as with another person's case.
"""

from datetime import datetime

from ulid import ULID

from shared.domain import roadmap as plans
from shared.domain.workdays import local_date
from shared.errors import Forbidden, NotFound, ValidationFailed
from shared.identity import Caller
from shared.models.application import Application, ApplicationSummary, EnterpriseApplicant
from shared.models.bundles import Bundle
from shared.models.catalog import CatalogItem
from shared.models.common import utc_now
from shared.models.projects import (
    KeyProject,
    LogEntry,
    LogEntryRequest,
    LogPage,
    ProjectCase,
    ProjectCasePage,
    ProjectPage,
    ProjectRequest,
    ProjectSummary,
    ProjectView,
    RoadmapItemView,
    RoadmapStageView,
    RoadmapView,
    entry_digest,
)
from shared.ports.applications import ApplicationRepository
from shared.ports.page import Page
from shared.ports.projects import CaseLink, ProjectRepository
from shared.services.bundles import CachedBundles


def register(
    caller: Caller, request: ProjectRequest, projects: ProjectRepository, catalog: CachedBundles
) -> ProjectView:
    """A steward registers a project they serve; a supervisor or ops registers one for a
    steward they name."""
    if not (caller.is_agent or caller.is_supervisor or caller.is_ops):
        raise Forbidden("key projects are registered by stewards and the centre")
    steward = request.steward or (caller.username if caller.is_agent else None)
    if steward is None:
        raise ValidationFailed("name the project's steward (a service agent)", field="steward")
    _check_situations(request.situations, catalog.bundles())
    _check_items(request.operating_items, catalog)
    project = KeyProject(
        project_id=str(ULID()),
        project_code=request.project_code,
        name_zh=request.name_zh,
        enterprise=request.enterprise,
        site=request.site,
        investment_wan_yuan=request.investment_wan_yuan,
        park=request.park,
        steward=steward,
        situations=request.situations,
        operating_items=request.operating_items,
        created_at=utc_now(),
        created_by=caller.username,
    )
    projects.put_project(project)
    return _view(project, _roadmap(project, [], {}, catalog))


def list_projects(
    caller: Caller, limit: int, cursor: str | None, projects: ProjectRepository
) -> ProjectPage:
    """A steward's own, the centre's all, a company account's own; newest first."""
    if caller.is_supervisor or caller.is_ops:
        page = projects.list_projects(None, limit, cursor)
    elif caller.is_agent:
        page = projects.list_projects(caller.username, limit, cursor)
    elif caller.is_applicant:
        page = projects.list_account_projects(caller.sub, limit, cursor)
    else:
        raise Forbidden("key projects are seen by their stewards, the centre and the company")
    return ProjectPage(items=[_summary(p) for p in page.items], next_cursor=page.next_cursor)


def project(
    caller: Caller,
    project_id: str,
    projects: ProjectRepository,
    catalog: CachedBundles,
) -> ProjectView:
    found = _readable(caller, project_id, projects)
    cases = _cases(found, projects)
    return _view(found, _roadmap(found, *cases, catalog=catalog))


def project_roadmap(
    caller: Caller,
    project_id: str,
    projects: ProjectRepository,
    catalog: CachedBundles,
) -> RoadmapView:
    found = _readable(caller, project_id, projects)
    links, summaries = _cases(found, projects)
    road = _roadmap(found, links, summaries, catalog)
    items = catalog.items(plans.needed_items(found.operating_items, catalog.bundles()))
    concluded = {
        link.item_id: summaries[link.application_id].updated_at
        for link in sorted(links, key=lambda k: k.linked_at)
        if link.application_id in summaries
    }
    return RoadmapView(
        project_id=found.project_id,
        lifecycle=road.lifecycle.value,
        stages=[_stage_view(s, items, concluded) for s in road.stages],
        critical_path_days=road.critical_path_days,
    )


def link_case(
    caller: Caller,
    project_id: str,
    application_id: str,
    projects: ProjectRepository,
    cases: ApplicationRepository,
    catalog: CachedBundles,
) -> ProjectCase:
    """Puts a case on the project's timeline: by its steward or a supervisor, or by the
    case's own account. The case must be the project's enterprise's."""
    found = projects.get_project(project_id)
    application = cases.get_application(application_id)
    owns_case = application is not None and application.owner_id == caller.sub
    if found is None or not (_serves(caller, found) or owns_case):
        raise NotFound(f"project {project_id} not found", field="projectId")
    if application is None or not (_serves(caller, found) or owns_case):
        raise NotFound(f"application {application_id} not found", field="applicationId")
    if not _of_enterprise(application, found):
        raise ValidationFailed(
            f"application {application_id} is not {found.enterprise.name}'s",
            field="applicationId",
        )
    link = CaseLink(application_id, application.item_id, utc_now(), caller.username)
    account = application.owner_id
    projects.link_case(found, link, account, first_of_account=account not in found.accounts)
    names = catalog.items([application.item_id])
    return _project_case(link, application.summary(), names)


def project_cases(
    caller: Caller,
    project_id: str,
    limit: int,
    cursor: str | None,
    projects: ProjectRepository,
    catalog: CachedBundles,
) -> ProjectCasePage:
    """Every case of the project, across years, newest filed first (one page)."""
    found = _readable(caller, project_id, projects)
    links, summaries = _cases(found, projects)
    ordered = sorted(
        (k for k in links if k.application_id in summaries),
        key=lambda k: summaries[k.application_id].created_at,
        reverse=True,
    )
    start = int(cursor) if cursor and cursor.isdigit() else 0
    if cursor and not cursor.isdigit():
        raise ValidationFailed("cursor is not valid", field="cursor")
    page = ordered[start : start + limit]
    following = str(start + limit) if start + limit < len(ordered) else None
    names = catalog.items(sorted({k.item_id for k in page}))
    return ProjectCasePage(
        items=[_project_case(k, summaries[k.application_id], names) for k in page],
        next_cursor=following,
    )


def add_log_entry(
    caller: Caller, project_id: str, request: LogEntryRequest, projects: ProjectRepository
) -> LogEntry:
    """The steward's log: dated and signed (the signer, the time, the digest)."""
    found = _readable(caller, project_id, projects)
    if not (caller.username == found.steward or caller.is_supervisor):
        raise Forbidden("the log is written by the project's steward and the centre")
    if request.kind == "consultation" and not request.departments:
        raise ValidationFailed(
            "a joint consultation names the departments that took part", field="departments"
        )
    if request.kind == "consultation" and not request.conclusion.strip():
        raise ValidationFailed("a joint consultation records its conclusion", field="conclusion")
    # The zone's calendar day (Beijing), as the steward's own: not UTC's, a day behind
    # until 08:00.
    if request.on > local_date(utc_now()):
        raise ValidationFailed("the log records what happened: not a future day", field="on")
    now = utc_now()
    entry = LogEntry(
        **request.model_dump(),
        entry_id=str(ULID()),
        signed_by=caller.username,
        signed_at=now,
        digest=entry_digest(request, project_id, caller.username, now),
    )
    projects.put_log_entry(project_id, entry)
    return entry


def project_log(
    caller: Caller, project_id: str, limit: int, cursor: str | None, projects: ProjectRepository
) -> LogPage:
    found = _readable(caller, project_id, projects)
    if not _serves(caller, found):
        raise Forbidden("the log is the steward's and the centre's")
    page: Page[LogEntry] = projects.list_log(project_id, limit, cursor)
    return LogPage(items=page.items, next_cursor=page.next_cursor)


# -- helpers ----------------------------------------------------------------------------
def _serves(caller: Caller, found: KeyProject) -> bool:
    return caller.username == found.steward or caller.is_supervisor or caller.is_ops


def _readable(caller: Caller, project_id: str, projects: ProjectRepository) -> KeyProject:
    found = projects.get_project(project_id)
    if found is None or not (_serves(caller, found) or caller.sub in found.accounts):
        raise NotFound(f"project {project_id} not found", field="projectId")
    return found


def _of_enterprise(application: Application, found: KeyProject) -> bool:
    applicant = application.applicant
    return (
        isinstance(applicant, EnterpriseApplicant)
        and applicant.credit_code == found.enterprise.credit_code
    )


def _cases(
    found: KeyProject, projects: ProjectRepository
) -> tuple[list[CaseLink], dict[str, ApplicationSummary]]:
    links = projects.case_links(found.project_id)
    return links, projects.case_summaries([k.application_id for k in links])


def _roadmap(
    found: KeyProject,
    links: list[CaseLink],
    summaries: dict[str, ApplicationSummary],
    catalog: CachedBundles,
) -> plans.Roadmap:
    bundles = catalog.bundles()
    items = catalog.items(plans.needed_items(found.operating_items, bundles))
    cases = [
        plans.ProjectCase(
            k.application_id,
            k.item_id,
            summaries[k.application_id].status,
            summaries[k.application_id].created_at.isoformat(),
        )
        for k in links
        if k.application_id in summaries
    ]
    return plans.roadmap(found.situations, found.operating_items, cases, bundles, items)


def _view(found: KeyProject, road: plans.Roadmap) -> ProjectView:
    upcoming = next((s for s in road.stages if s.state is plans.StageState.NEXT), None)
    return ProjectView(
        **found.model_dump(exclude={"accounts"}),
        lifecycle=road.lifecycle.value,
        next_stage=upcoming.definition.key if upcoming else None,
    )


def _summary(found: KeyProject) -> ProjectSummary:
    return ProjectSummary(
        project_id=found.project_id,
        project_code=found.project_code,
        name_zh=found.name_zh,
        enterprise=found.enterprise,
        park=found.park,
        steward=found.steward,
        created_at=found.created_at,
    )


def _stage_view(
    stage: plans.RoadmapStage, items: dict[str, CatalogItem], concluded: dict[str, datetime]
) -> RoadmapStageView:
    done = stage.state is plans.StageState.DONE
    return RoadmapStageView(
        key=stage.definition.key,
        name_zh=stage.definition.name_zh,
        name_en=stage.definition.name_en,
        state=stage.state.value,
        bundle_id=stage.definition.bundle_id,
        items=[
            RoadmapItemView(
                item_id=i.item_id,
                name_zh=items[i.item_id].name_zh,
                name_en=items[i.item_id].name_en,
                state=i.state.value,
                promised_days=i.promised_days,
                departments=list(i.departments),
                waits_for=list(i.waits_for),
                application_id=i.application_id,
            )
            for i in stage.items
        ],
        departments=list(stage.departments),
        days=stage.days,
        days_left=stage.days_left,
        prerequisite=stage.prerequisite,
        concluded_at=max((concluded[i.item_id] for i in stage.items), default=None)
        if done
        else None,
    )


def _project_case(
    link: CaseLink, summary: ApplicationSummary, items: dict[str, CatalogItem]
) -> ProjectCase:
    return ProjectCase(
        application_id=link.application_id,
        item_id=link.item_id,
        item_name_zh=items[link.item_id].name_zh,
        item_name_en=items[link.item_id].name_en,
        status=summary.status,
        filed_at=summary.created_at,
        updated_at=summary.updated_at,
        linked_at=link.linked_at,
        linked_by=link.linked_by,
    )


def _check_situations(situations: dict[str, str], bundles: dict[str, Bundle]) -> None:
    questions = {
        q.key: q
        for d in plans.STAGES
        if d.bundle_id and d.bundle_id.startswith("BND-CONSTRUCTION")
        for q in bundles[d.bundle_id].questions
    }
    problems = []
    for key, value in situations.items():
        question = questions.get(key)
        if question is None:
            problems.append((f"situations.{key}", f"no construction stage asks {key}"))
        elif value not in question.values():
            allowed = ", ".join(sorted(question.values()))
            problems.append((f"situations.{key}", f"{value!r} is not one of {allowed}"))
    if problems:
        raise ValidationFailed("the situations do not fit the stages' questions", fields=problems)


def _check_items(item_ids: list[str], catalog: CachedBundles) -> None:
    problems = [
        (f"operatingItems.{n}", f"{item_id} is not a current catalog item")
        for n, item_id in enumerate(item_ids)
        if not catalog.offers(item_id)
    ]
    if problems:
        raise ValidationFailed("unknown operating items", fields=problems)
