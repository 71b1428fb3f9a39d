"""Front-end acceptance (前台受理): accepted, returned with a one-time notice, or not accepted."""

import dataclasses
from datetime import UTC, datetime, timedelta

from shared.adapters.documents import StoredObject
from shared.domain.acceptance import (
    WALK_IN_REASON,
    AcceptanceDecision,
    case_needs_a_person,
    checked_documents,
    evaluate,
    originals_all_checked,
    reusable_for,
)
from shared.models.application import Application
from shared.models.catalog import CatalogItem
from shared.models.common import Channel, DeliveryMode, ReusableDocument
from shared.ports.certificates import Certificate, CertificateStatus
from tests.unit.fakes import (
    ENTERPRISE,
    FILING,
    PERSON,
    UTILITIES,
    catalog_item,
    complete_form,
    declare_material,
    new_application,
)


def _with_required_materials(
    application: Application, item: CatalogItem
) -> dict[str, StoredObject | None]:
    """Declares every required material and answers what S3 holds for each: a fitting file."""
    stored: dict[str, StoredObject | None] = {}
    for rule in item.materials:
        if rule.required:
            declare_material(application, rule.code, content_type=rule.content_types[0])
            stored[rule.code] = StoredObject(size=4096, content_type=rule.content_types[0])
    return stored


def _evaluate(
    application: Application, item: CatalogItem, stored: dict[str, StoredObject | None]
) -> AcceptanceDecision:
    """Records on each declared material what S3 held, as submitting does, then decides."""
    for code, found in stored.items():
        record = application.materials.get(code)
        if record is not None:
            record.verified_size = found.size if found else None
            record.verified_content_type = found.content_type if found else None
    return evaluate(application, item)


def test_a_complete_application_is_accepted() -> None:
    # Given an application with a complete form and every required material in S3
    item = catalog_item(UTILITIES)
    application = new_application(UTILITIES)
    stored = _with_required_materials(application, item)

    # When acceptance evaluates it
    decision = _evaluate(application, item, stored)

    # Then it is accepted with nothing missing and no reasons
    assert decision.outcome == "ACCEPTED"
    assert decision.missing == []
    assert decision.reasons == []


def test_an_optional_material_that_was_not_provided_is_fine() -> None:
    # Given a complete application that left out the optional excavation plan
    item = catalog_item(UTILITIES)
    assert item.material("EXCAVATION_PLAN") is not None
    assert item.material("EXCAVATION_PLAN").required is False  # type: ignore[union-attr]
    application = new_application(UTILITIES)
    stored = _with_required_materials(application, item)

    # When acceptance evaluates it
    decision = _evaluate(application, item, stored)

    # Then it is accepted
    assert decision.outcome == "ACCEPTED"


def test_returned_lists_every_problem_at_once() -> None:
    # Given an application with five different problems:
    item = catalog_item(UTILITIES)
    form = complete_form(item)
    del form["supplyAddress"]  # a required form field is missing
    form["powerCapacity"] = 10**9  # more than the 100,000 kVA the field allows
    application = new_application(UTILITIES, form=form)
    stored = _with_required_materials(application, item)
    del application.materials["APPLICATION_FORM"]  # a required material was never provided
    stored.pop("APPLICATION_FORM")
    stored["BUSINESS_LICENCE"] = StoredObject(size=5_242_881, content_type="application/pdf")
    stored["ID_CARD"] = StoredObject(size=1024, content_type="application/zip")
    stored["PROPERTY_PROOF"] = None  # declared but never uploaded

    # When acceptance evaluates it
    decision = _evaluate(application, item, stored)

    # Then it is returned once, with a notice naming every problem (一次性告知)
    assert decision.outcome == "RETURNED"
    assert decision.reasons == []
    problems = {m.field: m.reason for m in decision.missing}
    assert set(problems) == {
        "form.supplyAddress",
        "form.powerCapacity",
        "materials.APPLICATION_FORM",
        "materials.BUSINESS_LICENCE",
        "materials.ID_CARD",
        "materials.PROPERTY_PROOF",
    }
    assert "required" in problems["form.supplyAddress"]
    assert "10" in problems["form.powerCapacity"]
    assert "not provided" in problems["materials.APPLICATION_FORM"]
    assert "5242880" in problems["materials.BUSINESS_LICENCE"]
    assert "application/zip" in problems["materials.ID_CARD"]
    assert "not uploaded" in problems["materials.PROPERTY_PROOF"]


