"""The repositories' DynamoDB adapter (shared/adapters/dynamo/); handlers import it here."""

from shared.adapters.dynamo import DynamoRepository

__all__ = ["DynamoRepository"]
