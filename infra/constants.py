"""Names the CDK app and the local runtime share, so both build the same system."""

from typing import Final

SERVICE_NAME = "onewindow"
STACK_NAME = "OneWindow"
METRICS_NAMESPACE = "OneWindow"
LAMBDA_RUNTIME: Final = "python3.13"
LOG_RETENTION_DAYS = 365

# One entry per Lambda: the package under functions/, its memory and timeout.
# The key doubles as the construct id and as the ASL substitution prefix.
FUNCTIONS: dict[str, dict[str, int]] = {
    "api": {"memory": 512, "timeout": 29},
    "acceptance": {"memory": 256, "timeout": 30},
    "supplement": {"memory": 256, "timeout": 15},
    "review": {"memory": 256, "timeout": 15},
    "issuance": {"memory": 512, "timeout": 60},
    "delivery": {"memory": 256, "timeout": 30},
    "feedback": {"memory": 256, "timeout": 15},
    "failure": {"memory": 256, "timeout": 15},
}


def runtime_environment(key: str) -> dict[str, str]:
    """The variables every function gets besides FUNCTION_ENV's, deployed and local alike."""
    return {
        "POWERTOOLS_SERVICE_NAME": f"{SERVICE_NAME}-{key}",
        "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        "POWERTOOLS_LOG_LEVEL": "INFO",
        # We use no pydantic plugins; looking for them scans every installed package's
        # metadata on the first model, ~20 ms of each cold start.
        "PYDANTIC_DISABLE_PLUGINS": "__all__",
    }


# Placeholders in infra/statemachine/application.asl.json, filled with function ARNs.
def asl_substitution_key(function_key: str) -> str:
    return f"{function_key.capitalize()}FunctionArn"


ASL_FUNCTIONS = [
    "acceptance",
    "supplement",
    "review",
    "issuance",
    "delivery",
    "feedback",
    "failure",
]
ASL_FILE = "statemachine/application.asl.json"

# Cognito groups besides one `dept-<code>` per catalog department.
GROUP_CITIZEN = "citizen"
GROUP_FOLLOWUP = "followup"
GROUP_OPS = "ops"
DEPARTMENT_GROUP_PREFIX = "dept-"

# DynamoDB single-table keys.
TABLE_PK = "PK"
TABLE_SK = "SK"
GSI1 = "GSI1"
GSI1_PK = "GSI1PK"
GSI1_SK = "GSI1SK"
IDEMPOTENCY_PK = "id"
IDEMPOTENCY_TTL = "expiration"

# The API contract: (method, path in API Gateway syntax, public). Public routes have no
# authorizer; all others need a Cognito ID token. CDK and the local gateway read this list.
ROUTES: list[tuple[str, str, bool]] = [
    ("GET", "/openapi.json", True),
    ("GET", "/catalog/items", True),
    ("GET", "/catalog/items/{itemId}", True),
    ("GET", "/verify/{certificateNo}", True),
    ("POST", "/applications", False),
    ("GET", "/applications", False),
    ("GET", "/applications/{applicationId}", False),
    ("POST", "/applications/{applicationId}/materials", False),
    ("POST", "/applications/{applicationId}/submit", False),
    ("GET", "/applications/{applicationId}/result", False),
    ("POST", "/applications/{applicationId}/feedback", False),
    ("GET", "/tasks", False),
    ("GET", "/tasks/{taskId}/materials", False),
    ("POST", "/tasks/{taskId}/decision", False),
]

# Environment variables each function gets besides the POWERTOOLS_* ones; values are
# resource names CDK resolves. The local runtime gives the same set.
FUNCTION_ENV: dict[str, list[str]] = {
    "api": [
        "TABLE_NAME",
        "IDEMPOTENCY_TABLE_NAME",
        "DOCUMENTS_BUCKET",
        "STATE_MACHINE_ARN",
        "UPLOAD_URL_TTL_SECONDS",
        "DOWNLOAD_URL_TTL_SECONDS",
    ],
    "acceptance": ["TABLE_NAME", "SUPPLEMENT_WAIT_DAYS"],
    "supplement": ["TABLE_NAME"],
    "review": ["TABLE_NAME"],
    "issuance": ["TABLE_NAME", "DOCUMENTS_BUCKET"],
    "delivery": ["TABLE_NAME", "COURIER", "ELECTRONIC_DELIVERY_DAYS"],
    "feedback": ["TABLE_NAME"],
    "failure": ["TABLE_NAME"],
}
SETTING_DEFAULTS = {
    "UPLOAD_URL_TTL_SECONDS": "900",
    "DOWNLOAD_URL_TTL_SECONDS": "600",
    "SUPPLEMENT_WAIT_DAYS": "20",
    "COURIER": "simulated",
    "ELECTRONIC_DELIVERY_DAYS": "30",
}

# S3 key prefixes: applicants upload under uploads/, issuance writes under documents/.
UPLOADS_PREFIX = "uploads/"
DOCUMENTS_PREFIX = "documents/"
