"""An item's form: checking the values an applicant gives against its typed fields.

The same rules as the applicant model: a resident ID number or a credit code in a form is
checked for its check character like the applicant's own. Filing a case checks what is
given (a wrong value is a 422 naming the field); acceptance also asks for every required
field (a missing one returns the case for supplement, in the one-time notice).
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from shared.domain.identifiers import credit_code_problem, resident_id_problem
from shared.models.application import FormValue
from shared.models.catalog import CatalogItem, FieldKind, FormField

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TEXT_KINDS = {FieldKind.TEXT, FieldKind.TEXTAREA, FieldKind.ADDRESS}

Problem = tuple[str, str]  # (field, message)


def is_blank(value: FormValue) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def value_problem(spec: FormField, value: FormValue) -> str | None:
    """Why `value` does not fit the field, or None when it does (a blank value fits)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return f"{spec.label_en} takes a {spec.kind.value}, not true/false"
    if spec.kind is FieldKind.NUMBER:
        return _number_problem(spec, value)
    if not isinstance(value, str):
        return f"{spec.label_en} takes text"
    text = value.strip()
    if len(text) > spec.max_length:
        return f"{spec.label_en} is longer than {spec.max_length} characters"
    return _text_problem(spec, text)


def _number_problem(spec: FormField, value: FormValue) -> str | None:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return f"{spec.label_en} must be a number"
    if not number.is_finite():
        return f"{spec.label_en} must be a number"
    if spec.minimum is not None and number < spec.minimum:
        return f"{spec.label_en} must be at least {spec.minimum}"
    if spec.maximum is not None and number > spec.maximum:
        return f"{spec.label_en} must be at most {spec.maximum}"
    return None


def _text_problem(spec: FormField, text: str) -> str | None:
    kind = spec.kind
    if kind in _TEXT_KINDS:
        return None
    if kind is FieldKind.DATE:
        if not _DATE.match(text):
            return f"{spec.label_en} must be a date as YYYY-MM-DD"
        try:
            date.fromisoformat(text)
        except ValueError:
            return f"{spec.label_en} is not a calendar date"
        return None
    if kind is FieldKind.SELECT:
        allowed = [o.value for o in spec.options]
        return None if text in allowed else f"{spec.label_en} must be one of {', '.join(allowed)}"
    if kind is FieldKind.RESIDENT_ID:
        return resident_id_problem(text)
    if kind is FieldKind.CREDIT_CODE:
        return credit_code_problem(text)
    if kind is FieldKind.PHONE:
        if _MOBILE.match(text) or _LANDLINE.match(text):
            return None
        return f"{spec.label_en} must be a mobile number or a landline with its area code"
    return None


def form_problems(item: CatalogItem, form: dict[str, FormValue], *, require: bool) -> list[Problem]:
    """Every problem of `form` at once: unknown fields, values that do not fit, and with
    `require`, required fields left blank."""
    problems: list[Problem] = []
    for name in form:
        if item.form_field(name) is None:
            problems.append((f"form.{name}", f"{name} is not a field of this item's form"))
    for spec in item.form_fields:
        value = form.get(spec.name)
        if require and spec.required and is_blank(value):
            problems.append((f"form.{spec.name}", f"{spec.label_zh} is required"))
            continue
        problem = value_problem(spec, value)
        if problem:
            problems.append((f"form.{spec.name}", problem))
    return problems


def missing_required(item: CatalogItem, form: dict[str, FormValue]) -> list[str]:
    """The names of the item's required fields left blank, in the form's order."""
    return [s.name for s in item.form_fields if s.required and is_blank(form.get(s.name))]


def normalised(item: CatalogItem, form: dict[str, FormValue]) -> dict[str, FormValue]:
    """The form as stored: text trimmed, codes upper-cased, blanks left out."""
    result: dict[str, FormValue] = {}
    for name, value in form.items():
        spec = item.form_field(name)
        if spec is None or is_blank(value):
            continue
        if isinstance(value, str):
            value = value.strip()
            if spec.kind in (FieldKind.RESIDENT_ID, FieldKind.CREDIT_CODE):
                value = value.upper()
        result[name] = value
    return result
