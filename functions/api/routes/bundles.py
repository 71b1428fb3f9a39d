"""Public routes of bundles (一件事): the list, one bundle, and its guided pre-screening
(情景导航), and the pre-screening of a single item. No token needed, nothing written;
served from what the container holds of the current catalog revision (a single item's
screening reads that item, as its guide does)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.contract import DESCRIPTIONS, NOT_FOUND, UNAVAILABLE, responses
from functions.api.dependencies import bundle_cache, repository
from shared import names
from shared.models.bundles import (
    BundleDetail,
    BundleIndex,
    ItemScreeningRequest,
    ScreeningRequest,
    ScreeningView,
)

router = APIGatewayRouter()
_BUSY = DESCRIPTIONS[UNAVAILABLE]
_NO_BUNDLE = {NOT_FOUND: "No such bundle in the current catalog", UNAVAILABLE: _BUSY}
BundleIdPath = Annotated[str, Path(alias="bundleId", max_length=40, description="BND-...")]


@router.get(
    names.resolver_path(names.BUNDLES),
    summary="The bundles (一件事)",
    description=(
        "Every bundle of the current catalog: several items applied for as one (opening a "
        "business, closing it, a construction project's stage), with its lead department."
    ),
    tags=["bundles"],
    responses=responses(errors=(UNAVAILABLE,)),
)
def list_bundles() -> BundleIndex:
    from shared.services.bundles import bundle_index

    return bundle_index(bundle_cache())


@router.get(
    names.resolver_path(names.BUNDLE),
    summary="One bundle: its questions, items, order and exits",
    description=(
        "The situation questions (情景导航), each item with the situations it needs "
        "(`when`) and the results it waits for (`after`), the exits that send an "
        "applicant elsewhere, and the fields and materials its items share."
    ),
    tags=["bundles"],
    responses=responses(errors=_NO_BUNDLE),
)
def get_bundle(bundle_id: BundleIdPath) -> BundleDetail:
    from shared.services.bundles import bundle_detail

    return bundle_detail(bundle_id, bundle_cache())


@router.post(
    names.resolver_path(names.BUNDLE_SCREENING),
    summary="Pre-screen answers to a bundle's questions",
    description=(
        "Every question answered with one of its options. Answers `outcome: bundle` with "
        "the items that apply in their waves (an item waits for the results it needs), "
        "the one merged list of materials, the departments, the working days to the last "
        "result along the critical path and the visits; or `outcome: exit` with why and "
        "what to apply for instead. Writes nothing."
    ),
    tags=["bundles"],
    responses=responses(errors=_NO_BUNDLE),
)
def screen_answers(
    bundle_id: BundleIdPath, request: Annotated[ScreeningRequest, Body()]
) -> ScreeningView:
    from shared.services.bundles import screening

    return screening(bundle_id, request.answers, bundle_cache())


@router.post(
    names.resolver_path(names.CATALOG_ITEM_SCREENING),
    summary="Pre-screen a single item",
    description=(
        "`applicantKind`, and `situations`: the codes of the item's conditional materials "
        "(those with `requiredWhenZh`) whose situation holds. Answers the same shape as a "
        "bundle's screening, for the one item: the materials to provide, its departments, "
        "its promised working days and visits; or `outcome: exit` when the item is not for "
        "that kind of applicant. A code that is not one of its conditional materials: 422 "
        "naming `situations.<n>`. Writes nothing."
    ),
    tags=["catalog"],
    responses=responses(
        errors={NOT_FOUND: "No such item in the current catalog", UNAVAILABLE: _BUSY}
    ),
)
def screen_item(
    item_id: Annotated[str, Path(alias="itemId", max_length=40)],
    request: Annotated[ItemScreeningRequest, Body()],
) -> ScreeningView:
    from shared.services.bundles import item_screening

    return item_screening(item_id, request, repository(), bundle_cache())
