"""The courier port: the simulated adapter and the COURIER setting."""

import pytest
from pydantic import ValidationError

from shared.adapters.courier import (
    Courier,
    CourierUnavailable,
    Shipment,
    SimulatedCourier,
    courier_for,
    luhn_check_digit,
    luhn_valid,
)
from shared.errors import TransientError


def _shipment(application_id: str = "01JABCDEF0123456789XYZABCD") -> Shipment:
    return Shipment(
        application_id=application_id,
        recipient="张三",
        phone="13800138000",
        address_line="福建省福州市鼓楼区五四路 100 号",
        postal_code="350001",
        document_key=f"results/{application_id}/certificate.pdf",
    )


def test_luhn_matches_the_textbook_example():
    # Given the textbook Luhn payload 7992739871 (check digit 3)
    # When / Then the check digit is 3, and only the right digit validates
    assert luhn_check_digit("7992739871") == "3"
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")


def test_simulated_waybill_has_sim_prefix_and_a_valid_check_digit():
    # Given the simulated courier
    courier = SimulatedCourier()

    # When a waybill is created for a shipment
    waybill = courier.create_waybill(_shipment())

    # Then it is SIM + 12 digits whose last digit is a Luhn check digit, with no tracking URL
    assert waybill.courier == "simulated"
    assert waybill.waybill_no.startswith("SIM")
    digits = waybill.waybill_no[3:]
    assert len(digits) == 12 and digits.isdigit()
    assert luhn_valid(digits)
    assert waybill.tracking_url is None
    assert waybill.created_at.tzinfo is not None


def test_retried_delivery_gets_the_same_waybill():
    # Given a delivery stage that is retried for the same application
    shipment = _shipment()

    # When the courier is asked twice (even from a fresh instance)
    first = SimulatedCourier().create_waybill(shipment)
    second = SimulatedCourier().create_waybill(shipment)

    # Then both attempts get the same waybill number: one parcel, not two
    assert first.waybill_no == second.waybill_no


def test_different_applications_get_different_waybills():
    # Given many distinct applications
    ids = [f"01JAPPLICATION{n:012d}" for n in range(500)]

    # When each gets a waybill
    numbers = {SimulatedCourier().create_waybill(_shipment(i)).waybill_no for i in ids}

    # Then no two share a number, and all are valid
    assert len(numbers) == len(ids)
    assert all(luhn_valid(n[3:]) for n in numbers)


def test_shipment_refuses_a_bad_postal_code():
    # Given / When a shipment with a five-digit postal code / Then it is refused at the edge
    with pytest.raises(ValidationError):
        Shipment(
            application_id="A1",
            recipient="张三",
            phone="13800138000",
            address_line="福建省福州市",
            postal_code="35000",
            document_key="k",
        )


def test_courier_for_returns_the_simulated_adapter():
    # Given the default COURIER setting
    # When the adapter is looked up
    courier: Courier = courier_for("simulated")

    # Then it is the simulated courier
    assert isinstance(courier, SimulatedCourier)


def test_courier_for_rejects_an_unknown_name_and_names_the_setting():
    # Given a COURIER setting naming a courier we have no adapter for
    # When the adapter is looked up
    with pytest.raises(ValueError) as raised:
        courier_for("carrier-pigeon")

    # Then the error names the setting to fix and the bad value
    assert "COURIER" in str(raised.value)
    assert "carrier-pigeon" in str(raised.value)


def test_courier_unavailable_is_retryable():
    # Given an adapter that cannot reach its courier
    # When it raises CourierUnavailable / Then callers may treat it as a transient error
    assert issubclass(CourierUnavailable, TransientError)