def test_a_blank_required_field_counts_as_missing() -> None:
    # Given a required form field holding only spaces
    item = catalog_item(UTILITIES)
    application = new_application(UTILITIES)
    application.form["contactName"] = "   "
    stored = _with_required_materials(application, item)

    # When acceptance evaluates it
    decision = _evaluate(application, item, stored)

    # Then the field is listed as missing
    assert decision.outcome == "RETURNED"
    assert [m.field for m in decision.missing] == ["form.contactName"]


def test_an_optional_material_that_was_declared_must_fit_too() -> None:
    # Given an optional material declared with a type the item does not take
    item = catalog_item(UTILITIES)
    application = new_application(UTILITIES)
    stored = _with_required_materials(application, item)
    declare_material(application, "EXCAVATION_PLAN", content_type="image/png")
    stored["EXCAVATION_PLAN"] = StoredObject(size=1024, content_type="image/png")

    # When acceptance evaluates it
    decision = _evaluate(application, item, stored)

    # Then it is returned for that material only
    assert decision.outcome == "RETURNED"
    assert [m.field for m in decision.missing] == ["materials.EXCAVATION_PLAN"]


def test_an_applicant_the_item_does_not_serve_is_not_accepted() -> None:
    # Given a person applying for an enterprise-only filing, otherwise complete
    item = catalog_item(FILING)
    assert item.applicant_kinds == ["enterprise"]
    application = new_application(FILING, applicant=PERSON, mode=DeliveryMode.ELECTRONIC)
    stored = _with_required_materials(application, item)

    # When acceptance evaluates it
    decision = _evaluate(application, item, stored)

    # Then it is not accepted, with a written reason, and nothing to supplement
    assert decision.outcome == "NOT_ACCEPTED"
    assert decision.missing == []
    assert decision.reasons == ["this item is for enterprise applicants, not person"]


def test_a_delivery_mode_not_offered_is_not_accepted() -> None:
    # Given an enterprise asking for pickup of an item delivered electronically only
    item = catalog_item(FILING)
    application = new_application(FILING, applicant=ENTERPRISE, mode=DeliveryMode.PICKUP)
    stored = _with_required_materials(application, item)

    # When acceptance evaluates it
    decision = _evaluate(application, item, stored)

    # Then it is not accepted, naming the mode
    assert decision.outcome == "NOT_ACCEPTED"
    assert len(decision.reasons) == 1
    assert "pickup" in decision.reasons[0]


def test_not_accepted_takes_precedence_over_missing_materials() -> None:
    # Given an ineligible applicant who also left out every material
    item = catalog_item(FILING)
    application = new_application(FILING, applicant=PERSON, mode=DeliveryMode.MAIL)

    # When acceptance evaluates it
    decision = evaluate(application, item)

    # Then it is not accepted with both reasons: a supplement could not cure it
    assert decision.outcome == "NOT_ACCEPTED"
    assert len(decision.reasons) == 2
    assert decision.missing == []


# -- 可复用: documents checked against their originals, reused --------------------------
FIRE_CHECK = "SD-KFQ-0018"  # 三星: a visit for the originals of its form and commitment


def _checked(application: Application, *codes: str) -> None:
    for code in codes:
        application.materials[code].original_checked_by = "window.sun"
        application.materials[code].original_checked_at = datetime(2026, 3, 2, tzinfo=UTC)


def test_an_item_needing_a_visit_only_for_originals_needs_none_once_all_are_checked() -> None:
    # Given the fire check, whose form and commitment a clerk must see in the original
    item = catalog_item(FIRE_CHECK)
    application = new_application(FIRE_CHECK)
    _with_required_materials(application, item)
    assert case_needs_a_person(application, item)
    # When only the reusable licence and ID were checked before: still a clerk
    _checked(application, "BUSINESS_LICENCE", "ID_CARD")
    assert case_needs_a_person(application, item)
    # When every original it asks to see is checked already: no visit for them
    _checked(application, "APPLICATION_FORM", "COMMITMENT")
    assert originals_all_checked(application, item)
    assert case_needs_a_person(application, item) is None
    # But a walk-in at the window, or an item with a site visit, still has its clerk
    walk_in = application.model_copy(update={"channel": Channel.WINDOW})
    assert case_needs_a_person(walk_in, item) == WALK_IN_REASON
    visited = item.model_copy(update={"on_site_visits": 1, "visit_reason_zh": "现场核查"})
    assert case_needs_a_person(application, visited)


