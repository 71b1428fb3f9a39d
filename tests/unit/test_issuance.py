"""Unified issuance: certificate numbers, codes and the two result documents."""

import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from shared.domain import issuance
from shared.domain.issuance import (
    CODE_ALPHABET,
    ITEM_TYPE_CODES,
    codes_match,
    mask_identifier,
    new_certificate_number,
    new_pickup_code,
    new_verification_code,
    render_certificate_pdf,
    render_rejection_notice_pdf,
)
from shared.models.application import Application
from shared.models.catalog import CatalogItem
from shared.models.common import ItemType
from shared.models.ids import CERTIFICATE_REGEX, is_certificate_number
from tests.unit.fakes import catalog_item

CERTIFICATE_NO_PATTERN = f"^{CERTIFICATE_REGEX}$"

RESIDENT_ID = "11010519491231002X"
CREDIT_CODE = "91350100M000100Y43"
# 17:30 UTC on the 25th is already the 26th in China.
ISSUED_AT = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)
DEPARTMENT_NAMES = {"MARKET": "市场监督管理局", "FIRE": "消防救援大队", "HEALTH": "卫生健康局"}


def _item() -> CatalogItem:
    """The food business licence, reviewed jointly by MARKET, FIRE and HEALTH."""
    return catalog_item("SD-KFQ-0002").model_copy(
        update={"lead_department": "MARKET", "co_departments": ["FIRE", "HEALTH"]}
    )


@pytest.fixture
def item() -> CatalogItem:
    return _item()


def _application(applicant: dict) -> Application:
    return Application.model_validate(
        {
            "applicationId": "01JD0APPXCASE0000000000001",
            "ownerId": "owner-sub",
            "itemId": "SD-KFQ-0002",
            "applicant": applicant,
            "channel": "web",
            "delivery": {"mode": "electronic"},
        }
    )


@pytest.fixture
def person_application() -> Application:
    return _application({"kind": "person", "name": "张三", "idNumber": RESIDENT_ID})


@pytest.fixture
def enterprise_application() -> Application:
    return _application(
        {
            "kind": "enterprise",
            "name": "福州示例餐饮有限公司",
            "creditCode": CREDIT_CODE,
            "legalRepresentative": "李四",
        }
    )


def _unescape(literal: bytes) -> bytes:
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def one(match: re.Match[bytes]) -> bytes:
        body = match.group(1)
        if body[:1].isdigit():
            return bytes([int(body, 8)])
        return simple.get(body, body)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal, flags=re.DOTALL)


def pdf_text(pdf: bytes) -> str:
    """The text an uncompressed reportlab PDF draws: CID (Chinese) runs decoded as UCS-2."""
    cid_fonts = {
        match
        for obj in pdf.split(b"endobj")
        if b"/Type0" in obj
        for match in re.findall(rb"/Name /(F\d+)", obj)
    }
    text, font = [], b""
    streams = re.findall(rb"stream\r?\n(.*?)endstream", pdf, flags=re.DOTALL)
    for stream in streams:
        for match in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", stream, re.S):
            if match.group(1):
                font = match.group(1)
                continue
            raw = _unescape(match.group(2))
            text.append(raw.decode("utf-16-be" if font in cid_fonts else "cp1252"))
    return "".join(text)


def _info(pdf: bytes, key: str) -> str:
    """A document-information entry; non-Latin values are UTF-16 with a byte-order mark."""
    match = re.search(rb"/" + key.encode() + rb" \(((?:\\.|[^\\)])*)\)", pdf, re.S)
    assert match, key
    raw = _unescape(match.group(1))
    return raw.decode("utf-16") if raw.startswith(b"\xfe\xff") else raw.decode("cp1252")


# --- numbers and codes ----------------------------------------------------------------


def test_certificate_number_is_readable_unique_and_dated_in_china(item):
    # Given an item issued at 17:30 UTC on 25 November (already the 26th in China)
    # When many certificate numbers are drawn
    numbers = [new_certificate_number(item, ISSUED_AT) for _ in range(300)]

    # Then each matches the documented pattern, carries the local date, and none repeats
    assert all(re.fullmatch(CERTIFICATE_NO_PATTERN, n) for n in numbers)
    assert all(n.startswith("KFQ-LIC-20261126-") for n in numbers)
    assert len(set(numbers)) == len(numbers)


