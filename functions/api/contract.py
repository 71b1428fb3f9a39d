"""The published contract: what each operation can answer, and who may call it.

Routes declare their own outcomes with `responses(...)` (cheap: plain dicts at import).
`publish` then completes the document Powertools generates with what follows from the
contract itself, so no route can forget it: the Cognito security scheme on every route
that is not public in shared/names.py, and the statuses the gateway and the resolver give
every such route (401; 415 and 422 where a body or parameter can be wrong; 429).
"""

import json
from typing import Any

API_TITLE = "OneWindow API"
API_VERSION = "1.0.0"
API_DESCRIPTION = (
    "OneWindow: one-stop government services (1+3+N). Routes other than the catalog, "
    "verification and this document need a Cognito ID token in the Authorization header. "
    "Every error is an `Error`: `error` (a code), `message`, and `fields` naming each "
    "field at fault."
)
ERROR_SCHEMA = "Error"
GATEWAY_ERROR_SCHEMA = "GatewayError"
SECURITY_SCHEME = "CognitoIdToken"
_REF = "#/components/schemas/"

FORBIDDEN = 403
NOT_FOUND = 404
CONFLICT = 409
UNAVAILABLE = 503
DESCRIPTIONS = {
    FORBIDDEN: "The caller is not staff of the department this concerns",
    NOT_FOUND: "No such resource, or not the caller's",
    CONFLICT: "The case's state does not allow this now, or a concurrent request won",
    UNAVAILABLE: "A backing service is busy: retry shortly with backoff",
}
# Powertools lower-cases header names; errors and the document name them as clients send.
HEADER_NAMES = {"idempotency-key": "Idempotency-Key"}
# Statuses whose body may come from API Gateway itself (its gateway responses are
# `{"message": ...}`), not from the API function.
_FROM_THE_GATEWAY = {401, 429}


def _error_response(description: str, schema: str = ERROR_SCHEMA) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"{_REF}{schema}"}}},
    }


def responses(
    success: int = 200,
    errors: dict[int, str] | tuple[int, ...] = (),
    *,
    description: str = "OK",
) -> dict[int, Any]:
    """A route's own outcomes: its success (schema from its return type) and the error
    statuses its use case can raise, each with the `Error` body."""
    described = errors if isinstance(errors, dict) else {s: DESCRIPTIONS[s] for s in errors}
    declared: dict[int, Any] = {success: {"description": description}}
    declared.update({status: _error_response(text) for status, text in described.items()})
    return declared


def publish(app: Any) -> str:
    """The OpenAPI document served at GET /openapi.json (and written by `make openapi`)."""
    from shared import names

    document: dict[str, Any] = json.loads(
        app.get_openapi_json_schema(
            title=API_TITLE, version=API_VERSION, description=API_DESCRIPTION
        )
    )
    public = {(method.lower(), path) for method, path, is_public in names.ROUTES if is_public}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            _complete(operation, public=(method, path) in public)
    _add_components(document)
    document["security"] = [{SECURITY_SCHEME: []}]
    return json.dumps(document, indent=2, ensure_ascii=False)


def _complete(operation: dict[str, Any], *, public: bool) -> None:
    answers: dict[str, Any] = operation.setdefault("responses", {})
    takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
    answers.pop("422", None)  # Powertools' own shape: the API answers with `Error`
    if takes_input:
        answers["422"] = _error_response("A parameter or the body is invalid: `fields` names each")
    if "requestBody" in operation:
        answers["415"] = _error_response("The body is not application/json")
    for parameter in operation.get("parameters", []):
        parameter["name"] = HEADER_NAMES.get(parameter["name"], parameter["name"])
    operation["security"] = [] if public else [{SECURITY_SCHEME: []}]
    if not public:
        answers["401"] = _gateway_error("No valid Cognito ID token in the Authorization header")
    answers["429"] = _gateway_error("Throttled by API Gateway: retry with backoff")
    operation["responses"] = dict(sorted(answers.items()))


def _gateway_error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {
                    "anyOf": [
                        {"$ref": f"{_REF}{ERROR_SCHEMA}"},
                        {"$ref": f"{_REF}{GATEWAY_ERROR_SCHEMA}"},
                    ]
                }
            }
        },
    }


def _add_components(document: dict[str, Any]) -> None:
    from shared.models.api import ErrorBody, GatewayError

    components = document.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    # Powertools' own validation error shapes: the API answers `Error` instead.
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(unused, None)
    template = _REF + "{model}"
    error = ErrorBody.model_json_schema(ref_template=template, mode="serialization")
    schemas.update(error.pop("$defs", {}))
    schemas[ERROR_SCHEMA] = error
    schemas[GATEWAY_ERROR_SCHEMA] = GatewayError.model_json_schema(mode="serialization")
    components["securitySchemes"] = {
        SECURITY_SCHEME: {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A Cognito user pool ID token, checked by API Gateway's Cognito authorizer: "
                "the token itself (a `Bearer ` prefix is not needed). Groups in the token "
                "decide the rest: `dept-<CODE>` for department staff."
            ),
            "x-amazon-apigateway-authtype": "cognito_user_pools",
        }
    }
