"""Names the deployed functions, the local runtime and the CDK app all use, defined once.

Standard library only: the CDK app, the local runtime and every Lambda import it.
"""

import re
from typing import Final

# -- Cognito groups ------------------------------------------------------------------------
GROUP_CITIZEN: Final = "citizen"
# Service agents (帮办代办): stewards of key projects (审批管家), filing on applicants' behalf.
GROUP_AGENT: Final = "agent"
GROUP_FOLLOWUP: Final = "followup"
GROUP_OPS: Final = "ops"
# Window clerks (前台受理): any of them accepts any item (无差别一窗受理).
GROUP_WINDOW: Final = "window"
# The centre's supervisors (电子监察): every department's warnings and late tasks.
GROUP_SUPERVISOR: Final = "supervisor"
DEPARTMENT_GROUP_PREFIX: Final = "dept-"
# A department's leads: late tasks escalate to them.
DEPARTMENT_LEAD_PREFIX: Final = "lead-"


def department_group(code: str) -> str:
    return f"{DEPARTMENT_GROUP_PREFIX}{code}"


def department_lead_group(code: str) -> str:
    return f"{DEPARTMENT_LEAD_PREFIX}{code}"


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
# Who wrote a record, set on every write (shared/acting.py); the audit trail reads it.
AUDIT_STAMP: Final = "by"
INDEX_KEYS: Final = {GSI1: (GSI1_PK, GSI1_SK), GSI2: (GSI2_PK, GSI2_SK)}
IDEMPOTENCY_PK: Final = "id"
IDEMPOTENCY_TTL: Final = "expiration"
# The stats table's TTL: when the record of an event already tallied may go.
STATS_TTL: Final = "expiresAt"

