"""The courier's default adapter (网上申请 + 线下寄递: results out by post); the port is
shared/ports/courier.py.

The delivery stage asks a `Courier` for a waybill (运单号). `SimulatedCourier` needs no
network and no account: it is the default everywhere until a real carrier's adapter is
added to `_COURIERS` and selected with the COURIER setting.
"""

import hashlib
from collections.abc import Callable

from shared.models.common import utc_now
from shared.ports.courier import Courier, CourierUnavailable, Shipment, Waybill

__all__ = [
    "Courier",
    "CourierUnavailable",
    "Shipment",
    "SimulatedCourier",
    "Waybill",
    "courier_for",
]


def luhn_check_digit(payload: str) -> str:
    """The Luhn digit that makes ``payload + digit`` valid."""
    total = 0
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:  # doubled: these sit at odd positions once the check is appended
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) > 1 and luhn_check_digit(number[:-1]) == number[-1]


class SimulatedCourier:
    """A courier that ships nothing: ``SIM`` + 11 digits + a Luhn check digit.

    The number is derived from a hash of the application id, so a retried delivery stage
    gets the same waybill instead of a second parcel.
    """

    name = "simulated"
    prefix = "SIM"

    def create_waybill(self, shipment: Shipment) -> Waybill:
        return Waybill(
            courier=self.name,
            waybill_no=self.waybill_no_for(shipment.application_id),
            created_at=utc_now(),
            tracking_url=None,
        )

    @classmethod
    def waybill_no_for(cls, application_id: str) -> str:
        digest = hashlib.sha256(application_id.encode("utf-8")).digest()
        payload = f"{int.from_bytes(digest[:8], 'big') % 10**11:011d}"
        return f"{cls.prefix}{payload}{luhn_check_digit(payload)}"


_COURIERS: dict[str, Callable[[], Courier]] = {"simulated": SimulatedCourier}


def courier_for(name: str) -> Courier:
    """The adapter the COURIER setting names."""
    factory = _COURIERS.get(name.strip().lower())
    if factory is None:
        known = ", ".join(sorted(_COURIERS))
        raise ValueError(f"unknown courier {name!r} in setting COURIER; expected one of: {known}")
    return factory()
