"""Cognito user pool groups (the GroupMembership port of shared/stages/signup.py)."""

from shared.adapters.aws import client


class CognitoGroups:
    def add_to_group(self, user_pool_id: str, username: str, group: str) -> None:
        client("cognito-idp").admin_add_user_to_group(
            UserPoolId=user_pool_id, Username=username, GroupName=group
        )
