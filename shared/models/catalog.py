"""A service item of the catalog (政务服务事项) and the rules for its materials."""

from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from shared.models.common import ApiModel, DeliveryMode, ItemType

DepartmentCode = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{1,15}$")]


class Department(ApiModel):
    code: DepartmentCode
    name_zh: Annotated[str, Field(min_length=1, max_length=60)]
    name_en: Annotated[str, Field(min_length=1, max_length=120)]


class MaterialRule(ApiModel):
    code: Annotated[str, Field(pattern=r"^[A-Z0-9_]{2,32}$")]
    name_zh: Annotated[str, Field(min_length=1, max_length=80)]
    name_en: Annotated[str, Field(min_length=1, max_length=160)]
    required: bool = True
    content_types: Annotated[list[str], Field(min_length=1)]
    max_size_bytes: Annotated[int, Field(gt=0, le=50 * 1024 * 1024)]


class FormField(ApiModel):
    """A field the applicant fills in; acceptance checks required ones are present."""

    name: Annotated[str, Field(pattern=r"^[a-zA-Z][a-zA-Z0-9]{0,39}$")]
    label_zh: str
    label_en: str
    required: bool = True
    max_length: Annotated[int, Field(gt=0, le=4000)] = 200


class CatalogItem(ApiModel):
    item_id: Annotated[str, Field(pattern=r"^[A-Z0-9-]{3,40}$")]
    name_zh: Annotated[str, Field(min_length=1, max_length=120)]
    name_en: Annotated[str, Field(min_length=1, max_length=200)]
    item_type: ItemType
    lead_department: DepartmentCode
    co_departments: list[DepartmentCode] = Field(default_factory=list, max_length=10)
    applicant_kinds: Annotated[list[str], Field(min_length=1)] = Field(
        default_factory=lambda: ["person", "enterprise"]
    )
    form_fields: list[FormField] = Field(default_factory=list)
    materials: Annotated[list[MaterialRule], Field(min_length=1)]
    promised_days: Annotated[int, Field(gt=0, le=365)]
    statutory_days: Annotated[int, Field(gt=0, le=365)]
    delivery_modes: Annotated[list[DeliveryMode], Field(min_length=1)]
    fee_yuan: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)] = Decimal("0")
    description_zh: str = ""
    description_en: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> "CatalogItem":
        if self.promised_days > self.statutory_days:
            raise ValueError("promisedDays cannot exceed statutoryDays")
        if self.lead_department in self.co_departments:
            raise ValueError("the lead department cannot also be a co-department")
        if len(set(self.co_departments)) != len(self.co_departments):
            raise ValueError("coDepartments has duplicates")
        codes = [m.code for m in self.materials]
        if len(set(codes)) != len(codes):
            raise ValueError("material codes must be unique within an item")
        if not set(self.applicant_kinds) <= {"person", "enterprise"}:
            raise ValueError("applicantKinds may hold only 'person' and 'enterprise'")
        return self

    def material(self, code: str) -> MaterialRule | None:
        return next((m for m in self.materials if m.code == code), None)

    @property
    def departments(self) -> list[str]:
        return [self.lead_department, *self.co_departments]


class Catalog(ApiModel):
    """The catalog file: departments and items, validated together."""

    departments: list[Department]
    items: list[CatalogItem]

    @model_validator(mode="after")
    def _departments_known(self) -> "Catalog":
        known = {d.code for d in self.departments}
        for item in self.items:
            unknown = set(item.departments) - known
            if unknown:
                raise ValueError(f"item {item.item_id} names unknown departments {sorted(unknown)}")
        ids = [i.item_id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("item ids must be unique")
        return self
