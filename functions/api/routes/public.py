"""Public routes: the catalog and certificate verification; no token needed."""

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.contract import DESCRIPTIONS, NOT_FOUND, UNAVAILABLE, responses
from functions.api.dependencies import catalog_index, repository
from shared import names
from shared.domain.catalog_search import SearchFilters
from shared.errors import ValidationFailed
from shared.models.api import CatalogItemSummary, CatalogPage, VerificationView
from shared.models.catalog import ApplicantKind, CaseKind, CatalogItem
from shared.models.common import ItemType
from shared.models.ids import DEPARTMENT_REGEX
from shared.services import catalog

router = APIGatewayRouter()
_BUSY = DESCRIPTIONS[UNAVAILABLE]
E = TypeVar("E", bound=StrEnum)


def _choice(values: Iterable[str], description: str, alias: str) -> Any:
    """A query parameter that takes one of `values`: typed as text, its values listed in
    the OpenAPI document, checked here. (An Enum-typed parameter would make Powertools
    check the class against every Mapping ABC on the first request: ~25 ms of cold start
    each.)"""
    return Query(alias=alias, description=description, json_schema_extra={"enum": list(values)})


def _one_of(value: str | None, enum: type[E], field: str) -> E | None:
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise ValidationFailed(f"{field} must be one of {allowed}", field=field) from None


def _flag(value: str | None, field: str) -> bool | None:
    if value is None:
        return None
    if value not in ("true", "false"):
        raise ValidationFailed(f"{field} must be true or false", field=field)
    return value == "true"


@router.get(
    names.resolver_path(names.CATALOG_ITEMS),
    summary="Search the catalog",
    description=(
        "Filters by type, department (lead, co-department or implementing body), case kind, "
        "applicant kind and zero-visit items; `q` matches Chinese anywhere in item and "
        "material names, and English names, all terms required. Served from an in-memory "
        "index of the current catalog: the cost does not grow with the catalog."
    ),
    tags=["catalog"],
    responses=responses(errors=(UNAVAILABLE,)),
)
def list_items(
    item_type: Annotated[
        str | None, _choice((t.value for t in ItemType), "item type", "type")
    ] = None,
    department: Annotated[
        str | None, Query(pattern=f"^{DEPARTMENT_REGEX}$", description="a department code")
    ] = None,
    case_kind: Annotated[
        str | None, _choice((k.value for k in CaseKind), "case kind", "caseKind")
    ] = None,
    zero_visit: Annotated[
        str | None, _choice(("true", "false"), "true: items needing no visit", "zeroVisit")
    ] = None,
    applicant_kind: Annotated[
        str | None, _choice((k.value for k in ApplicantKind), "applicant kind", "applicantKind")
    ] = None,
    q: Annotated[str | None, Query(max_length=50, description="text search")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> CatalogPage:
    filters = SearchFilters(
        item_type=_value(_one_of(item_type, ItemType, "type")),
        department=department,
        case_kind=_value(_one_of(case_kind, CaseKind, "caseKind")),
        zero_visit=_flag(zero_visit, "zeroVisit"),
        applicant_kind=_value(_one_of(applicant_kind, ApplicantKind, "applicantKind")),
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


def _value(choice: StrEnum | None) -> str | None:
    return choice.value if choice is not None else None


@router.get(
    names.resolver_path(names.CATALOG_ITEM),
    summary="One catalog item with its guide",
    description="The current version, or with `version` the one a case was filed under.",
    tags=["catalog"],
    responses=responses(
        errors={NOT_FOUND: "No such item, or no such version of it", UNAVAILABLE: _BUSY}
    ),
)
def get_item(
    item_id: Annotated[str, Path(alias="itemId", max_length=40)],
    version: Annotated[int | None, Query(ge=1, le=100000)] = None,
) -> CatalogItem:
    return catalog.catalog_item(item_id, repository(), version)


@router.get(
    names.resolver_path(names.VERIFY),
    summary="Verify an issued certificate",
    tags=["verify"],
    responses=responses(
        errors={NOT_FOUND: "No certificate of that number with that code", UNAVAILABLE: _BUSY}
    ),
)
def verify(
    certificate_no: Annotated[str, Path(alias="certificateNo", max_length=60)],
    code: Annotated[str, Query(min_length=4, max_length=20, description="code printed on it")],
) -> VerificationView:
    return catalog.verify_certificate(certificate_no, code, repository())
