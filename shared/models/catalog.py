"""A service item of the catalog (政务服务事项) as a row of the national implementation list
(实施清单): identity, handling, time, materials, form, result, fee and legal basis.

The field set follows the implementation-list format (GB/T 39554.1, GB/T 39046), in
English names with bilingual labels. An item is versioned: the importer gives each changed
item a new `version`, and a case pins the version it was filed under.

Codes:
- basic code (基本编码): the type's two letters, 5 digits of the main item and 3 of the
  sub-item, e.g. `XK00115001` (the layout of the national basic catalogue's exports);
- implementation code (实施编码): the implementing body's unified social credit code, then
  the basic code, e.g. `11370672MB0000017X` + `XK00115001`.
"""

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from shared.domain.identifiers import credit_code_problem
from shared.models.common import (
    ApiModel,
    DeliveryMode,
    ItemType,
    ReusableDocument,
    SpecialProcedureKind,
)
from shared.models.ids import DepartmentCode, FormFieldName, ItemId, MaterialCode

ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(max_length=2000)]
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
DEFAULT_WARNING_DAYS = 2

# Two letters of each type in the basic code. Filing (备案) sits under QT or QR
# depending on the province; both are accepted for it.
TYPE_CODES: dict[ItemType, tuple[str, ...]] = {
    ItemType.ADMINISTRATIVE_LICENSING: ("XK",),
    ItemType.ADMINISTRATIVE_CONFIRMATION: ("QR",),
    ItemType.ADMINISTRATIVE_PAYMENT: ("GF",),
    ItemType.ADMINISTRATIVE_RULING: ("CJ",),
    ItemType.ADMINISTRATIVE_REWARD: ("JL",),
    ItemType.ADMINISTRATIVE_LEVY: ("ZS",),
    ItemType.FILING: ("QT", "QR"),
    ItemType.OTHER_ADMINISTRATIVE_POWER: ("QT",),
    ItemType.PUBLIC_SERVICE: ("GG",),
}
BASIC_CODE_PATTERN = r"^(XK|QR|GF|CJ|JL|ZS|QT|GG)\d{8}$"


class CaseKind(StrEnum):
    """办件类型."""

    IMMEDIATE = "immediate"  # 即办件: concluded on the spot (promised limit 0)
    PROMISED = "promised"  # 承诺件: concluded within the promised working days


class HandlingMode(StrEnum):
    """办理方式."""

    SELF = "self"  # 自办
    PRELIMINARY = "preliminary"  # 初审: reviewed here, forwarded up for the decision
    JOINT = "joint"  # 联办: the lead and its co-departments
    FORWARDED = "forwarded"  # 转报


class OnlineDepth(StrEnum):
    """网上办理深度, one to four stars."""

    INFORMATION = "information"  # 一星: the guide only
    PRE_REVIEW = "pre_review"  # 二星: online pre-review
    ONLINE = "online"  # 三星: online handling, one visit for originals or the result
    FULLY_ONLINE = "fully_online"  # 四星: 全程网办


class AuthoritySource(StrEnum):
    """权力来源."""

    STATUTORY = "statutory"  # 法定本级行使
    DEVOLVED = "devolved"  # 上级下放
    AUTHORISED = "authorised"  # 上级授权 / 同级授权
    ENTRUSTED = "entrusted"  # 上级委托 / 同级委托


class IntakeChannel(StrEnum):
    """办理形式: how an application may come in."""

    WINDOW = "window"  # 窗口办理
    ONLINE = "online"  # 网上办理
    POST = "post"  # 快递申请: materials by post
    HOME_VISIT = "home_visit"  # 上门服务


class ApplicantKind(StrEnum):
    PERSON = "person"
    ENTERPRISE = "enterprise"


class MaterialSource(StrEnum):
    """Where a material comes from (提交方式)."""

    APPLICANT = "applicant"  # uploaded (or posted) by the applicant
    SHARED_DATA = "shared_data"  # 部门共享核验: another department's data, nothing submitted
    ISSUED_CERTIFICATE = "issued_certificate"  # 免证办: a certificate already issued


