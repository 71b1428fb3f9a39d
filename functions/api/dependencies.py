"""The API's ports, created on first use and kept for the life of the container."""

from functools import cache

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from shared.adapters.documents import S3DocumentStore
from shared.adapters.repository import DynamoRepository
from shared.adapters.workflow import StepFunctionsWorkflow
from shared.identity import Caller, caller_from_claims
from shared.services.catalog import CachedCatalogIndex
from shared.settings import get_settings


@cache
def repository() -> DynamoRepository:
    return DynamoRepository()


@cache
def documents() -> S3DocumentStore:
    return S3DocumentStore()


@cache
def workflow() -> StepFunctionsWorkflow:
    return StepFunctionsWorkflow()


@cache
def catalog_index() -> CachedCatalogIndex:
    """The search index, read from DynamoDB once per container and catalog revision."""
    return CachedCatalogIndex(repository(), get_settings().catalog_refresh_seconds)


def reset() -> None:
    for getter in (repository, documents, workflow, catalog_index):
        getter.cache_clear()


def current_caller(app: APIGatewayRestResolver) -> Caller:
    authorizer = app.current_event.request_context.authorizer
    return caller_from_claims(authorizer.claims if authorizer else None)
