"""The API's ports, created on first use and kept for the life of the container."""

from functools import cache

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from shared.adapters.documents import S3DocumentStore
from shared.adapters.repository import DynamoRepository
from shared.adapters.workflow import StepFunctionsWorkflow
from shared.identity import Caller, caller_from_claims


@cache
def repository() -> DynamoRepository:
    return DynamoRepository()


@cache
def documents() -> S3DocumentStore:
    return S3DocumentStore()


@cache
def workflow() -> StepFunctionsWorkflow:
    return StepFunctionsWorkflow()


def reset() -> None:
    for getter in (repository, documents, workflow):
        getter.cache_clear()


def current_caller(app: APIGatewayRestResolver) -> Caller:
    authorizer = app.current_event.request_context.authorizer
    return caller_from_claims(authorizer.claims if authorizer else None)
