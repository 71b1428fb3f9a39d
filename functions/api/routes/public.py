"""Public routes: the catalog and certificate verification; no token needed."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.dependencies import catalog_index, repository
from shared.domain.catalog_search import SearchFilters
from shared.models.api import CatalogItemSummary, CatalogPage, VerificationView
from shared.models.catalog import ApplicantKind, CaseKind, CatalogItem
from shared.models.common import ItemType
from shared.models.ids import DEPARTMENT_REGEX
from shared.services import catalog

router = APIGatewayRouter()


@router.get(
    "/catalog/items",
    summary="Search the catalog",
    description=(
        "Filters by type, department (lead, co-department or implementing body), case kind, "
        "applicant kind and zero-visit items; `q` matches Chinese anywhere in item and "
        "material names, and English names, all terms required. Served from an in-memory "
        "index of the current catalog: the cost does not grow with the catalog."
    ),
    tags=["catalog"],
)
def list_items(
    item_type: Annotated[
        ItemType | None, Query(alias="type", description="item type filter")
    ] = None,
    department: Annotated[
        str | None, Query(pattern=f"^{DEPARTMENT_REGEX}$", description="a department code")
    ] = None,
    case_kind: Annotated[CaseKind | None, Query(alias="caseKind")] = None,
    zero_visit: Annotated[
        bool | None, Query(alias="zeroVisit", description="true: items needing no visit")
    ] = None,
    applicant_kind: Annotated[ApplicantKind | None, Query(alias="applicantKind")] = None,
    q: Annotated[str | None, Query(max_length=50, description="text search")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> CatalogPage:
    filters = SearchFilters(
        item_type=item_type.value if item_type else None,
        department=department,
        case_kind=case_kind.value if case_kind else None,
        zero_visit=zero_visit,
        applicant_kind=applicant_kind.value if applicant_kind else None,
    )
    page = catalog.search_catalog(filters, q, limit, cursor, catalog_index().current())
    return CatalogPage(
        items=[
            CatalogItemSummary.model_validate(
                {**hit.entry, "matchedMaterials": list(hit.matched_materials)}, extra="ignore"
            )
            for hit in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/catalog/items/<itemId>",
    summary="One catalog item with its guide",
    description="The current version, or with `version` the one a case was filed under.",
    tags=["catalog"],
)
def get_item(
    item_id: Annotated[str, Path(alias="itemId", max_length=40)],
    version: Annotated[int | None, Query(ge=1, le=100000)] = None,
) -> CatalogItem:
    return catalog.catalog_item(item_id, repository(), version)


@router.get("/verify/<certificateNo>", summary="Verify an issued certificate", tags=["verify"])
def verify(
    certificate_no: Annotated[str, Path(alias="certificateNo", max_length=60)],
    code: Annotated[str, Query(min_length=4, max_length=20, description="code printed on it")],
) -> VerificationView:
    return catalog.verify_certificate(certificate_no, code, repository())
