"""Cognito: the user pool, its groups and the web client."""

from pathlib import Path

import pytest
from aws_cdk.assertions import Match

from infra import constants as c
from infra.stack import CATALOG_FILE, load_department_codes
from shared.catalog import load_catalog
from shared.models.catalog import Catalog


@pytest.fixture(scope="module")
def catalog_departments() -> list[str]:
    catalog = Catalog.model_validate_json(CATALOG_FILE.read_text(encoding="utf-8"))
    return [department.code for department in catalog.departments]


def test_citizens_sign_up_with_email_and_a_strong_password(synth):
    # Given the user pool
    # When a citizen signs up
    # Then sign-up is open, the email is the username and verified, and the password policy
    # demands 12+ characters of every class
    synth.template.has_resource_properties(
        "AWS::Cognito::UserPool",
        {
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
            "UsernameAttributes": ["email"],
            "AutoVerifiedAttributes": ["email"],
            "Policies": {
                "PasswordPolicy": Match.object_like(
                    {
                        "MinimumLength": 12,
                        "RequireLowercase": True,
                        "RequireUppercase": True,
                        "RequireNumbers": True,
                        "RequireSymbols": True,
                    }
                )
            },
            "MfaConfiguration": "OPTIONAL",
            "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
            "DeletionProtection": "ACTIVE",
        },
    )


def test_role_groups_exist(synth):
    # Given the user pool; When listing its groups; Then citizen, followup and ops exist
    names = _group_names(synth)
    assert {c.GROUP_CITIZEN, c.GROUP_FOLLOWUP, c.GROUP_OPS} <= names


def test_one_group_per_catalog_department(synth, catalog_departments):
    # Given the departments of shared/data/catalog.json
    # When the stack is synthesized from the catalog
    # Then each has a dept-<code> group, and there are no other department groups
    names = _group_names(synth)
    assert catalog_departments, "the catalog lists departments"
    expected = {f"{c.DEPARTMENT_GROUP_PREFIX}{code}" for code in catalog_departments}
    assert {n for n in names if n.startswith(c.DEPARTMENT_GROUP_PREFIX)} == expected


def test_department_codes_come_from_the_catalog_file(tmp_path: Path):
    # Given a catalog file with two departments
    catalog = tmp_path / "catalog.json"
    shipped = {d.code: d for d in load_catalog().departments}
    departments = [shipped["TAX"], shipped["HEALTH"]]
    catalog.write_text(
        Catalog(departments=departments, items=[]).model_dump_json(by_alias=True),
        encoding="utf-8",
    )
    # When the stack loads department codes from it
    codes = load_department_codes(catalog)
    # Then it gets them in file order
    assert codes == ["TAX", "HEALTH"]


def test_an_invalid_catalog_fails_the_synth(tmp_path: Path):
    # Given a catalog whose department code breaks the model's pattern
    catalog = tmp_path / "catalog.json"
    catalog.write_text(
        '{"departments": [{"code": "tax office", "nameZh": "x", "nameEn": "x"}], "items": []}',
        encoding="utf-8",
    )
    # When loading it; Then validation fails before any group is named after it
    with pytest.raises(ValueError):
        load_department_codes(catalog)


def test_web_client_uses_srp_and_password_auth_without_a_secret(synth):
    # Given the browser app client
    # When it authenticates
    # Then SRP and USER_PASSWORD_AUTH are allowed, and it has no secret a browser could leak
    synth.template.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        {
            "ExplicitAuthFlows": Match.array_with(
                ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
            ),
            "GenerateSecret": False,
            "PreventUserExistenceErrors": "ENABLED",
        },
    )


def _group_names(synth) -> set[str]:
    groups = synth.of_type("AWS::Cognito::UserPoolGroup").values()
    return {group["Properties"]["GroupName"] for group in groups}
