"""Key projects (重点项目): registered by the centre or a steward; the project, every case
of it on one timeline, its roadmap, and the steward's log."""

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
from functions.api.dependencies import bundle_cache, current_caller, repository
from shared import names
from shared.models.projects import (
    LogEntry,
    LogEntryRequest,
    LogPage,
    ProjectCase,
    ProjectCasePage,
    ProjectCaseRequest,
    ProjectPage,
    ProjectRequest,
    ProjectView,
    RoadmapView,
)
from shared.services import projects

router = APIGatewayRouter()
ProjectId = Annotated[str, Path(alias="projectId", max_length=40)]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=2000)]
_BUSY = DESCRIPTIONS[UNAVAILABLE]
_NO_PROJECT = "No such project the caller may see"
_READ = {NOT_FOUND: _NO_PROJECT, UNAVAILABLE: _BUSY}


@router.post(
    names.resolver_path(names.PROJECTS),
    summary="Register a key project",
    description=(
        "By a steward (a service agent: the project is theirs unless `steward` names "
        "another) or the centre (supervisors, ops: `steward` required). The project code is "
        "the national platform's and registers once; `situations` answer the construction "
        "stages' questions and `operatingItems` name the licences it will need, from which "
        "the roadmap is generated."
    ),
    tags=["projects"],
    responses=responses(
        201,
        {
            FORBIDDEN: "Only stewards and the centre register projects",
            CONFLICT: "A project with this project code is registered already",
            UNAVAILABLE: _BUSY,
        },
        description="Created",
    ),
)
def register(request: Annotated[ProjectRequest, Body()]) -> Response[ProjectView]:
    caller = current_caller(router)  # type: ignore[arg-type]
    view = projects.register(caller, request, repository(), bundle_cache())
    return Response(status_code=201, content_type="application/json", body=view)


@router.get(
    names.resolver_path(names.PROJECTS),
    summary="Key projects: a steward's, the centre's all, or a company account's own",
    tags=["projects"],
    responses=responses(
        errors={FORBIDDEN: "Not a steward, the centre or an applicant", UNAVAILABLE: _BUSY}
    ),
)
def list_projects(limit: Limit = 20, cursor: Cursor = None) -> ProjectPage:
    caller = current_caller(router)  # type: ignore[arg-type]
    return projects.list_projects(caller, limit, cursor, repository())


@router.get(
    names.resolver_path(names.PROJECT),
    summary="A key project, with its lifecycle and next stage",
    tags=["projects"],
    responses=responses(errors=_READ),
)
def get_project(project_id: ProjectId) -> ProjectView:
    caller = current_caller(router)  # type: ignore[arg-type]
    return projects.project(caller, project_id, repository(), bundle_cache())


@router.get(
    names.resolver_path(names.PROJECT_ROADMAP),
    summary="The project's approval roadmap (审批路线图)",
    description=(
        "The stages from project approval to exit, each with its bundle or items, their "
        "state from the project's cases (done, running, refused, not filed), departments, "
        "working days along the stage's critical path and what is left, and its "
        "prerequisite; the stage's state (done, running, next, later, as needed, not "
        "applicable) and, once done, when it concluded; the lifecycle, and the working "
        "days still ahead."
    ),
    tags=["projects"],
    responses=responses(errors=_READ),
)
def roadmap(project_id: ProjectId) -> RoadmapView:
    caller = current_caller(router)  # type: ignore[arg-type]
    return projects.project_roadmap(caller, project_id, repository(), bundle_cache())


@router.get(
    names.resolver_path(names.PROJECT_CASES),
    summary="Every case of the project, across years, newest filed first",
    tags=["projects"],
    responses=responses(errors=_READ),
)
def list_cases(project_id: ProjectId, limit: Limit = 20, cursor: Cursor = None) -> ProjectCasePage:
    caller = current_caller(router)  # type: ignore[arg-type]
    return projects.project_cases(caller, project_id, limit, cursor, repository(), bundle_cache())


@router.post(
    names.resolver_path(names.PROJECT_CASES),
    summary="Put a case on the project's timeline",
    description=(
        "By its steward or a supervisor, or by the case's own account; the case must be "
        "the project's enterprise's (422 naming applicationId), in no other project (409)."
    ),
    tags=["projects"],
    responses=responses(
        201,
        {
            NOT_FOUND: "No such project or case the caller may see",
            CONFLICT: "The case belongs to a project already",
            UNAVAILABLE: _BUSY,
        },
        description="Created",
    ),
)
def link_case(
    project_id: ProjectId, request: Annotated[ProjectCaseRequest, Body()]
) -> Response[ProjectCase]:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    linked = projects.link_case(
        caller, project_id, request.application_id, repo, repo, bundle_cache()
    )
    return Response(status_code=201, content_type="application/json", body=linked)


@router.get(
    names.resolver_path(names.PROJECT_LOG),
    summary="The steward's log, newest first",
    tags=["projects"],
    responses=responses(
        errors={
            FORBIDDEN: "The log is the steward's and the centre's",
            NOT_FOUND: _NO_PROJECT,
            UNAVAILABLE: _BUSY,
        }
    ),
)
def list_log(project_id: ProjectId, limit: Limit = 20, cursor: Cursor = None) -> LogPage:
    caller = current_caller(router)  # type: ignore[arg-type]
    return projects.project_log(caller, project_id, limit, cursor, repository())


@router.post(
    names.resolver_path(names.PROJECT_LOG),
    summary="Add a dated, signed entry to the steward's log",
    description=(
        "A visit, a call, a remote session, or a joint pre-filing consultation (前置会诊, "
        "which names its departments and records its conclusion); the day it happened "
        "(not a future one). Signed with the author and the time, and a SHA-256 digest."
    ),
    tags=["projects"],
    responses=responses(
        201,
        {
            FORBIDDEN: "Only the project's steward and supervisors write the log",
            NOT_FOUND: _NO_PROJECT,
            UNAVAILABLE: _BUSY,
        },
        description="Created",
    ),
)
def add_log_entry(
    project_id: ProjectId, request: Annotated[LogEntryRequest, Body()]
) -> Response[LogEntry]:
    caller = current_caller(router)  # type: ignore[arg-type]
    entry = projects.add_log_entry(caller, project_id, request, repository())
    return Response(status_code=201, content_type="application/json", body=entry)
