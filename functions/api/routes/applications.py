"""The applicant's routes. Every one needs a Cognito ID token; a case that is not the
caller's is a 404."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.dependencies import current_caller, documents, repository, workflow
from functions.api.idempotency import create_idempotently
from shared.models.api import (
    ApplicationSummary,
    ApplicationView,
    CreateApplicationRequest,
    FeedbackRequest,
    MaterialUploadRequest,
    MaterialUploadResponse,
    PageResponse,
    ResultView,
    application_summary,
    application_view,
)
from shared.services import applications as cases
from shared.settings import get_settings

router = APIGatewayRouter()
AppId = Annotated[str, Path(alias="applicationId", max_length=40)]


@router.post(
    "/applications",
    summary="File an application (honours Idempotency-Key)",
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
    "/applications", summary="The caller's own applications, newest first", tags=["applications"]
)
def list_own(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> PageResponse:
    caller = current_caller(router)  # type: ignore[arg-type]
    page = repository().list_owner_applications(caller.sub, limit, cursor)
    return PageResponse(
        items=[application_summary(a).model_dump(by_alias=True, mode="json") for a in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/applications/<applicationId>", summary="Status, timeline and decisions", tags=["applications"]
)
def get_one(application_id: AppId) -> ApplicationView:
    caller = current_caller(router)  # type: ignore[arg-type]
    return application_view(cases.get_own_application(caller, application_id, repository()))


@router.post(
    "/applications/<applicationId>/materials",
    summary="Get a presigned POST to upload one material",
    tags=["applications"],
)
def upload_material(
    application_id: AppId, request: MaterialUploadRequest
) -> MaterialUploadResponse:
    caller = current_caller(router)  # type: ignore[arg-type]
    ttl = get_settings().upload_url_ttl_seconds
    return cases.request_material_upload(
        caller, application_id, request, repository(), documents(), ttl
    )


@router.post(
    "/applications/<applicationId>/submit",
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
    return application_summary(submitted)


@router.get(
    "/applications/<applicationId>/result", summary="The unified result", tags=["applications"]
)
def result(application_id: AppId) -> ResultView:
    caller = current_caller(router)  # type: ignore[arg-type]
    ttl = get_settings().download_url_ttl_seconds
    return cases.result_of(caller, application_id, repository(), documents(), ttl)


@router.post(
    "/applications/<applicationId>/feedback",
    summary="Rate the service (好差评, 1-5)",
    tags=["applications"],
)
def feedback(application_id: AppId, request: FeedbackRequest) -> ApplicationView:
    caller = current_caller(router)  # type: ignore[arg-type]
    return application_view(cases.rate(caller, application_id, request, repository()))