def test_a_checked_document_is_reused_for_its_kind_within_a_year_if_it_fits() -> None:
    item = catalog_item(FIRE_CHECK)
    application = new_application(FIRE_CHECK)
    _with_required_materials(application, item)
    _checked(application, "BUSINESS_LICENCE", "APPLICATION_FORM")
    application.materials["BUSINESS_LICENCE"].verified_size = 4096
    # Only the reusable document is kept (the form is this case's own)
    (licence,) = checked_documents(application, item)
    assert (licence.kind, licence.material_code) == (
        ReusableDocument.BUSINESS_LICENCE,
        "BUSINESS_LICENCE",
    )
    rule = item.material("BUSINESS_LICENCE")
    assert rule is not None
    checked_at = licence.checked_at
    assert reusable_for(rule, [licence], checked_at + timedelta(days=364)) == licence
    assert reusable_for(rule, [licence], checked_at + timedelta(days=366)) is None
    too_big = licence.model_copy(update={"size": rule.max_size_bytes + 1})
    assert reusable_for(rule, [too_big], checked_at) is None
    id_card = item.material("ID_CARD")
    assert id_card is not None and reusable_for(id_card, [licence], checked_at) is None
    # A document reused here is not kept again as if it were checked here
    application.materials["BUSINESS_LICENCE"].reused_from = "01M8VH64TVTJQZS594YR3WQM3J"
    assert checked_documents(application, item) == []


# -- 免证办: a certificate this system issued, chosen for a material --------------------
SEAL = "SD-KFQ-0101"  # its business licence comes from SD-KFQ-0001's certificate


def _licence(application: Application, **changes: object) -> Certificate:
    issued = datetime(2026, 3, 1, tzinfo=UTC)
    certificate = Certificate(
        certificate_no="KFQ-LIC-20260301-ABCDEFGH",
        application_id="01J0000000000000000000000A",
        item_id="SD-KFQ-0001",
        verification_code="X7K2M9",
        holder="山东海川新材料有限公司 (9135****Y43)",
        issued_at=issued,
        document_key="cases/01J0000000000000000000000A/KFQ-LIC-20260301-ABCDEFGH.pdf",
        holder_key=application.applicant_key,
        owner_id=application.owner_id,
    )
    return dataclasses.replace(certificate, **changes)  # type: ignore[arg-type]


def _seal_case_using(certificate_no: str) -> tuple[Application, CatalogItem]:
    item = catalog_item(SEAL)
    application = new_application(SEAL, applicant=ENTERPRISE)
    application.form = complete_form(item)
    for rule in item.materials:
        if rule.required and rule.uploaded:
            declare_material(application, rule.code, content_type=rule.content_types[0])
            application.materials[rule.code].verified_size = 4096
            application.materials[rule.code].verified_content_type = rule.content_types[0]
    declare_material(application, "BUSINESS_LICENCE", content_type="application/pdf")
    application.materials["BUSINESS_LICENCE"].certificate_no = certificate_no
    return application, item


def test_a_valid_certificate_of_the_applicant_stands_for_the_material() -> None:
    application, item = _seal_case_using("KFQ-LIC-20260301-ABCDEFGH")
    licence = _licence(application)
    assert evaluate(application, item, {licence.certificate_no: licence}).outcome == "ACCEPTED"


def test_a_revoked_expired_missing_or_foreign_certificate_returns_the_case() -> None:
    application, item = _seal_case_using("KFQ-LIC-20260301-ABCDEFGH")
    now = datetime.now(UTC)
    cases = {
        "revoked": _licence(application, revoked=True, revoked_at=now - timedelta(days=1)),
        "expired": _licence(application, expires_at=now - timedelta(days=1)),
        "another applicant": _licence(application, holder_key="91370100MA3C00001X"),
    }
    for why, certificate in cases.items():
        decision = evaluate(application, item, {certificate.certificate_no: certificate})
        assert decision.outcome == "RETURNED", why
        (missing,) = decision.missing
        assert missing.field == "materials.BUSINESS_LICENCE", why
        assert certificate.certificate_no in missing.reason and why.split()[-1] in missing.reason
    not_found = evaluate(application, item, {})
    assert not_found.outcome == "RETURNED" and "not found" in not_found.missing[0].reason


def test_a_certificate_that_expires_later_is_valid_now() -> None:
    application, item = _seal_case_using("KFQ-LIC-20260301-ABCDEFGH")
    later = _licence(application, expires_at=datetime.now(UTC) + timedelta(days=30))
    assert later.status(datetime.now(UTC)) is CertificateStatus.VALID
    assert evaluate(application, item, {later.certificate_no: later}).outcome == "ACCEPTED"