@pytest.mark.parametrize("item_type", list(ItemType))
def test_every_item_type_has_a_three_letter_code_the_pattern_accepts(item, item_type):
    # Given an item of any legal category
    item.item_type = item_type

    # When a certificate number is drawn
    number = new_certificate_number(item, ISSUED_AT)

    # Then its type code has three letters and the API's path validation accepts it
    assert re.fullmatch(r"[A-Z]{3}", ITEM_TYPE_CODES[item_type])
    assert is_certificate_number(number)


@pytest.mark.parametrize(
    "value",
    [
        "kfq-lic-20261126-7F3K9Q2M",  # lower case
        "KFQ-LIC-20261126-7F3K9Q2O",  # ambiguous O
        "KFQ-LIC-20261126-7F3K9Q21",  # ambiguous 1
        "KFQ-XXX-20261126-7F3K9Q2M",  # unknown type
        "KFQ-LIC-2026112-7F3K9Q2MM",  # short date
        "KFQ-LIC-20261126-7F3K9Q2M/../x",
    ],
)
def test_pattern_rejects_malformed_certificate_numbers(value):
    # Given a path parameter that is not a certificate number / When checked / Then refused
    assert not is_certificate_number(value)


def test_verification_codes_use_the_unambiguous_alphabet_and_differ():
    # Given / When many verification codes are drawn
    codes = [new_verification_code() for _ in range(300)]

    # Then each is 8 unambiguous characters and none repeats
    assert all(len(c) == 8 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01ILO") & set(CODE_ALPHABET)
    assert len(set(codes)) == len(codes)


def test_codes_match_ignores_case_and_surrounding_spaces():
    # Given a code printed on a certificate
    code = "7F3K9Q2M"

    # When the applicant types it in lower case, with a stray space / Then it matches
    assert codes_match(code, "7f3k9q2m")
    assert codes_match(code, " 7F3K9Q2M ")


@pytest.mark.parametrize("given", ["7F3K9Q2N", "7F3K9Q2", "7F3K9Q2MX", "", "７F3K9Q2M"])
def test_codes_match_rejects_wrong_codes(given):
    # Given a wrong, truncated, extended, empty or full-width code
    # When compared with the real one / Then it does not match (and does not raise)
    assert not codes_match("7F3K9Q2M", given)


def test_codes_match_never_matches_a_missing_expected_code():
    # Given a case with no code stored / When anything is compared / Then it never matches
    assert not codes_match("", "")


def test_pickup_code_is_six_digits_keeping_leading_zeros(monkeypatch):
    # Given the random source returns a small number
    monkeypatch.setattr(issuance.secrets, "randbelow", lambda bound: 42)

    # When a pickup code is drawn
    code = new_pickup_code()

    # Then it still has six digits
    assert code == "000042"


def test_pickup_codes_are_six_digits():
    # Given / When many pickup codes are drawn / Then each is six digits
    codes = [new_pickup_code() for _ in range(100)]
    assert all(len(c) == 6 and c.isdigit() for c in codes)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (RESIDENT_ID, "110105********002X"),
        (CREDIT_CODE, "913501********0Y43"),
        ("12345", "*****"),
    ],
)
def test_mask_identifier_keeps_only_first_six_and_last_four(value, masked):
    # Given an identifier / When masked / Then only its ends remain readable
    assert mask_identifier(value) == masked


# --- documents ------------------------------------------------------------------------


def _certificate(application: Application, item: CatalogItem, compress: bool = False) -> bytes:
    return render_certificate_pdf(
        application,
        item,
        DEPARTMENT_NAMES,
        "KFQ-LIC-20261126-7F3K9Q2M",
        "AB3DE7GH",
        ISSUED_AT,
        compress=compress,
    )