class ResultKind(StrEnum):
    """审批结果类型."""

    CERTIFICATE = "certificate"  # 10 证照
    APPROVAL_DOCUMENT = "approval_document"  # 20 批文
    FILING_RECEIPT = "filing_receipt"  # 30 其他: 备案回执 / 登记表
    OTHER = "other"  # 30 其他: a contract, a notice


class FieldKind(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    NUMBER = "number"
    DATE = "date"
    SELECT = "select"
    RESIDENT_ID = "resident_id"  # 居民身份证号码, check character verified
    CREDIT_CODE = "credit_code"  # 统一社会信用代码, check character verified
    PHONE = "phone"  # a mobile number or a landline with its area code
    ADDRESS = "address"


class Department(ApiModel):
    code: DepartmentCode
    name_zh: Annotated[str, Field(min_length=1, max_length=60)]
    name_en: Annotated[str, Field(min_length=1, max_length=120)]
    # The body's own unified social credit code: implementation codes start with it.
    credit_code: Annotated[str, Field(min_length=18, max_length=18)]
    phone: Annotated[str, Field(pattern=r"^0\d{2,3}-\d{7,8}$")] | None = None

    @field_validator("credit_code")
    @classmethod
    def _check_code(cls, value: str) -> str:
        problem = credit_code_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class SpecialProcedure(ApiModel):
    kind: SpecialProcedureKind
    name_zh: ShortText
    name_en: ShortText
    limit_days: Annotated[int, Field(gt=0, le=365)]  # working days the procedure may take
    legal_basis: ShortText
    # By law (§45) it does not count toward the statutory limit; a zone may list one that
    # does.
    counts_toward_limit: bool = False


class MaterialRule(ApiModel):
    code: MaterialCode
    name_zh: Annotated[str, Field(min_length=1, max_length=80)]
    name_en: Annotated[str, Field(min_length=1, max_length=160)]
    required: bool = True
    # A material needed only in some situations: required is False and this says when.
    required_when_zh: Annotated[str, Field(max_length=200)] = ""
    originals: Annotated[int, Field(ge=0, le=20)] = 0  # 原件 to show or post
    copies: Annotated[int, Field(ge=0, le=20)] = 1  # 复印件
    content_types: Annotated[list[str], Field(min_length=1)]
    max_size_bytes: Annotated[int, Field(gt=0, le=MAX_UPLOAD_BYTES)]
    source: MaterialSource = MaterialSource.APPLICANT
    # For shared data: the department whose data is consulted; for an issued certificate:
    # the catalog item whose result it is, when the zone issues it.
    source_department: DepartmentCode | None = None
    source_item: ItemId | None = None
    # 容缺: may be accepted on a signed commitment to supply it by a deadline.
    commitment_allowed: bool = False
    # 可复用: which reusable document this is, when it is one (ReusableDocument).
    reusable_as: ReusableDocument | None = None
    notes_zh: Annotated[str, Field(max_length=500)] = ""

    @model_validator(mode="after")
    def _consistent(self) -> "MaterialRule":
        if self.source is MaterialSource.SHARED_DATA and not self.source_department:
            raise ValueError("sourceDepartment names whose data a shared-data material is")
        if self.source is MaterialSource.ISSUED_CERTIFICATE and not self.source_item:
            raise ValueError("sourceItem names the item that issues the certificate")
        if self.source is MaterialSource.APPLICANT and (self.source_department or self.source_item):
            raise ValueError("an applicant's material has no sourceDepartment or sourceItem")
        if self.required and self.required_when_zh:
            raise ValueError("requiredWhenZh is for optional materials (required: false)")
        if self.commitment_allowed and not self.required:
            raise ValueError("only a required material can be accepted on commitment")
        if self.reusable_as and self.source is not MaterialSource.APPLICANT:
            raise ValueError("only a material the applicant submits is reused (reusableAs)")
        return self

    @property
    def uploaded(self) -> bool:
        """Whether the applicant submits it (the others come from data already held)."""
        return self.source is MaterialSource.APPLICANT


class FieldOption(ApiModel):
    value: Annotated[str, Field(min_length=1, max_length=40)]
    label_zh: ShortText
    label_en: ShortText


class FormField(ApiModel):
    """A field the applicant fills in; its kind decides how a value is checked."""

    name: FormFieldName
    label_zh: ShortText
    label_en: ShortText
    kind: FieldKind = FieldKind.TEXT
    required: bool = True
    max_length: Annotated[int, Field(gt=0, le=4000)] = 200
    minimum: Decimal | None = None  # number
    maximum: Decimal | None = None  # number
    options: list[FieldOption] = Field(default_factory=list, max_length=100)  # select
    help_zh: Annotated[str, Field(max_length=300)] = ""

    @model_validator(mode="after")
    def _consistent(self) -> "FormField":
        if self.kind is FieldKind.SELECT:
            values = [o.value for o in self.options]
            if not values:
                raise ValueError("a select field lists its options")
            if len(set(values)) != len(values):
                raise ValueError("option values must be unique")
        elif self.options:
            raise ValueError("only a select field has options")
        if (self.minimum is not None or self.maximum is not None) and (
            self.kind is not FieldKind.NUMBER
        ):
            raise ValueError("only a number field has a minimum or maximum")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("minimum exceeds maximum")
        return self


class ResultSpec(ApiModel):
    kind: ResultKind
    name_zh: ShortText
    name_en: ShortText
    # Years the result is valid; None is long-term (长期有效).
    validity_years: Annotated[int, Field(gt=0, le=50)] | None = None
    validity_note_zh: Annotated[str, Field(max_length=200)] = ""


class Fee(ApiModel):
    name_zh: ShortText
    name_en: ShortText
    # A fixed amount, or None when the standard is a rate (say, per square metre).
    amount_yuan: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] | None = None
    standard_zh: ShortText
    legal_basis: ShortText