# -- The API contract: (method, path in API Gateway syntax, public) ------------------------
# Public routes have no authorizer; all others need a Cognito ID token. CDK, the local
# gateway and the API function's routes (through `resolver_path`) read these.
OPENAPI: Final = "/openapi.json"
CATALOG_ITEMS: Final = "/catalog/items"
CATALOG_ITEM: Final = "/catalog/items/{itemId}"
CATALOG_ITEM_SCREENING: Final = "/catalog/items/{itemId}/screening"
VERIFY: Final = "/verify/{certificateNo}"
BUNDLES: Final = "/bundles"
BUNDLE: Final = "/bundles/{bundleId}"
BUNDLE_SCREENING: Final = "/bundles/{bundleId}/screening"
BUNDLE_APPLICATIONS: Final = "/bundles/{bundleId}/applications"
BUNDLE_CASES: Final = "/bundle-applications"
BUNDLE_CASE: Final = "/bundle-applications/{bundleCaseId}"
BUNDLE_CASE_MATERIALS: Final = f"{BUNDLE_CASE}/materials"
BUNDLE_CASE_DRAFT: Final = f"{BUNDLE_CASE}/draft"
BUNDLE_CASE_SUBMIT: Final = f"{BUNDLE_CASE}/submit"
BUNDLE_TASK: Final = "/bundle-tasks/{bundleCaseId}"
BUNDLE_TASK_DECISION: Final = f"{BUNDLE_TASK}/decision"
APPLICATIONS: Final = "/applications"
APPLICATION: Final = "/applications/{applicationId}"
APPLICATION_TIMELINE: Final = f"{APPLICATION}/timeline"
APPLICATION_DRAFT: Final = f"{APPLICATION}/draft"
APPLICATION_COMMITMENT: Final = f"{APPLICATION}/commitment"
APPLICATION_COMMITMENT_TERMS: Final = f"{APPLICATION}/commitment-terms"
APPLICATION_MATERIALS: Final = f"{APPLICATION}/materials"
APPLICATION_MATERIAL_REUSE: Final = f"{APPLICATION}/materials/reuse"
APPLICATION_REUSABLE_MATERIALS: Final = f"{APPLICATION}/reusable-materials"
APPLICATION_CERTIFICATES: Final = f"{APPLICATION}/certificates"
APPLICATION_MATERIAL_CERTIFICATE: Final = f"{APPLICATION}/materials/certificate"
APPLICATION_MATERIAL_CERTIFICATE_UNDO: Final = f"{APPLICATION}/materials/certificate/undo"
CERTIFICATE: Final = "/certificates/{certificateNo}"
CERTIFICATE_REVOCATION: Final = "/certificates/{certificateNo}/revocation"
APPLICATION_SUBMIT: Final = f"{APPLICATION}/submit"
APPLICATION_RESULT: Final = f"{APPLICATION}/result"
APPLICATION_FEEDBACK: Final = f"{APPLICATION}/feedback"
APPLICATION_AUDIT: Final = f"{APPLICATION}/audit"
APPLICATION_CONFIRMATION_CODE: Final = f"{APPLICATION}/confirmation-code"
APPLICATION_CONFIRMATION: Final = f"{APPLICATION}/confirmation"
APPLICATION_CONFIRMATION_PREVIEW: Final = f"{APPLICATION}/confirmation/preview"
APPLICATION_ASSIST_SESSIONS: Final = f"{APPLICATION}/assist-sessions"
APPLICATION_ASSIST_SESSION_END: Final = f"{APPLICATION}/assist-sessions/{{sessionId}}/end"
AGENT_APPLICATIONS: Final = "/agent/applications"
AUDIT: Final = "/audit"
AUDIT_EXPORT: Final = "/audit/export"
STATS_ITEMS: Final = "/stats/items"
STATS_DEPARTMENTS: Final = "/stats/departments"
TASKS: Final = "/tasks"
TASK_DECISIONS: Final = "/tasks/decisions"
TASK: Final = "/tasks/{taskId}"
TASK_MATERIALS: Final = "/tasks/{taskId}/materials"
TASK_DECISION: Final = "/tasks/{taskId}/decision"
TASK_SPECIAL_PROCEDURES: Final = "/tasks/{taskId}/special-procedures"
TASK_SPECIAL_PROCEDURE_END: Final = "/tasks/{taskId}/special-procedures/{procedureId}/end"
TASK_EXTENSIONS: Final = "/tasks/{taskId}/extensions"
TASK_SUPPLEMENT_REQUEST: Final = "/tasks/{taskId}/supplement-request"
TASK_CLAIM: Final = "/tasks/{taskId}/claim"
TASK_RELEASE: Final = "/tasks/{taskId}/release"
TASK_ASSIGNMENT: Final = "/tasks/{taskId}/assignment"
DELEGATIONS: Final = "/delegations"
DELEGATION_CURRENT: Final = "/delegations/current"
DELEGATION_END: Final = "/delegations/current/end"
SUPERVISION_OVERDUE: Final = "/supervision/overdue"
PROJECTS: Final = "/projects"
PROJECT: Final = "/projects/{projectId}"
PROJECT_ROADMAP: Final = f"{PROJECT}/roadmap"
PROJECT_CASES: Final = f"{PROJECT}/cases"
PROJECT_LOG: Final = f"{PROJECT}/log"
WINDOW_TASKS: Final = "/window/tasks"
WINDOW_TASK: Final = "/window/tasks/{taskId}"
WINDOW_TASK_MATERIALS: Final = "/window/tasks/{taskId}/materials"
WINDOW_TASK_DECISION: Final = "/window/tasks/{taskId}/decision"

