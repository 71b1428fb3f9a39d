"""The audit trail: a case's, read by its parties; an actor's, read by the centre; and the
CSV export for ops. Records are never changed through the API: only the audit function
adds them, from the table's stream."""

from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.contract import DESCRIPTIONS, FORBIDDEN, NOT_FOUND, UNAVAILABLE, responses
from functions.api.dependencies import audit_trail, current_caller, repository
from shared import names
from shared.models.audit import AuditPage
from shared.services import audit

router = APIGatewayRouter()
ActorName = Annotated[str, Query(min_length=1, max_length=200)]
Moment = Annotated[datetime | None, Query()]
Cursor = Annotated[str | None, Query(max_length=2000)]
_CENTRE = "Not a supervisor (group `supervisor`) or ops (group `ops`)"
NEXT_CURSOR_HEADER = "X-Next-Cursor"


@router.get(
    names.resolver_path(names.APPLICATION_AUDIT),
    summary="The case's audit trail, oldest first, with the check of its hash chain",
    description=(
        "Every change of the case's records: who (and on whose behalf), when, through "
        "what, and each field before and after. Each record carries the hash of the one "
        "before it; `chain` says whether this page's records and their links hold. For "
        "the applicant, the staff of a reviewing department, a window clerk who had the "
        "case, supervisors, ops and the steward of the key project it is in; anyone else "
        "gets 404."
    ),
    tags=["audit"],
    responses=responses(
        errors={
            NOT_FOUND: "No such case, or the caller is not a party to it",
            UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
        }
    ),
)
def case_trail(
    application_id: Annotated[str, Path(alias="applicationId", max_length=40)],
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Cursor = None,
) -> AuditPage:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return audit.case_trail(caller, application_id, limit, cursor, repo, audit_trail(), repo)


@router.get(
    names.resolver_path(names.AUDIT),
    summary="What one actor did, newest first, optionally within [since, until)",
    description=(
        "For the centre's supervisors and ops. `actor` is a person's name as the trail "
        "records it; the system's own writes (the stages') are in each case's trail, not "
        "listed here. Each record's own hash is checked; the links belong to each case's "
        "trail."
    ),
    tags=["audit"],
    responses=responses(errors={FORBIDDEN: _CENTRE, UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE]}),
)
def actor_trail(
    actor: ActorName,
    since: Moment = None,
    until: Moment = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Cursor = None,
) -> AuditPage:
    caller = current_caller(router)  # type: ignore[arg-type]
    return audit.actor_trail(caller, actor, since, until, limit, cursor, audit_trail())


@router.get(
    names.resolver_path(names.AUDIT_EXPORT),
    summary="Export a case's or an actor's audit trail as CSV (ops), a page at a time",
    description=(
        "Exactly one of `applicationId` and `actor`. UTF-8 CSV with a header row; the "
        "field changes are a JSON array in one column. The next page's cursor is in the "
        f"`{NEXT_CURSOR_HEADER}` header, absent on the last page. A cell that a "
        "spreadsheet would read as a formula is prefixed with `'`."
    ),
    tags=["audit"],
    responses={
        200: {
            "description": "The records as CSV",
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "headers": {
                NEXT_CURSOR_HEADER: {
                    "description": "The cursor of the next page",
                    "schema": {"type": "string"},
                }
            },
        },
        **responses(
            errors={
                FORBIDDEN: "Not ops (group `ops`)",
                UNAVAILABLE: DESCRIPTIONS[UNAVAILABLE],
            }
        ),
    },
)
def export(
    application_id: Annotated[str | None, Query(alias="applicationId", max_length=40)] = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    since: Moment = None,
    until: Moment = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    cursor: Cursor = None,
) -> Response[str]:
    caller = current_caller(router)  # type: ignore[arg-type]
    body, next_cursor = audit.export_page(
        caller, application_id, actor, since, until, limit, cursor, audit_trail()
    )
    headers = {NEXT_CURSOR_HEADER: next_cursor} if next_cursor else {}
    return Response(
        status_code=200, content_type="text/csv; charset=utf-8", body=body, headers=headers
    )
