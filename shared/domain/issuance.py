"""Unified issuance (统一出件): the numbers, codes and documents of one result.

However many departments reviewed a case, the applicant receives ONE document: a
certificate when every department approved, or one rejection notice that lists every
department's reasons.

Certificate number: ``{ZONE}-{TYPE}-{YYYYMMDD}-{RANDOM}``, e.g. ``KFQ-LIC-20261126-7F3K9Q2M``:
- ZONE: the zone prefix (``KFQ``, the development zone the centre serves);
- TYPE: three letters for the item type (``ITEM_TYPE_CODES``);
- YYYYMMDD: the issue date in China Standard Time;
- RANDOM: 8 characters drawn with ``secrets`` from ``CODE_ALPHABET`` (31 symbols without
  0/O, 1/I/L), ~39.6 bits per day and type. Collisions are negligible, but the writer still
  stores the number with a conditional write.

reportlab is imported inside the renderers only: most functions that import this module
never draw a PDF, and reportlab costs cold-start time. The issuance function, which draws
one on every call, calls ``prepare_renderer()`` at init instead.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from io import BytesIO
from itertools import groupby
from typing import TYPE_CHECKING

from shared.models.application import Application, EnterpriseApplicant
from shared.models.catalog import CatalogItem
from shared.models.common import ItemType
from shared.models.ids import CERTIFICATE_TYPE_CODES, CERTIFICATE_ZONE, CODE_ALPHABET

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

ZONE_PREFIX = CERTIFICATE_ZONE
CODE_LENGTH = 8
PICKUP_CODE_DIGITS = 6

ITEM_TYPE_CODES: dict[ItemType, str] = {
    ItemType.ADMINISTRATIVE_LICENSING: "LIC",
    ItemType.ADMINISTRATIVE_CONFIRMATION: "CFM",
    ItemType.ADMINISTRATIVE_PAYMENT: "PAY",
    ItemType.ADMINISTRATIVE_RULING: "RUL",
    ItemType.ADMINISTRATIVE_REWARD: "RWD",
    ItemType.ADMINISTRATIVE_LEVY: "LEV",
    ItemType.FILING: "FIL",
    ItemType.OTHER_ADMINISTRATIVE_POWER: "OTH",
    ItemType.PUBLIC_SERVICE: "PUB",
}

# The numbers' pattern is defined with the other ids (shared/models/ids.py); it must
# know every type's code.
assert sorted(ITEM_TYPE_CODES.values()) == sorted(CERTIFICATE_TYPE_CODES)

# China Standard Time. A fixed offset is exact (no DST since 1991) and needs no tzdata,
# which slim Lambda images may lack.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

_CJK_FONT = "STSong-Light"  # reportlab's built-in CID font: renders Chinese, not embedded
_LATIN_FONT = "Helvetica"
_MARGIN = 56.0  # points (~2 cm)


# --- numbers and codes ----------------------------------------------------------------


def _random_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def local_date(moment: datetime) -> str:
    """The calendar date in China of an instant, as YYYY-MM-DD (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA_TZ).date().isoformat()


def new_certificate_number(item: CatalogItem, issued_at: datetime) -> str:
    day = local_date(issued_at).replace("-", "")
    return f"{ZONE_PREFIX}-{ITEM_TYPE_CODES[item.item_type]}-{day}-{_random_code()}"


def new_verification_code() -> str:
    return _random_code()


def codes_match(expected: str, given: str) -> bool:
    """Constant-time, case-insensitive comparison of a verification or pickup code."""
    if not expected or not given:
        return False
    return hmac.compare_digest(
        expected.strip().upper().encode("utf-8"), given.strip().upper().encode("utf-8")
    )


def new_pickup_code() -> str:
    return f"{secrets.randbelow(10**PICKUP_CODE_DIGITS):0{PICKUP_CODE_DIGITS}d}"


def mask_identifier(value: str) -> str:
    """Show the first 6 and last 4 characters, e.g. ``110105********002X``.

    Values too short to keep 6 + 4 and still hide something are masked entirely.
    """
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def verification_path(certificate_no: str, verification_code: str) -> str:
    return f"/verify/{certificate_no}?code={verification_code}"


# --- PDF text helpers -----------------------------------------------------------------