ROUTES: Final[list[tuple[str, str, bool]]] = [
    ("GET", OPENAPI, True),
    ("GET", CATALOG_ITEMS, True),
    ("GET", CATALOG_ITEM, True),
    ("POST", CATALOG_ITEM_SCREENING, True),
    ("GET", VERIFY, True),
    ("GET", BUNDLES, True),
    ("GET", BUNDLE, True),
    ("POST", BUNDLE_SCREENING, True),
    ("GET", STATS_ITEMS, True),
    ("GET", STATS_DEPARTMENTS, True),
    ("POST", APPLICATIONS, False),
    ("GET", APPLICATIONS, False),
    ("GET", APPLICATION, False),
    ("GET", APPLICATION_TIMELINE, False),
    ("POST", APPLICATION_DRAFT, False),
    ("POST", APPLICATION_COMMITMENT, False),
    ("GET", APPLICATION_COMMITMENT_TERMS, False),
    ("POST", APPLICATION_MATERIALS, False),
    ("POST", APPLICATION_MATERIAL_REUSE, False),
    ("GET", APPLICATION_REUSABLE_MATERIALS, False),
    ("GET", APPLICATION_CERTIFICATES, False),
    ("POST", APPLICATION_MATERIAL_CERTIFICATE, False),
    ("POST", APPLICATION_MATERIAL_CERTIFICATE_UNDO, False),
    ("GET", CERTIFICATE, False),
    ("POST", CERTIFICATE_REVOCATION, False),
    ("POST", APPLICATION_SUBMIT, False),
    ("GET", APPLICATION_RESULT, False),
    ("POST", APPLICATION_FEEDBACK, False),
    ("GET", APPLICATION_AUDIT, False),
    ("POST", APPLICATION_CONFIRMATION_CODE, False),
    ("POST", APPLICATION_CONFIRMATION, False),
    ("POST", APPLICATION_CONFIRMATION_PREVIEW, False),
    ("GET", APPLICATION_ASSIST_SESSIONS, False),
    ("POST", APPLICATION_ASSIST_SESSIONS, False),
    ("POST", APPLICATION_ASSIST_SESSION_END, False),
    ("GET", AGENT_APPLICATIONS, False),
    ("POST", BUNDLE_APPLICATIONS, False),
    ("GET", BUNDLE_CASES, False),
    ("GET", BUNDLE_CASE, False),
    ("POST", BUNDLE_CASE_MATERIALS, False),
    ("POST", BUNDLE_CASE_DRAFT, False),
    ("POST", BUNDLE_CASE_SUBMIT, False),
    ("GET", BUNDLE_TASK, False),
    ("POST", BUNDLE_TASK_DECISION, False),
    ("GET", AUDIT, False),
    ("GET", AUDIT_EXPORT, False),
    ("GET", TASKS, False),
    ("POST", TASK_DECISIONS, False),
    ("GET", TASK, False),
    ("GET", TASK_MATERIALS, False),
    ("POST", TASK_DECISION, False),
    ("POST", TASK_SPECIAL_PROCEDURES, False),
    ("POST", TASK_SPECIAL_PROCEDURE_END, False),
    ("POST", TASK_EXTENSIONS, False),
    ("POST", TASK_SUPPLEMENT_REQUEST, False),
    ("POST", TASK_CLAIM, False),
    ("POST", TASK_RELEASE, False),
    ("POST", TASK_ASSIGNMENT, False),
    ("POST", DELEGATIONS, False),
    ("GET", DELEGATION_CURRENT, False),
    ("POST", DELEGATION_END, False),
    ("GET", SUPERVISION_OVERDUE, False),
    ("POST", PROJECTS, False),
    ("GET", PROJECTS, False),
    ("GET", PROJECT, False),
    ("GET", PROJECT_ROADMAP, False),
    ("GET", PROJECT_CASES, False),
    ("POST", PROJECT_CASES, False),
    ("GET", PROJECT_LOG, False),
    ("POST", PROJECT_LOG, False),
    ("GET", WINDOW_TASKS, False),
    ("GET", WINDOW_TASK, False),
    ("GET", WINDOW_TASK_MATERIALS, False),
    ("POST", WINDOW_TASK_DECISION, False),
]
PUBLIC_RESOURCES: Final = frozenset(path for _, path, public in ROUTES if public)


def resolver_path(path: str) -> str:
    """A contract path as Powertools' resolver writes it: `{id}` becomes `<id>`."""
    return re.sub(r"\{(\w+)\}", r"<\1>", path)


# What the issuance function counts each time it raises AwaitingCommitment (a 容缺 case
# waiting, not a fault): its errors alarm subtracts it (infra/constructs/monitoring.py).
AWAITING_COMMITMENT_METRIC: Final = "IssuanceAwaitingCommitment"
