"""The API resolver: routes, validation, and one mapping from errors to HTTP statuses."""

import binascii
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from functions.api import body
from functions.api.contract import HEADER_NAMES
from functions.api.dependencies import current_caller
from functions.api.routes import (
    applications,
    assistance,
    audit,
    bundle_cases,
    bundle_tasks,
    bundles,
    certificates,
    holding,
    projects,
    public,
    stats,
    supervision,
    tasks,
    window,
)
from shared import names
from shared.errors import DomainError, TransientError
from shared.identity import Unauthenticated
from shared.observability import logger

# The body deserializer bounds what json may parse (functions/api/body.py).
app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=body.loads)
app.include_router(public.router)
app.include_router(bundles.router)
app.include_router(bundle_cases.router)
app.include_router(bundle_tasks.router)
app.include_router(certificates.router)
app.include_router(assistance.router)
app.include_router(projects.router)
app.include_router(applications.router)
app.include_router(tasks.router)
app.include_router(supervision.router)
app.include_router(holding.router)
app.include_router(window.router)
app.include_router(audit.router)
app.include_router(stats.router)


def _error(
    status: int, code: str, message: str, fields: list[dict[str, Any]] | None = None
) -> Response:
    """The one error body (the `Error` schema of the OpenAPI document); `fields` is always
    there, empty when no one field is at fault."""
    payload = {"error": code, "message": message, "fields": fields or []}
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=payload)


def _field_error(err: dict[str, Any]) -> dict[str, Any]:
    loc = tuple(err.get("loc", ()))
    if err.get("type") == "json_invalid":  # loc is ("body", <offset>): name the body itself
        return {
            "field": "body",
            "message": f"body is not valid JSON: {err.get('ctx', {}).get('error', '')}",
        }
    if loc[:1] == ("header",) and len(loc) > 1:  # named as sent: "Idempotency-Key"
        loc = (HEADER_NAMES.get(str(loc[1]), loc[1]), *loc[2:])
    return {"field": ".".join(str(p) for p in loc) or "body", "message": err.get("msg", "invalid")}


def _refusal_before_validation() -> Response | None:
    """What outranks a validation error: no token (401), then a body that is not JSON on a
    route that reads one (415). Powertools validates before any middleware runs."""
    if app.current_event.resource not in names.PUBLIC_RESOURCES:
        try:
            current_caller(app)
        except Unauthenticated as denied:
            return _domain_error(denied)
    return _unsupported_media_type() if _body_is_not_json() else None


def _body_is_not_json() -> bool:
    event = app.current_event
    return body.takes_json_body(event.http_method, event.resource) and not body.is_json(
        event.headers.get("content-type")
    )


def _unsupported_media_type() -> Response:
    content_type = app.current_event.headers.get("content-type")
    message = f"the body must be {body.JSON_MEDIA_TYPE}, not {content_type}"
    return _error(415, "unsupported_media_type", message, [{"field": "body", "message": message}])


def _json_only(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    """A form-encoded body that happens to validate is still not JSON: refused with 415."""
    return _unsupported_media_type() if _body_is_not_json() else next_middleware(app)


app.use([_json_only])


@app.exception_handler(RequestValidationError)
def _invalid_request(exc: RequestValidationError) -> Response:
    refused = _refusal_before_validation()
    if refused is not None:
        return refused
    fields = [_field_error(err) for err in exc.errors()]
    named = ", ".join(f["field"] for f in fields)
    return _error(422, "validation_error", f"invalid request: {named}", fields)


@app.exception_handler(RequestUnsupportedContentType)
def _unsupported_content_type(exc: RequestUnsupportedContentType) -> Response:
    # Powertools refuses a content type it cannot parse only on a route that reads a body.
    return _refusal_before_validation() or _unsupported_media_type()


@app.exception_handler(ValueError)
def _unparseable_body(exc: ValueError) -> Response:
    """Errors Powertools raises while reading a body, before any handler of ours runs: a
    multipart Content-Type without a boundary, a base64 body (a binary media type) that is
    not base64 of UTF-8 text. A ValueError with neither cause stays a server error."""
    if _body_is_not_json() or not _body_decodes():
        return _refusal_before_validation() or _error(
            422,
            "validation_error",
            "invalid request: body",
            [{"field": "body", "message": "body is not UTF-8 text"}],
        )
    raise exc


def _body_decodes() -> bool:
    try:
        app.current_event.decoded_body  # noqa: B018 (the property decodes)
    except (UnicodeDecodeError, binascii.Error):
        return False
    return True


@app.exception_handler(DomainError)
def _domain_error(exc: DomainError) -> Response:
    fields = [{"field": name, "message": message} for name, message in exc.fields]
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
    from functions.api.contract import publish  # only GET /openapi.json and `make openapi`

    return publish(app)
