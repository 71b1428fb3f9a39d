"""Every identifier of the domain, defined once: its pattern, its pydantic type, and a
plain predicate for code that validates without pydantic.

| id               | example                               | made by                    |
|------------------|---------------------------------------|----------------------------|
| application id   | `01JCX9Q8M2ZV0K7W3T5N4R6P8A` (a ULID) | `POST /applications`       |
| department code  | `MARKET`                              | the catalog                |
| task id          | `<application id>-<department code>` | the approval stage         |
| item id          | `SD-KFQ-0001`                         | the catalog                |
| material code    | `BUSINESS_LICENCE`                    | the catalog                |
| form field name  | `enterpriseName`                      | the catalog                |
| ticket id        | the application id it follows up      | a dissatisfied rating      |
| certificate no.  | `KFQ-LIC-20261126-7F3K9Q2M`           | unified issuance           |
"""

import re
from typing import Annotated

from pydantic import Field

# Crockford base32 as python-ulid writes it: no I, L, O or U.
ULID_REGEX = r"[0-9A-HJKMNP-TV-Z]{26}"
DEPARTMENT_REGEX = r"[A-Z][A-Z0-9]{1,15}"
ITEM_REGEX = r"[A-Z0-9][A-Z0-9-]{2,39}"
MATERIAL_REGEX = r"[A-Z0-9_]{2,32}"
FORM_FIELD_REGEX = r"[a-zA-Z][a-zA-Z0-9]{0,39}"

# Certificate numbers: {ZONE}-{TYPE}-{YYYYMMDD}-{8 of the code alphabet} (see issuance).
CERTIFICATE_ZONE = "KFQ"
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud, typed from paper
CERTIFICATE_TYPE_CODES = ("CFM", "FIL", "LEV", "LIC", "OTH", "PAY", "PUB", "RUL", "RWD")
CERTIFICATE_REGEX = (
    rf"{CERTIFICATE_ZONE}-(?:{'|'.join(CERTIFICATE_TYPE_CODES)})-\d{{8}}-[{CODE_ALPHABET}]{{8}}"
)
TASK_REGEX = rf"{ULID_REGEX}-{DEPARTMENT_REGEX}"

ApplicationId = Annotated[str, Field(pattern=f"^{ULID_REGEX}$")]
DepartmentCode = Annotated[str, Field(pattern=f"^{DEPARTMENT_REGEX}$")]
TaskId = Annotated[str, Field(pattern=f"^{TASK_REGEX}$")]
ItemId = Annotated[str, Field(pattern=f"^{ITEM_REGEX}$")]
MaterialCode = Annotated[str, Field(pattern=f"^{MATERIAL_REGEX}$")]
FormFieldName = Annotated[str, Field(pattern=f"^{FORM_FIELD_REGEX}$")]
TicketId = ApplicationId  # one follow-up ticket per case, named by it
CertificateNo = Annotated[str, Field(pattern=f"^{CERTIFICATE_REGEX}$")]

_APPLICATION = re.compile(ULID_REGEX)
_TASK = re.compile(f"({ULID_REGEX})-({DEPARTMENT_REGEX})")
_ITEM = re.compile(ITEM_REGEX)
_CERTIFICATE = re.compile(CERTIFICATE_REGEX)


def is_application_id(value: str) -> bool:
    return _APPLICATION.fullmatch(value) is not None


def is_item_id(value: str) -> bool:
    return _ITEM.fullmatch(value) is not None


def is_certificate_number(value: str) -> bool:
    return _CERTIFICATE.fullmatch(value) is not None


def task_id_for(application_id: str, department: str) -> str:
    """One review per department per case: a retried stage replaces, never duplicates."""
    return f"{application_id}-{department}"


def parse_task_id(task_id: str) -> tuple[str, str] | None:
    """(application id, department) of a well-formed task id, else None."""
    match = _TASK.fullmatch(task_id)
    return (match.group(1), match.group(2)) if match else None
