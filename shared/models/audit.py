"""The audit trail: one record per change of a case's (or a person's) records, in order,
each carrying the hash of the one before it (shared/domain/audit.py)."""

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from shared.models.common import ApiModel

AuditChangeKind = Literal["created", "changed", "deleted"]


class FieldChange(ApiModel):
    """One field of the record, as it was and as it became (None: absent)."""

    field: str
    before: Any = None
    after: Any = None


class AuditRecord(ApiModel):
    subject: str = Field(description="Whose trail: `APP#<applicationId>`, `USER#<name>`, …")
    seq: int = Field(ge=1, description="Position in the subject's trail, from 1, no gaps")
    at: datetime = Field(description="When the change was written")
    actor: str = Field(description="Who changed it: a person's name, or `system`")
    on_behalf_of: str | None = Field(default=None, description="For whom, if not for themselves")
    via: str = Field(description="How: the API route, or the function that ran")
    request_id: str = ""
    record: str = Field(description="Which record: HEADER, REVIEW#<dept>, MATERIAL#<code>, …")
    change: AuditChangeKind
    action: str = Field(description="What was done, in the history's words where it has them")
    changes: list[FieldChange] = Field(default_factory=list)
    source: str = Field(description="The stream event the record was made from")
    previous_hash: str = Field(description="The hash of record seq-1 (64 zeros for the first)")
    hash: str = Field(description="SHA-256 over this record without its hash")


class ChainCheck(ApiModel):
    intact: bool
    checked: int = Field(description="Records whose hash and link were checked")
    broken_at: int | None = Field(default=None, description="The first record that fails")


class AuditPage(ApiModel):
    items: list[AuditRecord]
    next_cursor: str | None = None
    chain: ChainCheck
