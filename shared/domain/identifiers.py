"""Check characters of the two identifiers an applicant gives.

- Resident ID number (GB 11643): 17 digits and a check character, ISO 7064 MOD 11-2.
- Unified social credit code (GB 32100): 17 characters over a 31-symbol alphabet and a
  check character, MOD 31.
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

_ZONE = ZoneInfo("Asia/Shanghai")

_ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def resident_id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id_problem(value: str, today: date | None = None) -> str | None:
    """What is wrong with a resident ID number, in words an applicant can act on, or None."""
    value = value.upper()
    if not _ID_PATTERN.match(value):
        return "not a resident ID number: 17 digits, then a check character (a digit or X)"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return f"the birth date in it, {value[6:14]}, is not a date"
    # Today as the zone's calendar has it (Beijing), not the machine's (UTC).
    if born > (today or datetime.now(_ZONE).date()):
        return f"the birth date in it, {value[6:14]}, is in the future"
    if resident_id_check_char(value[:17]) != value[17]:
        return "not a valid resident ID number (check character mismatch): a digit is mistyped"
    return None


def is_valid_resident_id(value: str) -> bool:
    return resident_id_problem(value) is None


def credit_code_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(value: str) -> str | None:
    """What is wrong with a unified social credit code, in words an applicant can act on."""
    value = value.upper()
    if not _USCC_PATTERN.match(value):
        return (
            "not a unified social credit code: 18 digits and capital letters "
            "(no I, O, S, V or Z), the 3rd to 8th a region code"
        )
    if credit_code_check_char(value[:17]) != value[17]:
        return (
            "not a valid unified social credit code (check character mismatch): a character "
            "is mistyped"
        )
    return None


def is_valid_credit_code(value: str) -> bool:
    return credit_code_problem(value) is None
