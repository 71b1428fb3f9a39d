"""A reference beside the floor, not a budgeted function: the floor plus pydantic with one
one-field model validating the event. The gap between the two is what pydantic alone costs a
cold start here; every function in this project pays it."""

import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from pydantic import BaseModel

logger = Logger()
_client: Any = None


class ItemEvent(BaseModel):
    itemId: str


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _client
    item = ItemEvent.model_validate(event)
    if _client is None:
        _client = boto3.client("dynamodb")
    found = _client.get_item(
        TableName=os.environ["TABLE_NAME"],
        Key={"PK": {"S": f"ITEM#{item.itemId}"}, "SK": {"S": "ITEM"}},
    )
    return {"found": "Item" in found}
