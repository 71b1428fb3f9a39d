"""Names the deployed functions, the local runtime and the CDK app all use, defined once.

Standard library only: the CDK app, the local runtime and every Lambda import it.
"""

from typing import Final

# -- Cognito groups ------------------------------------------------------------------------
GROUP_CITIZEN: Final = "citizen"
GROUP_FOLLOWUP: Final = "followup"
GROUP_OPS: Final = "ops"
DEPARTMENT_GROUP_PREFIX: Final = "dept-"


def department_group(code: str) -> str:
    return f"{DEPARTMENT_GROUP_PREFIX}{code}"


# -- S3 key prefixes: applicants upload under uploads/, issuance writes under documents/ ----
UPLOADS_PREFIX: Final = "uploads/"
DOCUMENTS_PREFIX: Final = "documents/"


def upload_key(application_id: str, material_code: str, file_name: str) -> str:
    return f"{UPLOADS_PREFIX}{application_id}/{material_code}/{file_name}"


def document_key(application_id: str, file_name: str) -> str:
    return f"{DOCUMENTS_PREFIX}{application_id}/{file_name}"


# -- DynamoDB: the single table's keys and indexes -----------------------------------------
TABLE_PK: Final = "PK"
TABLE_SK: Final = "SK"
# GSI1: an owner's cases, a department's inbox, follow-up tickets by status.
GSI1: Final = "GSI1"
GSI1_PK: Final = "GSI1PK"
GSI1_SK: Final = "GSI1SK"
# GSI2: cases and pending tasks by status and due time (warnings, supervision, ops).
GSI2: Final = "GSI2"
GSI2_PK: Final = "GSI2PK"
GSI2_SK: Final = "GSI2SK"
# The one non-key attribute the indexes project: a JSON summary of what their pages show.
SUMMARY_ATTRIBUTE: Final = "summary"
INDEX_KEYS: Final = {GSI1: (GSI1_PK, GSI1_SK), GSI2: (GSI2_PK, GSI2_SK)}
IDEMPOTENCY_PK: Final = "id"
IDEMPOTENCY_TTL: Final = "expiration"

# -- The API contract: (method, path in API Gateway syntax, public) ------------------------
# Public routes have no authorizer; all others need a Cognito ID token. CDK, the local
# gateway and the API function read this list.
ROUTES: Final[list[tuple[str, str, bool]]] = [
    ("GET", "/openapi.json", True),
    ("GET", "/catalog/items", True),
    ("GET", "/catalog/items/{itemId}", True),
    ("GET", "/verify/{certificateNo}", True),
    ("POST", "/applications", False),
    ("GET", "/applications", False),
    ("GET", "/applications/{applicationId}", False),
    ("GET", "/applications/{applicationId}/timeline", False),
    ("POST", "/applications/{applicationId}/materials", False),
    ("POST", "/applications/{applicationId}/submit", False),
    ("GET", "/applications/{applicationId}/result", False),
    ("POST", "/applications/{applicationId}/feedback", False),
    ("GET", "/tasks", False),
    ("GET", "/tasks/{taskId}/materials", False),
    ("POST", "/tasks/{taskId}/decision", False),
]
PUBLIC_RESOURCES: Final = frozenset(path for _, path, public in ROUTES if public)
