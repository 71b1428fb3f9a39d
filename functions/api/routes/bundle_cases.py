"""A bundle filed as one application (一件事一次办): file it, read it with its members,
upload a shared material once. Every route needs a Cognito ID token; a bundle filing
that is not the caller's is a 404."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.contract import (
    CONFLICT,
    DESCRIPTIONS,
    FORBIDDEN,
    NOT_FOUND,
    UNAVAILABLE,
    responses,
)
from functions.api.dependencies import bundle_workflow, current_caller, documents, repository
from functions.api.idempotency import file_bundle_idempotently
from functions.api.routes.applications import Cursor, IdempotencyKey, Limit
from shared import names
from shared.models.api import MaterialUploadRequest
from shared.models.bundle_cases import (
    BundleApplicationRequest,
    BundleCasePage,
    BundleCaseView,
    BundleDraftRequest,
    SharedMaterialUpload,
)
from shared.settings import get_settings

router = APIGatewayRouter()
_BUSY = DESCRIPTIONS[UNAVAILABLE]
_NOT_FOUND = "No such bundle application of the caller's"
BundleIdPath = Annotated[str, Path(alias="bundleId", max_length=40, description="BND-...")]
BundleCaseId = Annotated[str, Path(alias="bundleCaseId", max_length=40)]


@router.post(
    names.resolver_path(names.BUNDLE_APPLICATIONS),
    summary="File a bundle as one application",
    description=(
        "The answers to the bundle's situation questions decide its members, as its "
        "screening does (answers that lead to an exit: 422 naming `answers`, with what to "
        "apply for instead). `sharedForm` holds the fields the bundle's items share, given "
        "once and copied into every member that has them; `forms` each member's own fields, "
        "by item id. Each member is a draft case (`bundleCaseId` on it) whose own materials "
        "are uploaded on it; the shared ones once, on the bundle application. The applicant "
        "and delivery are checked against every member. Filed on web or mobile by the "
        "applicant. Drafts may be partial: each member lists its `missingFields`. Honours "
        "Idempotency-Key as POST /applications does."
    ),
    tags=["bundles"],
    responses=responses(
        201,
        {
            FORBIDDEN: "The caller may not file on this channel",
            NOT_FOUND: "No such bundle in the current catalog",
            CONFLICT: "A request with this Idempotency-Key is still in progress",
            UNAVAILABLE: _BUSY,
        },
        description="Created",
    ),
)
def file_bundle(
    bundle_id: BundleIdPath,
    request: Annotated[BundleApplicationRequest, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[BundleCaseView]:
    caller = current_caller(router)  # type: ignore[arg-type]
    body = file_bundle_idempotently(
        caller, bundle_id, request, idempotency_key, router.lambda_context
    )
    return Response(
        status_code=201,
        content_type="application/json",
        body=BundleCaseView.model_validate(body),
    )


@router.get(
    names.resolver_path(names.BUNDLE_CASES),
    summary="The caller's own bundle applications, newest first",
    description="Each with its bundle and the items it was filed for; one query a page.",
    tags=["bundles"],
    responses=responses(errors=(UNAVAILABLE,)),
)
def list_own_bundle_cases(limit: Limit = 20, cursor: Cursor = None) -> BundleCasePage:
    caller = current_caller(router)  # type: ignore[arg-type]
    page = repository().list_owner_bundle_cases(caller.sub, limit, cursor)
    return BundleCasePage(items=page.items, next_cursor=page.next_cursor)


@router.get(
    names.resolver_path(names.BUNDLE_CASE),
    summary="A bundle application: its members, waves and materials",
    description=(
        "Each member with its case id, wave (an item waits for the results of earlier "
        "waves), status and missing fields; the materials to provide, a shared one once "
        "for all the members that ask for it, and which members hold an upload for each."
    ),
    tags=["bundles"],
    responses=responses(errors={NOT_FOUND: _NOT_FOUND, UNAVAILABLE: _BUSY}),
)
def get_bundle_case(bundle_case_id: BundleCaseId) -> BundleCaseView:
    from shared.services import bundle_cases

    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    found = bundle_cases.get_own_bundle_case(caller, bundle_case_id, repo)
    return bundle_cases.bundle_case_view(found, repo, repo)


@router.post(
    names.resolver_path(names.BUNDLE_CASE_DRAFT),
    summary="Save a bundle filing's draft on every member at once",
    description=(
        "`sharedForm`, when given, replaces the shared fields of every member that has "
        "them; an entry of `forms` replaces that member's own fields; `applicant` and "
        "`delivery`, when given, every member's. A part left out is kept. Checked as at "
        "filing; saved on all the members in one transaction or on none. `versions` (member "
        "case id → its version, from the view) refuses a save over a change made elsewhere "
        "(409 naming `versions.<id>`). A member's own draft route cannot change what the "
        "bundle shares."
    ),
    tags=["bundles"],
    responses=responses(
        errors={
            NOT_FOUND: _NOT_FOUND,
            CONFLICT: "A member is no longer a draft, or was saved from elsewhere since",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def save_bundle_draft(
    bundle_case_id: BundleCaseId, request: Annotated[BundleDraftRequest, Body()]
) -> BundleCaseView:
    from shared.services import bundle_cases

    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    saved, members = bundle_cases.update_bundle_draft(caller, bundle_case_id, request, repo, repo)
    return bundle_cases.bundle_case_view(saved, repo, repo, members)


@router.post(
    names.resolver_path(names.BUNDLE_CASE_MATERIALS),
    summary="Get a presigned POST to upload a shared material once",
    description=(
        "For a material the bundle's items share (`sharedMaterials`): one file, recorded on "
        "every member that asks the applicant for it (`applicationIds`); the type and size "
        "must suit every one of them. Any other material is uploaded on its member's case."
    ),
    tags=["bundles"],
    responses=responses(
        errors={
            NOT_FOUND: _NOT_FOUND,
            CONFLICT: "A member is no longer a draft or returned for supplement",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def upload_shared_material(
    bundle_case_id: BundleCaseId, request: Annotated[MaterialUploadRequest, Body()]
) -> SharedMaterialUpload:
    from shared.services import bundle_cases

    caller = current_caller(router)  # type: ignore[arg-type]
    ttl = get_settings().upload_url_ttl_seconds
    repo = repository()
    return bundle_cases.request_shared_upload(
        caller, bundle_case_id, request, repo, repo, documents(), ttl
    )


@router.post(
    names.resolver_path(names.BUNDLE_CASE_SUBMIT),
    summary="Submit a bundle filing: every member at once",
    description=(
        "Every member becomes SUBMITTED and the bundle machine runs them wave by wave: a "
        "member waits for the members in its `waitsFor` (their certificates are put in for "
        "the materials they stand for), the members of one wave run at once, each through "
        "the case workflow (its acceptance, its departments' reviews, its issuance). A "
        "member whose prerequisite was not issued ends NOT_ACCEPTED, naming it. Once every "
        "member has ended, the bundle is CONCLUDED with one result package (`results`). "
        "Refused with 422, nothing written, while a required field or material of any "
        "member is missing: each is named (`sharedForm.<name>`, `forms.<itemId>.<name>`, "
        "`materials.<code>`). The members cannot be submitted on their own."
    ),
    tags=["bundles"],
    responses=responses(
        errors={
            NOT_FOUND: _NOT_FOUND,
            CONFLICT: "The bundle application was submitted already",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def submit_bundle(bundle_case_id: BundleCaseId) -> BundleCaseView:
    from shared.services import bundle_cases

    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    submitted, members = bundle_cases.submit_bundle(
        caller, bundle_case_id, repo, repo, documents(), bundle_workflow()
    )
    return bundle_cases.bundle_case_view(submitted, repo, repo, members)
