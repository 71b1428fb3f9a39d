"""The courier (网上申请 + 线下寄递: results out by post): what is shipped, the waybill."""

from datetime import datetime
from typing import Annotated, Protocol

from pydantic import Field

from shared.errors import TransientError
from shared.models.application import MobilePhone, Name
from shared.models.common import ApiModel


class Shipment(ApiModel):
    """What goes to the courier: one result document for one application."""

    application_id: Annotated[str, Field(min_length=1)]
    recipient: Name
    phone: MobilePhone
    address_line: Annotated[str, Field(min_length=2, max_length=300)]  # full postal address
    postal_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    document_key: Annotated[str, Field(min_length=1)]  # S3 key of the result document


class Waybill(ApiModel):
    courier: str
    waybill_no: str
    created_at: datetime
    tracking_url: str | None = None


class CourierUnavailable(TransientError):
    """The courier could not be reached or refused for now; the delivery stage retries."""


class Courier(Protocol):
    def create_waybill(self, shipment: Shipment) -> Waybill: ...
