"""The applicant's routes. Every one needs a Cognito ID token; a case that is not the
caller's is a 404."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.dependencies import current_caller, documents, repository, workflow
from functions.api.idempotency import create_idempotently
from shared import names
from shared.models.api import (
    ApplicationPage,
    ApplicationSummary,
    ApplicationView,
    CreateApplicationRequest,
    FeedbackRequest,
    MaterialUploadRequest,
    MaterialUploadResponse,
    ResultView,
    TimelinePage,
    application_view,
)
from shared.models.application import Application
from shared.services import applications as cases
from shared.settings import get_settings

router = APIGatewayRouter()
AppId = Annotated[str, Path(alias="applicationId", max_length=40)]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=2000)]


def _view(application: Application) -> ApplicationView:
    recent = cases.recent_timeline(application.application_id, repository())
    return application_view(application, recent.items, recent.next_cursor)


@router.post(
    names.resolver_path(names.APPLICATIONS),
    summary="File an application (honours Idempotency-Key)",
    description=(
        "The case pins the catalog item's current version. Form values are checked against "
        "the item's typed fields (an ID number or credit code by its check character); "
        "every wrong field is named at once."
    ),
    tags=["applications"],
    responses={201: {"description": "Created"}},
)
def create(request: CreateApplicationRequest) -> Response[ApplicationSummary]:
    caller = current_caller(router)  # type: ignore[arg-type]
    key = router.current_event.headers.get("Idempotency-Key")
    body = create_idempotently(caller, request, key, router.lambda_context)
    return Response(
        status_code=201,
        content_type="application/json",
        body=ApplicationSummary.model_validate(body),
    )


@router.get(
    names.resolver_path(names.APPLICATIONS),
    summary="The caller's own applications, newest first",
    tags=["applications"],
)
def list_own(limit: Limit = 20, cursor: Cursor = None) -> ApplicationPage:
    caller = current_caller(router)  # type: ignore[arg-type]
    page = repository().list_owner_applications(caller.sub, limit, cursor)
    return ApplicationPage(items=page.items, next_cursor=page.next_cursor)


@router.get(
    names.resolver_path(names.APPLICATION),
    summary="Status, the latest timeline events and decisions",
    tags=["applications"],
)
def get_one(application_id: AppId) -> ApplicationView:
    caller = current_caller(router)  # type: ignore[arg-type]
    return _view(cases.get_own_application(caller, application_id, repository()))


@router.get(
    names.resolver_path(names.APPLICATION_TIMELINE),
    summary="The case's whole timeline, a page at a time",
    description="Oldest first by default; `order=desc` reads from the latest backwards.",
    tags=["applications"],
)
def timeline(
    application_id: AppId,
    limit: Limit = 50,
    cursor: Cursor = None,
    order: Annotated[Literal["asc", "desc"], Query()] = "asc",
) -> TimelinePage:
    caller = current_caller(router)  # type: ignore[arg-type]
    page = cases.timeline(caller, application_id, limit, cursor, order == "desc", repository())
    return TimelinePage(items=page.items, next_cursor=page.next_cursor)


@router.post(
    names.resolver_path(names.APPLICATION_MATERIALS),
    summary="Get a presigned POST to upload one material",
    tags=["applications"],
)
def upload_material(
    application_id: AppId, request: MaterialUploadRequest
) -> MaterialUploadResponse:
    caller = current_caller(router)  # type: ignore[arg-type]
    ttl = get_settings().upload_url_ttl_seconds
    repo = repository()
    return cases.request_material_upload(
        caller, application_id, request, repo, repo, documents(), ttl
    )


@router.post(
    names.resolver_path(names.APPLICATION_SUBMIT),
    summary="Submit, or resubmit after a return for supplement",
    description=(
        "Notes on each declared material the size and type S3 holds under its key, or that "
        "nothing is there; acceptance then judges them against the item's rules."
    ),
    tags=["applications"],
)
def submit(application_id: AppId) -> ApplicationSummary:
    caller = current_caller(router)  # type: ignore[arg-type]
    submitted = cases.submit(caller, application_id, repository(), documents(), workflow())
    return submitted.summary()


@router.get(
    names.resolver_path(names.APPLICATION_RESULT),
    summary="The unified result",
    tags=["applications"],
)
def result(application_id: AppId) -> ResultView:
    caller = current_caller(router)  # type: ignore[arg-type]
    ttl = get_settings().download_url_ttl_seconds
    return cases.result_of(caller, application_id, repository(), documents(), ttl)


@router.post(
    names.resolver_path(names.APPLICATION_FEEDBACK),
    summary="Rate the service (好差评, 1-5)",
    tags=["applications"],
)
def feedback(application_id: AppId, request: FeedbackRequest) -> ApplicationView:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return _view(cases.rate(caller, application_id, request, repo, repo))