def _assert_is_pdf(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")


def test_certificate_is_a_pdf_with_everything_the_holder_needs(person_application, item):
    # Given an approved person's application
    # When the certificate is rendered
    pdf = _certificate(person_application, item)

    # Then it is a PDF showing the item, number, holder, departments, local date and how
    # to verify it
    _assert_is_pdf(pdf)
    text = pdf_text(pdf)
    for expected in [
        "食品经营许可证",
        "Food business licence",
        "KFQ-LIC-20261126-7F3K9Q2M",
        "张三",
        "110105********002X",
        "市场监督管理局",
        "消防救援大队",
        "卫生健康局",
        "2026-11-26",
        "AB3DE7GH",
        "/verify/KFQ-LIC-20261126-7F3K9Q2M?code=AB3DE7GH",
        "01JD0APPXCASE0000000000001",
    ]:
        assert expected in text, expected


def test_certificate_never_prints_the_full_id_number(person_application, item):
    # Given a person with a resident ID number
    # When the certificate is rendered
    pdf = _certificate(person_application, item)

    # Then the full number appears nowhere in the file, not even in the metadata
    assert RESIDENT_ID.encode() not in pdf
    assert RESIDENT_ID not in pdf_text(pdf)


def test_enterprise_certificate_masks_the_credit_code(enterprise_application, item):
    # Given an enterprise applicant
    # When the certificate is rendered
    pdf = _certificate(enterprise_application, item)

    # Then the credit code is masked and the legal representative is named
    text = pdf_text(pdf)
    assert "913501********0Y43" in text
    assert "李四" in text
    assert CREDIT_CODE.encode() not in pdf


def test_certificate_carries_metadata(person_application, item):
    # Given / When a certificate is rendered (metadata is never compressed)
    pdf = _certificate(person_application, item, compress=True)

    # Then readers see OneWindow as author, and the item and number in the title
    _assert_is_pdf(pdf)
    assert _info(pdf, "Author") == "OneWindow"
    assert _info(pdf, "Title") == "食品经营许可证 KFQ-LIC-20261126-7F3K9Q2M"
    assert _info(pdf, "Subject") == "Food business licence"


def test_compressed_certificate_is_smaller(person_application, item):
    # Given the same certificate / When rendered compressed and not / Then compression pays
    compressed = _certificate(person_application, item, compress=True)
    plain = _certificate(person_application, item, compress=False)
    _assert_is_pdf(compressed)
    assert len(compressed) < len(plain)


def test_rejection_notice_lists_every_departments_reasons_and_remedies(
    enterprise_application, item
):
    # Given two departments that refused, one in Chinese and one in English
    reasons = [
        ("FIRE", "疏散通道宽度不足 1.2 米"),
        ("HEALTH", "No separate area for raw and cooked food (section 4.2)"),
    ]

    # When the unified rejection notice is rendered
    pdf = render_rejection_notice_pdf(
        enterprise_application, item, DEPARTMENT_NAMES, reasons, ISSUED_AT, compress=False
    )

    # Then one PDF carries each department's reason, the remedies and the case reference
    _assert_is_pdf(pdf)
    text = pdf_text(pdf)
    assert "不予许可决定书" in text
    assert "消防救援大队 (FIRE): 疏散通道宽度不足 1.2 米" in text
    assert "卫生健康局 (HEALTH): No separate area for raw and cooked food (section 4.2)" in text
    assert "行政复议" in text and "六十日" in text
    assert "行政诉讼" in text and "六个月" in text
    assert "60 days" in text and "6 months" in text
    assert "01JD0APPXCASE0000000000001" in text
    assert "2026-11-26" in text
    assert "决定机关 Decided by: 市场监督管理局" in text  # the lead department signs
    assert CREDIT_CODE.encode() not in pdf


def test_rejection_notice_wraps_a_long_reason_without_losing_text(person_application, item):
    # Given a reason far longer than one line
    long_reason = "材料不符合要求。" * 40

    # When the notice is rendered
    pdf = render_rejection_notice_pdf(
        person_application,
        item,
        DEPARTMENT_NAMES,
        [("MARKET", long_reason)],
        ISSUED_AT,
        compress=False,
    )

    # Then all of it is there
    assert long_reason in pdf_text(pdf)


def test_importing_issuance_does_not_load_reportlab():
    # Given a fresh interpreter (a cold start)
    code = "import sys, shared.domain.issuance; print('reportlab' in sys.modules)"

    # When the issuance module is imported
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    # Then reportlab has not been loaded yet
    assert result.stdout.strip() == "False"


def test_prepare_renderer_loads_reportlab_and_the_cjk_font():
    # Given a fresh interpreter (the issuance function's init)
    code = (
        "import sys; from reportlab.pdfbase import pdfmetrics; "
        "from shared.domain.issuance import prepare_renderer; prepare_renderer(); "
        "print('reportlab.pdfgen.canvas' in sys.modules, "
        "'STSong-Light' in pdfmetrics.getRegisteredFontNames())"
    )

    # When the renderer is prepared
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    # Then the first certificate finds reportlab imported and the Chinese font registered
    assert result.stdout.split() == ["True", "True"]


def test_a_certificate_drawn_after_prepare_renderer_holds_nothing_of_the_priming_page(
    person_application, item
):
    # Given the renderer prepared, as the issuance function does at init
    issuance.prepare_renderer()

    # When a certificate is drawn
    text = pdf_text(_certificate(person_application, item))

    # Then it carries the certificate's number and none of the priming page's text
    assert "KFQ-LIC-20261126-7F3K9Q2M" in text
    assert "证书 Certificate 1" not in text
