"""Names the CDK app and the local runtime share, so both build the same system."""

SERVICE_NAME = "onewindow"
STACK_NAME = "OneWindow"
METRICS_NAMESPACE = "OneWindow"
LAMBDA_RUNTIME = "python3.13"
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

# Placeholders in infra/statemachine/application.asl.json, filled with function ARNs.
def asl_substitution_key(function_key: str) -> str:
    return f"{function_key.capitalize()}FunctionArn"


ASL_FUNCTIONS = ["acceptance", "supplement", "review", "issuance", "delivery", "feedback", "failure"]
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