@cache
def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(_CJK_FONT))


def _is_latin(char: str) -> bool:
    """Helvetica (WinAnsi) can draw the character; everything else goes to STSong."""
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _runs(text: str) -> Iterator[tuple[str, str]]:
    for latin, chars in groupby(text, key=_is_latin):
        yield (_LATIN_FONT if latin else _CJK_FONT), "".join(chars)


def _width(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(run, font, size) for font, run in _runs(text))


# A Latin word with its trailing spaces, or a single other character (CJK breaks anywhere).
_TOKEN_RE = re.compile(r"[^\s\u2e80-\uffff]+\s*|\s+|.")


def _wrap(text: str, size: float, width: float) -> list[str]:
    # Widths add up (no kerning in either font), so the line's width is kept as it grows
    # instead of measured again for every token: a long paragraph was quadratic.
    lines: list[str] = []
    current, current_width = "", 0.0
    for token in _TOKEN_RE.findall(text):
        if current and current_width + _width(token.rstrip(), size) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
            current_width = _width(current, size)
        else:
            current += token
            current_width += _width(token, size)
        if current_width > width:
            current, current_width = _break_overlong(current, size, width, lines)
    return [*lines, current.rstrip()]


def _break_overlong(current: str, size: float, width: float, lines: list[str]) -> tuple[str, float]:
    """Cuts a word wider than the line into lines of its own; returns what is left."""
    while _width(current.rstrip(), size) > width and len(current) > 1:
        fits = (i for i in range(1, len(current)) if _width(current[:i], size) <= width)
        cut = max(fits, default=1)
        lines.append(current[:cut])
        current = current[cut:]
    return current, _width(current, size)


class _Page:
    """A cursor over an A4 canvas that draws wrapped, mixed Chinese/Latin lines."""

    def __init__(self, canvas: Canvas, pagesize: tuple[float, float]) -> None:
        self.canvas = canvas
        self.width, self.height = pagesize
        self.y = self.height - _MARGIN

    def text(self, text: str, size: float = 11, *, center: bool = False, after: float = 4) -> None:
        for line in _wrap(text, size, self.width - 2 * _MARGIN):
            self._line(line, size, center)
        self.y -= after

    def gap(self, points: float) -> None:
        self.y -= points

    def _line(self, line: str, size: float, center: bool) -> None:
        if self.y < _MARGIN + size:
            self.canvas.showPage()
            self.y = self.height - _MARGIN
        self.y -= size * 1.4
        x = (self.width - _width(line, size)) / 2 if center else _MARGIN
        for font, run in _runs(line):
            self.canvas.setFont(font, size)
            self.canvas.drawString(x, self.y, run)
            x += _width(run, size)


