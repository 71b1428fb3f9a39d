"""The cold-start floor: the least a Python function here can do. It imports boto3 and
Powertools' Logger and creates one boto3 client at init (as AWS advises, and as the
functions do: init runs at a full core), then reads one item."""

import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger

logger = Logger()
_client = boto3.client("dynamodb")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    found = _client.get_item(
        TableName=os.environ["TABLE_NAME"],
        Key={"PK": {"S": f"ITEM#{event['itemId']}"}, "SK": {"S": "CURRENT"}},
    )
    return {"found": "Item" in found}