class BilingualText(ApiModel):
    zh: Annotated[str, Field(min_length=1, max_length=500)]
    en: Annotated[str, Field(max_length=1000)] = ""


class CatalogItem(ApiModel):
    # -- identity -----------------------------------------------------------------------
    item_id: ItemId
    basic_code: Annotated[str, Field(pattern=BASIC_CODE_PATTERN)]
    implementation_code: Annotated[str, Field(pattern=r"^[0-9A-Z]{28,40}$")]
    version: Annotated[int, Field(ge=1)] = 1
    name_zh: Annotated[str, Field(min_length=1, max_length=120)]
    name_en: Annotated[str, Field(min_length=1, max_length=200)]
    item_type: ItemType
    authority_source: AuthoritySource = AuthoritySource.STATUTORY
    implementing_department: DepartmentCode
    lead_department: DepartmentCode
    co_departments: list[DepartmentCode] = Field(default_factory=list, max_length=10)
    # -- handling -----------------------------------------------------------------------
    case_kind: CaseKind
    handling_mode: HandlingMode
    on_site_visits: Annotated[int, Field(ge=0, le=1)]  # 到现场次数: 0 or 1
    visit_reason_zh: Annotated[str, Field(max_length=200)] = ""
    online_depth: OnlineDepth
    intake_channels: Annotated[list[IntakeChannel], Field(min_length=1)]
    applicant_kinds: Annotated[list[ApplicantKind], Field(min_length=1)]
    conditions: list[BilingualText] = Field(default_factory=list, max_length=30)
    notice_and_commitment: bool = False  # 告知承诺制
    # -- time (working days) ------------------------------------------------------------
    promised_days: Annotated[int, Field(ge=0, le=365)]
    statutory_days: Annotated[int, Field(gt=0, le=365)]
    time_limit_note_zh: Annotated[str, Field(max_length=300)] = ""
    # 电子监察: a yellow warning this many working days before the promised deadline.
    warning_days: Annotated[int, Field(ge=0, le=10)] = DEFAULT_WARNING_DAYS
    special_procedures: list[SpecialProcedure] = Field(default_factory=list, max_length=10)
    # -- materials and form -------------------------------------------------------------
    materials: Annotated[list[MaterialRule], Field(min_length=1, max_length=60)]
    form_fields: list[FormField] = Field(default_factory=list, max_length=60)
    # -- result, fee, delivery, basis ---------------------------------------------------
    result: ResultSpec
    fees: list[Fee] = Field(default_factory=list, max_length=10)  # empty: free of charge
    delivery_modes: Annotated[list[DeliveryMode], Field(min_length=1)]
    legal_basis: Annotated[list[ShortText], Field(min_length=1, max_length=20)]
    description_zh: LongText = ""
    description_en: LongText = ""

    @model_validator(mode="after")
    def _consistent(self) -> "CatalogItem":
        self._check_codes()
        self._check_departments()
        self._check_handling()
        self._check_unique()
        return self

    def _check_codes(self) -> None:
        if self.basic_code[:2] not in TYPE_CODES[self.item_type]:
            allowed = " or ".join(TYPE_CODES[self.item_type])
            raise ValueError(f"basicCode of a {self.item_type.value} item starts with {allowed}")
        if not self.implementation_code.endswith(self.basic_code):
            raise ValueError("implementationCode ends with the item's basicCode")

    def _check_departments(self) -> None:
        if self.lead_department in self.co_departments:
            raise ValueError("the lead department cannot also be a co-department")
        if len(set(self.co_departments)) != len(self.co_departments):
            raise ValueError("coDepartments has duplicates")
        if self.co_departments and self.handling_mode is not HandlingMode.JOINT:
            raise ValueError("an item with co-departments is handled jointly (handlingMode)")

    def _check_handling(self) -> None:
        if self.promised_days > self.statutory_days:
            raise ValueError("promisedDays cannot exceed statutoryDays")
        if (self.case_kind is CaseKind.IMMEDIATE) != (self.promised_days == 0):
            raise ValueError("an immediate item (and only one) has promisedDays 0")
        if self.on_site_visits == 1 and not self.visit_reason_zh:
            raise ValueError("visitReasonZh says why the one visit is needed")
        if self.on_site_visits == 0 and self.visit_reason_zh:
            raise ValueError("visitReasonZh is only for an item that needs a visit")
        if self.online_depth is OnlineDepth.FULLY_ONLINE and self.on_site_visits:
            raise ValueError("a fully online item needs no visit")

    def _check_unique(self) -> None:
        for label, values in (
            ("material codes", [m.code for m in self.materials]),
            ("form field names", [f.name for f in self.form_fields]),
            ("applicantKinds", list(self.applicant_kinds)),
            ("deliveryModes", list(self.delivery_modes)),
            ("intakeChannels", list(self.intake_channels)),
        ):
            if len(set(values)) != len(values):
                raise ValueError(f"{label} must be unique within an item")
        if not any(m.required for m in self.materials):
            raise ValueError("an item asks for at least one required material")

    def material(self, code: str) -> MaterialRule | None:
        return next((m for m in self.materials if m.code == code), None)

    def form_field(self, name: str) -> FormField | None:
        return next((f for f in self.form_fields if f.name == name), None)

    @property
    def departments(self) -> list[str]:
        return [self.lead_department, *self.co_departments]

    @property
    def charged(self) -> bool:
        return bool(self.fees)


