"""The API resolver: routes, validation, and one mapping from errors to HTTP statuses."""

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from functions.api.routes import applications, public, tasks
from shared.errors import DomainError, TransientError
from shared.observability import logger

app = APIGatewayRestResolver(enable_validation=True)
app.include_router(public.router)
app.include_router(applications.router)
app.include_router(tasks.router)

API_TITLE = "OneWindow API"
API_VERSION = "1.0.0"


def _error(status: int, code: str, message: str, fields: list[dict[str, Any]] | None = None) -> Response:
    body: dict[str, Any] = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


@app.exception_handler(RequestValidationError)
def _invalid_request(exc: RequestValidationError) -> Response:
    fields = [{"field": ".".join(str(p) for p in err.get("loc", ())) or "body",
               "message": err.get("msg", "invalid")} for err in exc.errors()]
    names = ", ".join(f["field"] for f in fields)
    return _error(422, "validation_error", f"invalid request: {names}", fields)


@app.exception_handler(DomainError)
def _domain_error(exc: DomainError) -> Response:
    fields = [{"field": exc.field, "message": exc.message}] if exc.field else None
    return _error(exc.status_code, exc.code, exc.message, fields)


@app.exception_handler(TransientError)
def _transient(exc: TransientError) -> Response:
    logger.warning("transient failure", extra={"error": str(exc)})
    return _error(503, "unavailable", "the service is busy; retry shortly")


@app.get("/openapi.json", include_in_schema=False)
def openapi() -> Response:
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON,
                    body=openapi_document())


def openapi_document() -> str:
    return app.get_openapi_json_schema(
        title=API_TITLE, version=API_VERSION,
        description="OneWindow: one-stop government services (1+3+N). Routes other than the "
                    "catalog, verification and this document need a Cognito ID token in the "
                    "Authorization header.",
    )
