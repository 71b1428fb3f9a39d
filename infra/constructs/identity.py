"""Cognito: citizens sign themselves up; staff belong to role and department groups."""

from collections.abc import Sequence

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import constants as c
from infra.constructs.nag import acknowledge
from shared.names import department_group, department_lead_group

_ROLE_GROUPS = {
    c.GROUP_CITIZEN: "Applicants (citizens and enterprises): who signs up joins it.",
    c.GROUP_AGENT: "Service agents: stewards of key projects, filing for applicants.",
    c.GROUP_FOLLOWUP: "The follow-up team: ratings, tickets and the opinions logged.",
    c.GROUP_WINDOW: "Window clerks: accept any item's cases at the window.",
    c.GROUP_OPS: "Operators of the platform.",
    c.GROUP_SUPERVISOR: "The centre's supervisors: every department's warnings and late tasks.",
}


class Identity(Construct):
    """The user pool, its groups and the browser app client."""

    def __init__(
        self, scope: Construct, construct_id: str, *, department_codes: Sequence[str]
    ) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = self._build_user_pool()
        self.groups = self._build_groups(department_codes)
        self.client = self._build_client()

    def add_sign_up_trigger(self, function: lambda_.Function, role: iam.IRole) -> None:
        """`function` runs after a user confirms their account (post-confirmation) and
        may add that user to the pool's groups (functions/signup puts citizens in theirs).

        The pool names the function (its LambdaConfig), so the function's role cannot name
        the pool in its default policy: the function waits for that policy, which would
        wait for the pool. The grant is its own policy on the role instead, which nothing
        waits for; it names this pool's ARN, no wildcard. Cognito calls a trigger only
        after the stack is up, when the policy is in place.
        """
        self.user_pool.add_trigger(cognito.UserPoolOperation.POST_CONFIRMATION, function)
        iam.Policy(
            self,
            "SignUpTriggerGroups",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    actions=["cognito-idp:AdminAddUserToGroup"],
                    resources=[self.user_pool.user_pool_arn],
                )
            ],
        )

    def _build_user_pool(self) -> cognito.UserPool:
        pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=True,
            sign_in_aliases=cognito.SignInAliases(email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            keep_original=cognito.KeepOriginalAttrs(email=True),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.ESSENTIALS,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(
            pool,
            "AwsSolutions-COG2",
            "Citizens sign themselves up and must be able to apply without an authenticator "
            "app; MFA is optional (TOTP) and offered to every user.",
        )
        acknowledge(
            pool,
            "AwsSolutions-COG8",
            "Essentials feature plan on purpose: threat protection needs the Plus plan, "
            "billed per monthly active user across the whole citizen population; the pool "
            "relies on a 12-character password policy, email verification and optional TOTP.",
        )
        return pool

    def _build_groups(self, department_codes: Sequence[str]) -> dict[str, cognito.UserPoolGroup]:
        descriptions = dict(_ROLE_GROUPS)
        for code in department_codes:
            descriptions[department_group(code)] = f"Reviewers of department {code}."
            descriptions[department_lead_group(code)] = f"Leads of department {code}."
        return {
            name: cognito.UserPoolGroup(
                self,
                f"Group-{name}",
                user_pool=self.user_pool,
                group_name=name,
                description=description,
            )
            for name, description in descriptions.items()
        }

    def _build_client(self) -> cognito.UserPoolClient:
        return self.user_pool.add_client(
            "WebClient",
            auth_flows=cognito.AuthFlow(user_password=True, user_srp=True),
            generate_secret=False,  # a browser cannot keep a secret
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
        )