class Catalog(ApiModel):
    """A zone's implementation list: departments and items, validated together."""

    departments: Annotated[list[Department], Field(min_length=1)]
    items: list[CatalogItem]

    @model_validator(mode="after")
    def _references_known(self) -> "Catalog":
        codes = [d.code for d in self.departments]
        if len(set(codes)) != len(codes):
            raise ValueError("department codes must be unique")
        ids = [i.item_id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("item ids must be unique")
        problems = catalog_reference_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def department(self, code: str) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)


def catalog_reference_problems(catalog: Catalog) -> list[str]:
    """What an item names that the list does not hold: departments, source items, and an
    implementation code that does not start with its implementing body's credit code."""
    departments = {d.code: d for d in catalog.departments}
    items = {i.item_id for i in catalog.items}
    problems = []
    for item in catalog.items:
        named = {item.implementing_department, *item.departments}
        named |= {m.source_department for m in item.materials if m.source_department}
        unknown = sorted(named - set(departments))
        if unknown:
            problems.append(f"item {item.item_id} names unknown departments {unknown}")
            continue
        body = departments[item.implementing_department]
        if not item.implementation_code.startswith(body.credit_code):
            problems.append(
                f"item {item.item_id}: implementationCode starts with the credit code of "
                f"{item.implementing_department} ({body.credit_code})"
            )
        for material in item.materials:
            if material.source_item and material.source_item not in items:
                problems.append(
                    f"item {item.item_id}: material {material.code} names unknown sourceItem "
                    f"{material.source_item}"
                )
    return problems
