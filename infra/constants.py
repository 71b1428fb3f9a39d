"""What the CDK app and the local runtime share, so both build the same system.

Names the functions use too (groups, table keys, routes, S3 prefixes) live in
shared/names.py and setting defaults in shared/settings.py; both are re-exported here.
"""

from typing import Final

from shared.names import (
    DEPARTMENT_GROUP_PREFIX,
    DOCUMENTS_PREFIX,
    GROUP_CITIZEN,
    GROUP_FOLLOWUP,
    GROUP_OPS,
    GSI1,
    GSI1_PK,
    GSI1_SK,
    GSI2,
    GSI2_PK,
    GSI2_SK,
    IDEMPOTENCY_PK,
    IDEMPOTENCY_TTL,
    INDEX_KEYS,
    ROUTES,
    SUMMARY_ATTRIBUTE,
    TABLE_PK,
    TABLE_SK,
    UPLOADS_PREFIX,
)
from shared.settings import setting_defaults
from shared.stages.reconcile import UNSETTLED_ENDS as UNSETTLED_EXECUTION_ENDS

__all__ = [
    "DEPARTMENT_GROUP_PREFIX",
    "DOCUMENTS_PREFIX",
    "GROUP_CITIZEN",
    "GROUP_FOLLOWUP",
    "GROUP_OPS",
    "GSI1",
    "GSI1_PK",
    "GSI1_SK",
    "GSI2",
    "GSI2_PK",
    "GSI2_SK",
    "IDEMPOTENCY_PK",
    "IDEMPOTENCY_TTL",
    "INDEX_KEYS",
    "ROUTES",
    "SUMMARY_ATTRIBUTE",
    "TABLE_PK",
    "TABLE_SK",
    "UPLOADS_PREFIX",
]

SERVICE_NAME = "onewindow"
STACK_NAME = "OneWindow"
METRICS_NAMESPACE = "OneWindow"
LAMBDA_RUNTIME: Final = "python3.13"
LOG_RETENTION_DAYS = 365

# One entry per Lambda: the package under functions/, its memory and timeout. The key
# doubles as the construct id and as the ASL substitution prefix. Each stage is named
# after the stage it runs; `delivery` is the mailing stage (it also covers pickup and
# download).
FUNCTIONS: dict[str, dict[str, int]] = {
    "api": {"memory": 512, "timeout": 29},
    "acceptance": {"memory": 256, "timeout": 30},
    "supplement": {"memory": 256, "timeout": 15},
    "approval": {"memory": 256, "timeout": 15},
    "issuance": {"memory": 512, "timeout": 60},
    "delivery": {"memory": 256, "timeout": 30},
    "feedback": {"memory": 256, "timeout": 15},
    "failure": {"memory": 256, "timeout": 15},
    # Outside the state machine: the sweep that marks late reviews overdue (on a schedule)
    # and the reconciler of executions that ended without settling their case (EventBridge).
    "deadlines": {"memory": 256, "timeout": 60},
    "reconcile": {"memory": 256, "timeout": 30},
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
    "approval",
    "issuance",
    "delivery",
    "feedback",
    "failure",
]
ASL_FILE = "statemachine/application.asl.json"

# The watchers outside the state machine (infra/constructs/watchers.py).
DEADLINE_SWEEP_MINUTES = 15
EXECUTION_STATUS_CHANGE = "Step Functions Execution Status Change"
UNSETTLED_ENDS = UNSETTLED_EXECUTION_ENDS
RECONCILE_ATTEMPTS = 5  # receives of one message before it goes to the dead-letter queue

# Environment variables each function gets besides the POWERTOOLS_* ones; values are
# resource names CDK resolves or setting defaults. The local runtime gives the same set.
FUNCTION_ENV: dict[str, list[str]] = {
    "api": [
        "TABLE_NAME",
        "IDEMPOTENCY_TABLE_NAME",
        "DOCUMENTS_BUCKET",
        "STATE_MACHINE_ARN",
        "UPLOAD_URL_TTL_SECONDS",
        "DOWNLOAD_URL_TTL_SECONDS",
        "CATALOG_REFRESH_SECONDS",
    ],
    "acceptance": ["TABLE_NAME", "SUPPLEMENT_WAIT_DAYS", "REVIEW_MARGIN_DAYS"],
    "supplement": ["TABLE_NAME"],
    "approval": ["TABLE_NAME"],
    "issuance": ["TABLE_NAME", "DOCUMENTS_BUCKET"],
    "delivery": ["TABLE_NAME", "COURIER", "ELECTRONIC_DELIVERY_DAYS"],
    "feedback": ["TABLE_NAME"],
    "failure": ["TABLE_NAME"],
    "deadlines": ["TABLE_NAME"],
    "reconcile": ["TABLE_NAME"],
}
# Defaults of the settings CDK deploys, taken from the settings model (shared/settings.py).
SETTING_DEFAULTS: dict[str, str] = setting_defaults(
    "UPLOAD_URL_TTL_SECONDS",
    "DOWNLOAD_URL_TTL_SECONDS",
    "CATALOG_REFRESH_SECONDS",
    "SUPPLEMENT_WAIT_DAYS",
    "REVIEW_MARGIN_DAYS",
    "COURIER",
    "ELECTRONIC_DELIVERY_DAYS",
)
