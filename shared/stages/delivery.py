"""Stage 4, delivery (寄递 / 自取 / 电子证照): mail with a waybill, a pickup code, or a
time-limited electronic download."""

from datetime import timedelta
from typing import Any

from shared.domain import issuance as docs
from shared.errors import StageError, TransientError
from shared.models.application import Application, DeliveryRecord
from shared.models.common import ApplicationStatus, DeliveryMode, Stage, utc_now
from shared.ports.applications import ApplicationRepository
from shared.ports.courier import Courier, CourierUnavailable, Shipment
from shared.stages.common import SYSTEM, mutate

_DELIVERABLE = {ApplicationStatus.ISSUED, ApplicationStatus.REJECTED}


def deliver_result(
    application_id: str, cases: ApplicationRepository, courier: Courier, electronic_days: int
) -> dict[str, Any]:
    application = cases.get_application(application_id)
    if application is None or application.result is None:
        raise StageError(f"application {application_id} has no result to deliver")
    if application.delivery_record is not None:  # a retried invocation
        return {"applicationId": application_id, "mode": application.delivery_record.mode.value}
    if application.status not in _DELIVERABLE:
        raise StageError(
            f"application {application_id} is {application.status}; nothing to deliver"
        )
    record = _delivery_record(application, courier, electronic_days)

    def delivered(case: Application) -> None:
        case.delivery_record = record
        case.move_to(ApplicationStatus.DELIVERED, Stage.DELIVERY, SYSTEM, _describe(record))

    mutate(cases, application_id, delivered, loaded=application)
    return {"applicationId": application_id, "mode": record.mode.value}


def _delivery_record(
    application: Application, courier: Courier, electronic_days: int
) -> DeliveryRecord:
    now = utc_now()
    mode = application.delivery.mode
    assert application.result is not None
    if mode is DeliveryMode.MAIL:
        address = application.delivery.address
        assert address is not None
        shipment = Shipment(
            application_id=application.application_id,
            recipient=address.recipient,
            phone=address.phone,
            postal_code=address.postal_code,
            address_line=f"{address.province}{address.city}{address.district}{address.street}",
            document_key=application.result.document_key,
        )
        try:
            waybill = courier.create_waybill(shipment)
        except CourierUnavailable as exc:
            raise TransientError(f"courier unavailable: {exc}") from exc
        return DeliveryRecord(
            mode=mode, delivered_at=now, courier=waybill.courier, waybill_no=waybill.waybill_no
        )
    if mode is DeliveryMode.PICKUP:
        return DeliveryRecord(mode=mode, delivered_at=now, pickup_code=docs.new_pickup_code())
    return DeliveryRecord(
        mode=mode, delivered_at=now, download_expires_at=now + timedelta(days=electronic_days)
    )


def _describe(record: DeliveryRecord) -> str:
    if record.waybill_no:
        return f"mailed by {record.courier}, waybill {record.waybill_no}"
    if record.pickup_code:
        return "ready for pickup at the service window"
    until = record.download_expires_at.isoformat() if record.download_expires_at else "?"
    return f"downloadable until {until}"
