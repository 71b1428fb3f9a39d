"""The API's ports, created on first use and kept for the life of the container."""

from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from shared.acting import Actor
from shared.adapters.aws import client
from shared.adapters.documents import S3DocumentStore
from shared.adapters.dynamo.audit import AuditStore
from shared.adapters.dynamo.stats import StatsStore
from shared.adapters.repository import DynamoRepository
from shared.adapters.workflow import StepFunctionsBundleWorkflow, StepFunctionsWorkflow
from shared.errors import TransientError
from shared.identity import Caller, Unauthenticated, caller_from_claims
from shared.models.api import CatalogItemSummary, CatalogPage
from shared.models.common import build_models
from shared.observability import logger
from shared.services.catalog import CachedCatalogIndex
from shared.settings import MissingSetting, get_settings

if TYPE_CHECKING:  # the bundle routes import it when first called
    from shared.adapters.sms import SnsTextMessages
    from shared.services.bundles import CachedBundles


@cache
def repository() -> DynamoRepository:
    return DynamoRepository()


@cache
def audit_trail() -> AuditStore:
    return AuditStore()


@cache
def stats_ledger() -> StatsStore:
    return StatsStore()


@cache
def documents() -> S3DocumentStore:
    return S3DocumentStore()


@cache
def workflow() -> StepFunctionsWorkflow:
    return StepFunctionsWorkflow()


@cache
def bundle_workflow() -> StepFunctionsBundleWorkflow:
    return StepFunctionsBundleWorkflow()


@cache
def text_messages() -> "SnsTextMessages":
    from shared.adapters.sms import SnsTextMessages  # only the confirmation code texts

    return SnsTextMessages()


@cache
def catalog_index() -> CachedCatalogIndex:
    """The search index, read from DynamoDB once per container and catalog revision."""
    return CachedCatalogIndex(repository(), get_settings().catalog_refresh_seconds)


@cache
def bundle_cache() -> "CachedBundles":
    """The bundles (一件事), their items and the departments, read once per container and
    catalog revision."""
    from shared.services.bundles import CachedBundles

    return CachedBundles(repository(), catalog_index())


def prepare() -> None:
    """The API function's init, where Lambda gives a full core (a call gets 512 MB's share,
    0.29 of one): the DynamoDB client every route reads with, the catalog page's models
    and the search index, which the public catalog route (a visitor's usual first
    request) reads."""
    client("dynamodb")
    build_models(CatalogItemSummary, CatalogPage)
    try:
        catalog_index().preload()
    except (TransientError, MissingSetting) as error:
        # Not fatal to the container: the first search loads the index instead.
        logger.warning("search index not loaded at init", extra={"error": str(error)})


def reset() -> None:
    getters = (repository, audit_trail, stats_ledger, documents, workflow, catalog_index)
    for getter in (*getters, bundle_cache, text_messages):
        getter.cache_clear()


def current_caller(app: APIGatewayRestResolver) -> Caller:
    authorizer = app.current_event.request_context.authorizer
    return caller_from_claims(authorizer.claims if authorizer else None)


ANONYMOUS = "anonymous"


def request_actor(event: dict[str, Any]) -> Actor:
    """Who a request acts as, for the audit stamp on what it writes: the caller's name (as
    the case's history names them), or anonymous on the public routes; via the route."""
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims")
    try:
        name = caller_from_claims(claims).username
    except Unauthenticated:
        name = ANONYMOUS
    route = f"{event.get('httpMethod', '')} {event.get('resource', '')}".strip()
    return Actor(name=name, via=route, request_id=str(context.get("requestId", "")))
