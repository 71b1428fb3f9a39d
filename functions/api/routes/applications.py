"""The applicant's routes. Every one needs a Cognito ID token; a case that is not the
caller's is a 404."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.contract import CONFLICT, DESCRIPTIONS, NOT_FOUND, UNAVAILABLE, responses
from functions.api.dependencies import current_caller, documents, repository, workflow
from functions.api.idempotency import KEY_HEADER, KEY_MAX_LENGTH, KEY_PATTERN, create_idempotently
from shared import names
from shared.models.api import (
    ApplicationPage,
    ApplicationSummary,
    ApplicationView,
    CommitmentRequest,
    CommitmentTerms,
    CreateApplicationRequest,
    DraftSaved,
    DraftUpdateRequest,
    FeedbackRequest,
    MaterialReuseRequest,
    MaterialUploadRequest,
    MaterialUploadResponse,
    ResultView,
    ReusableMaterial,
    ReusableMaterialList,
    TimelinePage,
    application_view,
)
from shared.models.application import Application, Commitment
from shared.services import applications as cases
from shared.services import commitments
from shared.settings import get_settings

router = APIGatewayRouter()
AppId = Annotated[str, Path(alias="applicationId", max_length=40)]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=2000)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=KEY_HEADER,
        max_length=KEY_MAX_LENGTH,
        pattern=KEY_PATTERN,
        description="Any unique string per intended case (a UUID): a retry with the same key "
        "and body answers the first case again; with another body it is refused (422). "
        "Kept for 24 hours, per caller.",
    ),
]
_CASE_NOT_FOUND = "No such application of the caller's"
_BUSY = DESCRIPTIONS[UNAVAILABLE]


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
    responses=responses(
        201,
        {
            NOT_FOUND: "The catalog item does not exist",
            CONFLICT: "A request with this Idempotency-Key is still in progress",
            UNAVAILABLE: "A backing service is busy: retry shortly with the same key",
        },
        description="Created",
    ),
)
def create(
    request: CreateApplicationRequest, idempotency_key: IdempotencyKey = None
) -> Response[ApplicationSummary]:
    caller = current_caller(router)  # type: ignore[arg-type]
    body = create_idempotently(caller, request, idempotency_key, router.lambda_context)
    return Response(
        status_code=201,
        content_type="application/json",
        body=ApplicationSummary.model_validate(body),
    )


@router.get(
    names.resolver_path(names.APPLICATIONS),
    summary="The caller's own applications, newest first",
    tags=["applications"],
    responses=responses(errors=(UNAVAILABLE,)),
)
def list_own(limit: Limit = 20, cursor: Cursor = None) -> ApplicationPage:
    caller = current_caller(router)  # type: ignore[arg-type]
    page = repository().list_owner_applications(caller.sub, limit, cursor)
    return ApplicationPage(items=page.items, next_cursor=page.next_cursor)


@router.get(
    names.resolver_path(names.APPLICATION),
    summary="Status, the latest timeline events and decisions",
    tags=["applications"],
    responses=responses(errors={NOT_FOUND: _CASE_NOT_FOUND, UNAVAILABLE: _BUSY}),
)
def get_one(application_id: AppId) -> ApplicationView:
    caller = current_caller(router)  # type: ignore[arg-type]
    return _view(cases.get_own_application(caller, application_id, repository()))


@router.get(
    names.resolver_path(names.APPLICATION_TIMELINE),
    summary="The case's whole timeline, a page at a time",
    description="Oldest first by default; `order=desc` reads from the latest backwards.",
    tags=["applications"],
    responses=responses(errors={NOT_FOUND: _CASE_NOT_FOUND, UNAVAILABLE: _BUSY}),
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
    names.resolver_path(names.APPLICATION_DRAFT),
    summary="Save the draft's applicant, form and delivery as the applicant goes",
    description=(
        "On a draft, or on a case returned for supplement (to correct what the one-time "
        "notice lists). Each part given replaces the case's; `version` is the case's version "
        "the edit started from, and a save from a stale copy is refused (409) rather than "
        "lost. Form values are checked as at filing; required fields by acceptance, after "
        "submission."
    ),
    tags=["applications"],
    responses=responses(
        errors={
            NOT_FOUND: _CASE_NOT_FOUND,
            CONFLICT: "The case is neither a draft nor returned for supplement, or was saved "
            "from elsewhere since `version` (reload it)",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def save_draft(application_id: AppId, request: DraftUpdateRequest) -> DraftSaved:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    saved = cases.update_draft(caller, application_id, request, repo, repo)
    return DraftSaved(
        application_id=saved.application_id,
        version=saved.version,
        updated_at=saved.updated_at,
        missing_fields=saved.missing_fields,
    )


@router.post(
    names.resolver_path(names.APPLICATION_COMMITMENT),
    summary="Sign a commitment to supply materials after acceptance (容缺受理)",
    description=(
        "Before submitting: each material named must be one the item allows to come later. "
        "The answer holds the text agreed to, the signer, the time and a SHA-256 digest. The "
        "case is then accepted without them; its result is issued once they are uploaded and "
        "the case submitted again, and not at all if they are not in by the deadline "
        "(`COMMITMENT_BROKEN`, and no 容缺 for the applicant for a period)."
    ),
    tags=["applications"],
    responses=responses(
        errors={
            NOT_FOUND: _CASE_NOT_FOUND,
            CONFLICT: "The case is past submission, or the applicant broke a commitment lately",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def sign_commitment(application_id: AppId, request: CommitmentRequest) -> Commitment:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    application = cases.get_own_application(caller, application_id, repo)
    item = cases.pinned_item(application, repo)
    settings = get_settings()
    return commitments.sign(
        caller,
        application,
        request,
        item,
        settings.commitment_days,
        settings.commitment_bar_days,
        repo,
    )


@router.get(
    names.resolver_path(names.APPLICATION_COMMITMENT_TERMS),
    summary="What 容缺受理 the case may have, before signing",
    description=(
        "The item's materials that may come after acceptance on a signed commitment, the "
        "working days allowed for them, how long a broken commitment bars the applicant, "
        "whether 容缺 is offered now (a draft or returned case whose applicant is not barred) "
        "and the commitment signed, if any."
    ),
    tags=["applications"],
    responses=responses(errors={NOT_FOUND: _CASE_NOT_FOUND, UNAVAILABLE: _BUSY}),
)
def commitment_terms(application_id: AppId) -> CommitmentTerms:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    application = cases.get_own_application(caller, application_id, repo)
    settings = get_settings()
    return commitments.terms(
        application,
        cases.pinned_item(application, repo),
        settings.commitment_days,
        settings.commitment_bar_days,
        repo,
    )


@router.post(
    names.resolver_path(names.APPLICATION_MATERIALS),
    summary="Get a presigned POST to upload one material",
    tags=["applications"],
    responses=responses(
        errors={
            NOT_FOUND: _CASE_NOT_FOUND,
            CONFLICT: "The case is no longer a draft or returned for supplement",
            UNAVAILABLE: _BUSY,
        }
    ),
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


@router.get(
    names.resolver_path(names.APPLICATION_REUSABLE_MATERIALS),
    summary="The applicant's checked documents this case may reuse",
    description=(
        "可复用: documents a window clerk checked against their originals (trust level B) "
        "in this account's earlier cases for the same applicant (the ID number or credit "
        "code), for this item's materials of the same kind, within a year of the check."
    ),
    tags=["applications"],
    responses=responses(errors={NOT_FOUND: _CASE_NOT_FOUND, UNAVAILABLE: _BUSY}),
)
def reusable_materials(application_id: AppId) -> ReusableMaterialList:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return cases.reusable_materials(caller, application_id, repo, repo)


@router.post(
    names.resolver_path(names.APPLICATION_MATERIAL_REUSE),
    summary="Reuse a checked document for one material, instead of an upload",
    description=(
        "The material is the earlier case's checked upload, with who checked it and "
        "when; a later upload for the same material replaces it. Where the item needs a "
        "visit only to see the originals and every one it asks to see is checked this "
        "way, acceptance needs no window clerk."
    ),
    tags=["applications"],
    responses=responses(
        errors={
            NOT_FOUND: "No such case, or no checked document to reuse for that material",
            CONFLICT: "The case's materials cannot change now",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def reuse_material(application_id: AppId, request: MaterialReuseRequest) -> ReusableMaterial:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return cases.reuse_material(caller, application_id, request, repo, repo)


@router.post(
    names.resolver_path(names.APPLICATION_SUBMIT),
    summary="Submit, or resubmit after a return for supplement",
    description=(
        "Notes on each declared material the size and type S3 holds under its key, or that "
        "nothing is there; acceptance then judges them against the item's rules."
    ),
    tags=["applications"],
    responses=responses(
        errors={
            NOT_FOUND: _CASE_NOT_FOUND,
            CONFLICT: "The case cannot be submitted in its state, or is being returned",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def submit(application_id: AppId) -> ApplicationSummary:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    submitted = cases.submit(caller, application_id, repo, documents(), workflow(), repo)
    return submitted.summary()


@router.get(
    names.resolver_path(names.APPLICATION_RESULT),
    summary="The unified result",
    tags=["applications"],
    responses=responses(
        errors={
            NOT_FOUND: "No such application of the caller's, or no result issued yet",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def result(application_id: AppId) -> ResultView:
    caller = current_caller(router)  # type: ignore[arg-type]
    ttl = get_settings().download_url_ttl_seconds
    return cases.result_of(caller, application_id, repository(), documents(), ttl)


@router.post(
    names.resolver_path(names.APPLICATION_FEEDBACK),
    summary="Rate the service (好差评, 1-5)",
    tags=["applications"],
    responses=responses(
        errors={
            NOT_FOUND: _CASE_NOT_FOUND,
            CONFLICT: "The case is not concluded yet, or was already rated",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def feedback(application_id: AppId, request: FeedbackRequest) -> ApplicationView:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return _view(cases.rate(caller, application_id, request, repo, repo))
