"""A reference beside the floor, and what the stage budget is stated against: the floor
plus pydantic with one one-field model validating the event. The gap between the two is
what pydantic alone costs a cold start here; every function in this project pays it."""

from typing import Any

from pydantic import BaseModel

from infra.bench.floor_handler import handler as floor


class ItemEvent(BaseModel):
    itemId: str


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    item = ItemEvent.model_validate(event)
    return floor({"itemId": item.itemId}, context)