def _render(meta: dict[str, str], draw: Callable[[_Page], None], *, compress: bool) -> bytes:
    """Create an A4 PDF with metadata, let ``draw(page)`` fill it, and return its bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    _register_fonts()
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0)
    canvas.setTitle(meta["title"])
    canvas.setSubject(meta["subject"])
    canvas.setAuthor("OneWindow")
    canvas.setCreator("OneWindow")
    draw(_Page(canvas, A4))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def prepare_renderer() -> None:
    """Imports reportlab, registers the CJK font and draws one small page of mixed text.

    Called at init by the function that issues documents: Lambda runs init at a full core
    and a call at its memory's share of one, and a first render pays for reportlab's
    import (with Pillow's), the font's CMap and both fonts' metrics.
    """
    _render(
        {"title": "", "subject": ""}, lambda page: page.text("证书 Certificate 1"), compress=True
    )


# --- documents ------------------------------------------------------------------------


def _applicant_lines(application: Application) -> list[str]:
    applicant = application.applicant
    if isinstance(applicant, EnterpriseApplicant):
        return [
            f"申请单位 Applicant: {applicant.name}",
            f"统一社会信用代码 USCC: {mask_identifier(applicant.credit_code)}",
            f"法定代表人 Legal representative: {applicant.legal_representative}",
        ]
    return [
        f"申请人 Applicant: {applicant.name}",
        f"公民身份号码 Resident ID: {mask_identifier(applicant.id_number)}",
    ]


def _department_lines(item: CatalogItem, names: dict[str, str]) -> list[str]:
    co = "、".join(names.get(code, code) for code in item.co_departments) or "无 None"
    return [
        f"牵头部门 Lead department: {names.get(item.lead_department, item.lead_department)}",
        f"协办部门 Co-departments: {co}",
    ]


def render_certificate_pdf(
    application: Application,
    item: CatalogItem,
    department_names: dict[str, str],
    certificate_no: str,
    verification_code: str,
    issued_at: datetime,
    *,
    compress: bool = True,
) -> bytes:
    """The certificate of an approved case; ``compress=False`` keeps text readable (tests)."""

    title = result_title(item)

    def draw(page: _Page) -> None:
        page.text(title, 20, center=True)
        page.text(item.result.name_en, 14, center=True)
        page.text(f"证书编号 Certificate No.: {certificate_no}", 12, center=True, after=20)
        page.text(f"事项 Service item: {item.name_zh} / {item.name_en}")
        for line in [*_applicant_lines(application), *_department_lines(item, department_names)]:
            page.text(line)
        page.text(f"发证日期 Date of issue: {local_date(issued_at)}")
        page.text(f"有效期 Valid: {_validity(item, issued_at)}")
        page.text(f"申请编号 Application ID: {application.application_id}", after=20)
        page.text(f"核验码 Verification code: {verification_code}")
        page.text(f"核验地址 Verify at: {verification_path(certificate_no, verification_code)}")
        page.gap(20)
        page.text("本证书经各部门并联审批后统一出件。", 9)
        page.text("Issued once, after parallel approval by every department involved.", 9)

    meta = {"title": f"{title} {certificate_no}", "subject": item.result.name_en}
    return _render(meta, draw, compress=compress)


def result_title(item: CatalogItem) -> str:
    """The result's name as a document title: 《食品经营许可证》 prints as 食品经营许可证."""
    return item.result.name_zh.strip("《》")


def _validity(item: CatalogItem, issued_at: datetime) -> str:
    years = item.result.validity_years
    if years is None:
        return "长期有效 Long-term"
    start = issued_at.astimezone(CHINA_TZ).date()
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    end -= timedelta(days=1)
    return f"{start.isoformat()} 至 {end.isoformat()} ({years} years)"


_REMEDIES = (
    "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，"
    "或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。",
    "If you disagree with this decision, you may apply for administrative reconsideration "
    "within 60 days, or file an administrative lawsuit with a people's court within 6 months, "
    "of the day you receive this notice.",
)


def _rejection_title(item: CatalogItem) -> str:
    if item.item_type is ItemType.ADMINISTRATIVE_LICENSING:
        return "不予许可决定书"
    return "不予批准决定书"


def render_rejection_notice_pdf(
    application: Application,
    item: CatalogItem,
    department_names: dict[str, str],
    reasons: list[tuple[str, str]],
    issued_at: datetime,
    *,
    compress: bool = True,
) -> bytes:
    """One rejection notice for the case, with every department's reasons."""

    def draw(page: _Page) -> None:
        page.text(_rejection_title(item), 20, center=True)
        page.text("Unified Rejection Notice", 14, center=True, after=20)
        page.text(f"事项 Service item: {item.name_zh} / {item.name_en}")
        page.text(f"申请编号 Application ID: {application.application_id}")
        for line in [*_applicant_lines(application), *_department_lines(item, department_names)]:
            page.text(line)
        page.gap(12)
        page.text("经各部门并联审查，决定不予办理，理由如下：")
        page.text("After parallel review, the application is refused for these reasons:", after=8)
        for number, (code, reason) in enumerate(reasons, start=1):
            page.text(f"{number}. {department_names.get(code, code)} ({code}): {reason}")
        page.gap(12)
        for paragraph in _REMEDIES:
            page.text(paragraph, 10)
        page.gap(12)
        lead = department_names.get(item.lead_department, item.lead_department)
        page.text(f"决定机关 Decided by: {lead}")
        page.text(f"日期 Date: {local_date(issued_at)}")

    title = f"{_rejection_title(item)} {application.application_id}"
    meta = {"title": title, "subject": f"Unified rejection notice: {item.name_en}"}
    return _render(meta, draw, compress=compress)
