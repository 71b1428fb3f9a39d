"""Check characters of resident ID numbers (GB 11643) and credit codes (GB 32100)."""

from datetime import date

import pytest

from shared.domain.identifiers import (
    credit_code_problem,
    is_valid_credit_code,
    is_valid_resident_id,
    resident_id_problem,
)


@pytest.mark.parametrize(
    "resident_id",
    [
        "370202199003071233",  # Qingdao, check digit 3
        "370102198506154321",  # Jinan, check digit 1
        "11010519491231002X",  # the GB 11643 example, check character X
        "11010519491231002x",  # typed with a lower-case x
    ],
)
def test_valid_resident_ids_are_accepted(resident_id: str) -> None:
    # Given a real-format resident ID number with the right check character
    # When it is checked
    # Then the applicant can go on
    assert is_valid_resident_id(resident_id)


@pytest.mark.parametrize(
    ("resident_id", "why"),
    [
        ("370202199003071234", "wrong check digit"),
        ("110105194912310021", "digit where the check character must be X"),
        ("370202199002301235", "30 February is no birth date"),
        ("370202199013071231", "month 13"),
        ("37020219900307123", "17 characters"),
        ("3702021990030712334", "19 characters"),
        ("37020219900307123A", "letter other than X"),
        ("", "empty"),
    ],
)
def test_invalid_resident_ids_are_refused(resident_id: str, why: str) -> None:
    # Given a resident ID number with a typo or an impossible value
    # When it is checked
    # Then it is refused before the application reaches the window
    assert not is_valid_resident_id(resident_id), why


@pytest.mark.parametrize(
    "credit_code",
    ["91350100M000100Y43", "91110000600037341L", "91110000600037341l"],
)
def test_valid_credit_codes_are_accepted(credit_code: str) -> None:
    # Given an enterprise's unified social credit code with the right check character
    # When it is checked
    # Then it is accepted, whatever the case it was typed in
    assert is_valid_credit_code(credit_code)


@pytest.mark.parametrize(
    ("credit_code", "why"),
    [
        ("91350100M000100Y44", "wrong check character"),
        ("91110000600037341K", "wrong check character"),
        ("91350100M000100I43", "I is not in the alphabet"),
        ("91350100M000100O43", "O is not in the alphabet"),
        ("91350100M000100S43", "S is not in the alphabet"),
        ("91350100M000100V43", "V is not in the alphabet"),
        ("91350100M000100Z43", "Z is not in the alphabet"),
        ("9135010M000100Y43", "17 characters"),
        ("91350A00M000100Y43", "letter in the administrative division code"),
    ],
)
def test_invalid_credit_codes_are_refused(credit_code: str, why: str) -> None:
    # Given a credit code with a wrong check character or a forbidden letter
    # When it is checked
    # Then it is refused
    assert not is_valid_credit_code(credit_code), why


@pytest.mark.parametrize(
    ("resident_id", "said"),
    [
        ("11010519490231002X", "the birth date in it, 19490231, is not a date"),
        ("110105203001010011", "the birth date in it, 20300101, is in the future"),
        ("110105194912310021", "check character mismatch"),
        ("11010519491231002", "then a check character (a digit or X)"),
        ("11010519491231002Y", "then a check character (a digit or X)"),
    ],
    ids=["february-31", "future", "check", "short", "letter"],
)
def test_a_wrong_resident_id_is_told_what_is_wrong(resident_id: str, said: str) -> None:
    problem = resident_id_problem(resident_id, today=date(2026, 12, 3))
    assert problem is not None and said in problem


@pytest.mark.parametrize(
    ("credit_code", "said"),
    [
        ("91350100M000100Y44", "check character mismatch"),
        ("91350100M000100YO3", "no I, O, S, V or Z"),
    ],
    ids=["check", "letter-o"],
)
def test_a_wrong_credit_code_is_told_what_is_wrong(credit_code: str, said: str) -> None:
    problem = credit_code_problem(credit_code)
    assert problem is not None and said in problem
    assert resident_id_problem("11010519491231002X") is None
    assert credit_code_problem("91350100M000100Y43") is None
