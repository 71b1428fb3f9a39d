"""The API resolver: routes, validation, and one mapping from errors to HTTP statuses."""

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from functions.api.dependencies import current_caller
from functions.api.routes import applications, public, tasks
from shared import names
from shared.errors import DomainError, TransientError
from shared.identity import Unauthenticated
from shared.observability import logger

app = APIGatewayRestResolver(enable_validation=True)
app.include_router(public.router)
app.include_router(applications.router)
app.include_router(tasks.router)

API_TITLE = "OneWindow API"
API_VERSION = "1.0.0"


def _error(
    status: int, code: str, message: str, fields: list[dict[str, Any]] | None = None
) -> Response:
    body: dict[str, Any] = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def _field_error(err: dict[str, Any]) -> dict[str, Any]:
    if err.get("type") == "json_invalid":  # loc is ("body", <offset>): name the body itself
        return {
            "field": "body",
            "message": f"body is not valid JSON: {err.get('ctx', {}).get('error', '')}",
        }
    return {
        "field": ".".join(str(p) for p in err.get("loc", ())) or "body",
        "message": err.get("msg", "invalid"),
    }


@app.exception_handler(RequestValidationError)
def _invalid_request(exc: RequestValidationError) -> Response:
    # Validation runs before the route; a caller without a token learns nothing but 401.
    if app.current_event.resource not in names.PUBLIC_RESOURCES:
        try:
            current_caller(app)
        except Unauthenticated as denied:
            return _domain_error(denied)
    fields = [_field_error(err) for err in exc.errors()]
    named = ", ".join(f["field"] for f in fields)
    return _error(422, "validation_error", f"invalid request: {named}", fields)


@app.exception_handler(DomainError)
def _domain_error(exc: DomainError) -> Response:
    fields = [{"field": name, "message": message} for name, message in exc.fields] or None
    return _error(exc.status_code, exc.code, exc.message, fields)


@app.exception_handler(TransientError)
def _transient(exc: TransientError) -> Response:
    logger.warning("transient failure", extra={"error": str(exc)})
    return _error(503, "unavailable", "the service is busy; retry shortly")


# Listed in the document itself: it is a public route of the contract (infra/constants.py).
# The annotation must be parametrised: a bare `Response` breaks building the document.
@app.get(
    names.resolver_path(names.OPENAPI),
    summary="This OpenAPI document",
    tags=["meta"],
    responses={
        200: {
            "description": "The OpenAPI 3 document",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def openapi() -> Response[str]:
    return Response(
        status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_document()
    )


def openapi_document() -> str:
    return app.get_openapi_json_schema(
        title=API_TITLE,
        version=API_VERSION,
        description="OneWindow: one-stop government services (1+3+N). Routes other than the "
        "catalog, verification and this document need a Cognito ID token in the "
        "Authorization header.",
    )
