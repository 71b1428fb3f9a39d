"""Who is calling: Cognito claims as API Gateway's authorizer passes them."""

import pytest

from shared.identity import Unauthenticated, caller_from_claims

SUB = "0b5c8a8e-1f0e-4a3c-9a55-6d2f0c1e7a10"


@pytest.mark.parametrize(
    ("raw", "groups"),
    [
        ("citizen,dept-POWER", {"citizen", "dept-POWER"}),  # REST API: comma-joined
        ("[dept-POWER dept-WATER]", {"dept-POWER", "dept-WATER"}),  # REST API: bracketed
        ("[ops]", {"ops"}),
        (["dept-URBAN", "ops"], {"dept-URBAN", "ops"}),  # a real JSON array
        ("", set()),
        ("[]", set()),
        (None, set()),
    ],
)
def test_groups_arrive_in_every_shape(raw, groups) -> None:
    # Given an ID token's claims with cognito:groups in one of its shapes
    claims = {"sub": SUB, "cognito:username": "officer-li", "cognito:groups": raw}

    # When the caller is read from them
    caller = caller_from_claims(claims)

    # Then the groups are the same set whatever the shape
    assert caller.groups == frozenset(groups)


def test_missing_groups_make_a_plain_citizen() -> None:
    caller = caller_from_claims({"sub": SUB, "cognito:username": "zhangwei"})
    assert caller.groups == frozenset()
    assert caller.departments == []
    assert not caller.is_staff


def test_department_groups_make_department_staff() -> None:
    # Given an officer of two departments
    caller = caller_from_claims(
        {"sub": SUB, "cognito:username": "officer-li", "cognito:groups": "dept-WATER,dept-POWER"}
    )

    # Then both departments are known, sorted, and the officer is staff of each only
    assert caller.departments == ["POWER", "WATER"]
    assert caller.is_staff
    assert caller.in_department("POWER") and caller.in_department("WATER")
    assert not caller.in_department("URBAN")
    assert not caller.in_department("dept-POWER")


def test_ops_is_staff_without_a_department() -> None:
    caller = caller_from_claims({"sub": SUB, "cognito:groups": "[ops]"})
    assert caller.is_staff and caller.departments == []


def test_the_username_falls_back_to_email_then_sub() -> None:
    assert caller_from_claims({"sub": SUB, "email": "a@example.cn"}).username == "a@example.cn"
    assert caller_from_claims({"sub": SUB}).username == SUB


@pytest.mark.parametrize("claims", [None, {}, {"sub": ""}, {"cognito:username": "zhangwei"}])
def test_no_subject_is_unauthenticated(claims) -> None:
    with pytest.raises(Unauthenticated) as raised:
        caller_from_claims(claims)
    assert raised.value.status_code == 401
    assert raised.value.code == "unauthorized"


@pytest.mark.parametrize(
    ("groups", "applicant"),
    [
        ("citizen", True),
        ("dept-POWER", False),
        ("followup", False),
        ("[ops]", False),
        ("", False),  # signed up, not yet put in a group: not an applicant
        (None, False),
    ],
)
def test_only_the_citizen_group_makes_an_applicant(groups, applicant) -> None:
    caller = caller_from_claims({"sub": SUB, "cognito:groups": groups})
    assert caller.is_applicant is applicant


def test_followup_staff_are_not_service_agents() -> None:
    caller = caller_from_claims({"sub": SUB, "cognito:groups": "followup"})
    assert not caller.is_staff and not caller.is_applicant
