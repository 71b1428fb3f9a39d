"""Public routes: the catalog and certificate verification; no token needed."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.dependencies import repository
from shared.models.api import PageResponse, VerificationView
from shared.models.catalog import CatalogItem
from shared.models.common import ItemType
from shared.services import catalog

router = APIGatewayRouter()


@router.get("/catalog/items", summary="Browse the catalog", tags=["catalog"])
def list_items(
    item_type: Annotated[
        ItemType | None, Query(alias="type", description="item type filter")
    ] = None,
    q: Annotated[str | None, Query(max_length=50, description="text search")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> PageResponse:
    page = catalog.search_catalog(item_type, q, limit, cursor, repository())
    return PageResponse(
        items=[i.model_dump(by_alias=True, mode="json") for i in page.items],
        next_cursor=page.next_cursor,
    )


@router.get("/catalog/items/<itemId>", summary="One catalog item with its guide", tags=["catalog"])
def get_item(item_id: Annotated[str, Path(alias="itemId", max_length=40)]) -> CatalogItem:
    return catalog.catalog_item(item_id, repository())


@router.get("/verify/<certificateNo>", summary="Verify an issued certificate", tags=["verify"])
def verify(
    certificate_no: Annotated[str, Path(alias="certificateNo", max_length=60)],
    code: Annotated[str, Query(min_length=4, max_length=20, description="code printed on it")],
) -> VerificationView:
    return catalog.verify_certificate(certificate_no, code, repository())
