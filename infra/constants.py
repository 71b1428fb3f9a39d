"""What the CDK app and the local runtime share, so both build the same system.

Names the functions use too (groups, table keys, routes, S3 prefixes) live in
shared/names.py and setting defaults in shared/settings.py; both are re-exported here.
"""

from typing import Final

from shared.names import (
    DEPARTMENT_GROUP_PREFIX,
    DOCUMENTS_PREFIX,
    GROUP_AGENT,
    GROUP_CITIZEN,
    GROUP_FOLLOWUP,
    GROUP_OPS,
    GROUP_SUPERVISOR,
    GROUP_WINDOW,
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
    STATS_TTL,
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
    "GROUP_AGENT",
    "GROUP_CITIZEN",
    "GROUP_FOLLOWUP",
    "GROUP_OPS",
    "GROUP_SUPERVISOR",
    "GROUP_WINDOW",
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
    "STATS_TTL",
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
    # The bundle machine's steps (一件事): ready a wave's members, conclude, record failure.
    "bundle": {"memory": 256, "timeout": 30},
    # Outside the state machine: the sweep that marks late reviews overdue (on a schedule)
    # and the reconciler of executions that ended without settling their case (EventBridge).
    "deadlines": {"memory": 256, "timeout": 60},
    "reconcile": {"memory": 256, "timeout": 30},
    # The audit trail: the main table's stream, as records chained per case (and person).
    "audit": {"memory": 256, "timeout": 60},
    # The published figures: case headers and reviews from the same stream, as counters.
    "stats": {"memory": 256, "timeout": 60},
    # The user pool's post-confirmation trigger: a citizen who signed up joins `citizen`.
    # Cognito waits at most 5 s for a trigger.
    "signup": {"memory": 256, "timeout": 5},
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
# The bundle machine (一件事): its steps' function, and the case machine it starts.
BUNDLE_ASL_FUNCTIONS = ["bundle"]
BUNDLE_ASL_FILE = "statemachine/bundle.asl.json"
APPLICATION_MACHINE_SUBSTITUTION = "ApplicationStateMachineArn"

# The watchers outside the state machine (infra/constructs/watchers.py).
DEADLINE_SWEEP_MINUTES = 15
EXECUTION_STATUS_CHANGE = "Step Functions Execution Status Change"
UNSETTLED_ENDS = UNSETTLED_EXECUTION_ENDS
RECONCILE_ATTEMPTS = 5  # receives of one message before it goes to the dead-letter queue
# The stream consumers' feeds from the main table (infra/constructs/streams.py).
STREAM_BATCH_SIZE = 100
STREAM_BATCHING_SECONDS = 2
STREAM_RETRIES = 10

# Environment variables each function gets besides the POWERTOOLS_* ones; values are
# resource names CDK resolves or setting defaults. The local runtime gives the same set.
FUNCTION_ENV: dict[str, list[str]] = {
    "api": [
        "TABLE_NAME",
        "IDEMPOTENCY_TABLE_NAME",
        "AUDIT_TABLE_NAME",
        "STATS_TABLE_NAME",
        "DOCUMENTS_BUCKET",
        "STATE_MACHINE_ARN",
        "BUNDLE_STATE_MACHINE_ARN",
        "UPLOAD_URL_TTL_SECONDS",
        "DOWNLOAD_URL_TTL_SECONDS",
        "CATALOG_REFRESH_SECONDS",
        # a department's supplement request mid-approval; signing a commitment (容缺)
        "SUPPLEMENT_WAIT_DAYS",
        "COMMITMENT_DAYS",
        "COMMITMENT_BAR_DAYS",
    ],
    "acceptance": ["TABLE_NAME", "SUPPLEMENT_WAIT_DAYS", "REVIEW_MARGIN_DAYS"],
    "supplement": ["TABLE_NAME", "COMMITMENT_BAR_DAYS"],
    "bundle": ["TABLE_NAME"],
    "approval": ["TABLE_NAME"],
    "issuance": ["TABLE_NAME", "DOCUMENTS_BUCKET"],
    "delivery": ["TABLE_NAME", "COURIER", "ELECTRONIC_DELIVERY_DAYS"],
    "feedback": ["TABLE_NAME"],
    "failure": ["TABLE_NAME"],
    "deadlines": ["TABLE_NAME"],
    "reconcile": ["TABLE_NAME"],
    "audit": ["AUDIT_TABLE_NAME"],
    # TABLE_NAME: a decided review's time needs its case's clock (GetItem of the header).
    "stats": ["STATS_TABLE_NAME", "TABLE_NAME"],
    # The pool and user come in the trigger event; the group is shared/names.py's.
    "signup": [],
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
    "COMMITMENT_DAYS",
    "COMMITMENT_BAR_DAYS",
)

# The web app (web/, built into web/dist) and the API under one origin: CloudFront's
# /api/* behaviour (infra/constructs/web.py) and the local gateway (infra/local/gateway.py)
# both strip this prefix, so a browser sends no CORS preflight for the API.
WEB_API_PREFIX = "/api"
WEB_DIST_DIR = "web/dist"
WEB_CONFIG_FILE = "config.json"
# What the site serves when web/dist was not built (deployed and local alike).
WEB_PLACEHOLDER_HTML = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>OneWindow</title>'
    "<p>The web app was not built (web/dist): run <code>make web</code>, then deploy again"
    " (<code>make deploy</code> and <code>make run</code> build it themselves).</p></html>"
)


def content_security_policy(aws_origins: list[str]) -> str:
    """The site's CSP, deployed and local alike: everything from the site's own origin,
    and from `aws_origins` (Cognito's IdP API and S3, which the page calls directly:
    sign-in, presigned uploads, previews and downloads of materials and results).
    Element Plus sets inline style attributes, hence 'unsafe-inline' for styles only."""
    aws = " ".join(aws_origins)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob: {aws}",
            "font-src 'self' data:",
            f"connect-src 'self' {aws}",
            f"frame-src 'self' blob: {aws}",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            f"form-action 'self' {aws}",
            "frame-ancestors 'none'",
        ]
    )


# The other security headers of every response of the site (CloudFront's response headers
# policy deployed, the local gateway locally), besides the CSP.
HSTS_SECONDS = 2 * 365 * 24 * 3600
REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURITY_HEADERS: dict[str, str] = {
    "Strict-Transport-Security": f"max-age={HSTS_SECONDS}; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": REFERRER_POLICY,
}

# The shipped catalog's import at deployment (infra/constructs/catalog.py): outside
# FUNCTIONS, as nothing but CloudFormation invokes it. The whole list takes some seconds.
CATALOG_FUNCTION = "catalog"
CATALOG_FUNCTION_SIZING = {"memory": 512, "timeout": 300}
