"""A bundle (一件事): several catalog items a company or a person needs for one thing in
their life (opening a business, closing it, a construction project's stage), applied for
as one. It is catalog data: which items, the situation questions that decide which of
them apply (情景导航), the order between them (an item that needs another's result waits
for it), the fields and materials its items share, and the answers that mean the bundle
is not the way (an exit, with what to apply for instead).

The bundle checks itself here (names, references, no cycle); `bundle_catalog_problems`
checks it against the catalog's items.
"""

from graphlib import CycleError, TopologicalSorter
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from shared.models.catalog import ApplicantKind, Catalog, CatalogItem, FormField
from shared.models.common import ApiModel
from shared.models.ids import DepartmentCode, FormFieldName, ItemId, MaterialCode

BundleId = Annotated[str, Field(pattern=r"^BND-[A-Z0-9]+(-[A-Z0-9]+)*$", max_length=40)]
QuestionKey = Annotated[str, Field(pattern=r"^[a-z][A-Za-z0-9]{1,39}$")]
OptionValue = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,29}$")]
Label = Annotated[str, Field(min_length=1, max_length=200)]


class BundleOption(ApiModel):
    value: OptionValue
    label_zh: Label
    label_en: Label


class BundleQuestion(ApiModel):
    """One situation question, answered by choosing one of its options."""

    key: QuestionKey
    text_zh: Label
    text_en: Label
    options: Annotated[list[BundleOption], Field(min_length=2, max_length=10)]

    def values(self) -> set[str]:
        return {o.value for o in self.options}


class Situation(ApiModel):
    """Holds when the answer to `question` is one of `any_of`."""

    question: QuestionKey
    any_of: Annotated[list[OptionValue], Field(min_length=1)]

    def holds(self, answers: dict[str, str]) -> bool:
        return answers.get(self.question) in self.any_of


class BundleItem(ApiModel):
    """An item of the bundle: it applies when every situation in `when` holds, and waits
    for the results of the items in `after` that apply too. `issues` names the materials
    its result stands for: an item that waits for it (directly or not) is not asked for
    them (the licence the registration issues, for the registrations after it)."""

    item_id: ItemId
    when: list[Situation] = Field(default_factory=list, max_length=5)
    after: list[ItemId] = Field(default_factory=list, max_length=10)
    issues: list[MaterialCode] = Field(default_factory=list, max_length=10)

    def applies(self, answers: dict[str, str]) -> bool:
        return all(s.holds(answers) for s in self.when)


class BundleExit(ApiModel):
    """Answers for which the bundle is not the way: why, and what to apply for instead."""

    when: Annotated[list[Situation], Field(min_length=1, max_length=5)]
    reason_zh: Label
    reason_en: Label
    instead: list[ItemId] = Field(default_factory=list, max_length=10)

    def applies(self, answers: dict[str, str]) -> bool:
        return all(s.holds(answers) for s in self.when)


class Bundle(ApiModel):
    bundle_id: BundleId
    name_zh: Label
    name_en: Label
    description_zh: Annotated[str, Field(max_length=1000)] = ""
    lead_department: DepartmentCode
    questions: list[BundleQuestion] = Field(default_factory=list, max_length=20)
    items: Annotated[list[BundleItem], Field(min_length=2, max_length=30)]
    exits: list[BundleExit] = Field(default_factory=list, max_length=10)
    # Asked once and uploaded once for every item of the bundle that has them.
    shared_fields: list[FormFieldName] = Field(default_factory=list, max_length=30)
    shared_materials: list[MaterialCode] = Field(default_factory=list, max_length=30)

    @model_validator(mode="after")
    def _consistent(self) -> "Bundle":
        problems = bundle_problems(self)
        if problems:
            raise ValueError(f"bundle {self.bundle_id}: " + "; ".join(problems))
        return self

    def question(self, key: str) -> BundleQuestion | None:
        return next((q for q in self.questions if q.key == key), None)


class BundleList(ApiModel):
    bundles: list[Bundle] = Field(max_length=200)


def bundle_problems(bundle: Bundle) -> list[str]:
    """What the bundle gets wrong on its own: repeated names, a situation naming a question
    or an option it does not have, an order naming an item outside it, or a cycle."""
    problems: list[str] = []
    keys = [q.key for q in bundle.questions]
    if len(set(keys)) != len(keys):
        problems.append("question keys must be unique")
    for q in bundle.questions:
        if len(q.values()) != len(q.options):
            problems.append(f"question {q.key}: option values must be unique")
    situations = [s for i in bundle.items for s in i.when] + [
        s for e in bundle.exits for s in e.when
    ]
    for s in situations:
        question = bundle.question(s.question)
        if question is None:
            problems.append(f"a situation names unknown question {s.question}")
        elif unknown := sorted(set(s.any_of) - question.values()):
            problems.append(f"a situation names unknown options {unknown} of question {s.question}")
    ids = [i.item_id for i in bundle.items]
    if len(set(ids)) != len(ids):
        problems.append("item ids must be unique")
    for item in bundle.items:
        if unknown := sorted(set(item.after) - set(ids)):
            problems.append(f"item {item.item_id} waits for items outside the bundle {unknown}")
    if not problems and (cycle := _cycle(bundle)):
        problems.append(f"the order between items has a cycle: {' → '.join(cycle)}")
    return problems


def _cycle(bundle: Bundle) -> list[str]:
    """The items of one cycle in the `after` order, or [] when there is none."""
    sorter = TopologicalSorter({i.item_id: i.after for i in bundle.items})
    try:
        sorter.prepare()
    except CycleError as error:
        return list(error.args[1])
    return []


def bundle_catalog_problems(bundle: Bundle, catalog: Catalog) -> list[str]:
    """What the bundle names that the catalog does not hold, and shared fields or materials
    that fewer than two of its items have (sharing them would save nothing)."""
    items = {i.item_id: i for i in catalog.items}
    problems: list[str] = []
    if catalog.department(bundle.lead_department) is None:
        problems.append(
            f"bundle {bundle.bundle_id} names unknown lead department {bundle.lead_department}"
        )
    named = [i.item_id for i in bundle.items] + [x for e in bundle.exits for x in e.instead]
    if unknown := sorted(set(named) - set(items)):
        problems.append(f"bundle {bundle.bundle_id} names unknown items {unknown}")
        return problems
    members = [items[i.item_id] for i in bundle.items]
    problems += _issues_problems(bundle, items)
    for name in bundle.shared_fields:
        fields = [(m.item_id, f) for m in members for f in m.form_fields if f.name == name]
        if len(fields) < 2:
            problems.append(
                f"bundle {bundle.bundle_id}: shared field {name} is a field of "
                f"{len(fields)} of its items"
            )
        elif len({_field_shape(f) for _, f in fields}) > 1:
            # One value answers every item: a select's options or a kind that differs
            # between them would refuse it for some.
            problems.append(
                f"bundle {bundle.bundle_id}: shared field {name} differs in kind or options "
                f"between {', '.join(i for i, _ in fields)}"
            )
    for code in bundle.shared_materials:
        holders = sum(1 for m in members if any(r.code == code for r in m.materials))
        if holders < 2:
            problems.append(
                f"bundle {bundle.bundle_id}: shared material {code} is a material of "
                f"{holders} of its items"
            )
    return problems


def _field_shape(field: FormField) -> tuple[str, tuple[str, ...]]:
    return field.kind.value, tuple(sorted(o.value for o in field.options))


def _issues_problems(bundle: Bundle, items: dict[str, CatalogItem]) -> list[str]:
    """Each material an item's result `issues` must be asked for by an item waiting for it."""
    waits = {i.item_id: i.after for i in bundle.items}
    before: dict[str, set[str]] = {}
    for item in TopologicalSorter(waits).static_order():
        before[item] = set(waits[item]).union(*(before[a] for a in waits[item]))
    problems = []
    for issuer in bundle.items:
        for code in issuer.issues:
            askers = [
                i
                for i, ancestors in before.items()
                if issuer.item_id in ancestors and any(r.code == code for r in items[i].materials)
            ]
            if not askers:
                problems.append(
                    f"bundle {bundle.bundle_id}: {issuer.item_id} issues {code}, which no "
                    "item waiting for it asks for"
                )
    return problems


def checked_bundles(document: str | bytes, catalog: Catalog) -> list[Bundle]:
    """The bundles of a JSON document (`{"bundles": [...]}`), each checked on its own and
    against the catalog; a ValueError listing every problem, each with where it is."""
    try:
        bundles = BundleList.model_validate_json(document).bundles
    except ValidationError as error:
        raise ValueError("; ".join(_located(e) for e in error.errors())) from None
    problems = [p for b in bundles for p in bundle_catalog_problems(b, catalog)]
    ids = [b.bundle_id for b in bundles]
    if len(set(ids)) != len(ids):
        problems.append("bundle ids must be unique")
    if problems:
        raise ValueError("; ".join(problems))
    return bundles


# -- The API's views ------------------------------------------------------------------
class ItemRef(ApiModel):
    item_id: ItemId
    name_zh: str
    name_en: str


class DepartmentRef(ApiModel):
    code: DepartmentCode
    name_zh: str
    name_en: str


class BundleSummary(ApiModel):
    bundle_id: BundleId
    name_zh: str
    name_en: str
    description_zh: str
    lead_department: DepartmentRef
    item_count: int
    question_count: int


class BundleIndex(ApiModel):
    """Every bundle of the current catalog (a few dozen at most: no pages)."""

    bundles: list[BundleSummary]


class BundleItemView(ItemRef):
    lead_department: DepartmentCode
    departments: list[DepartmentCode]
    promised_days: int
    on_site_visits: int
    when: list[Situation]
    after: list[ItemId]


class BundleExitView(ApiModel):
    when: list[Situation]
    reason_zh: str
    reason_en: str
    instead: list[ItemRef]


class BundleDetail(ApiModel):
    bundle_id: BundleId
    name_zh: str
    name_en: str
    description_zh: str
    lead_department: DepartmentRef
    questions: list[BundleQuestion]
    items: list[BundleItemView]
    exits: list[BundleExitView]
    shared_fields: list[FormFieldName]
    shared_materials: list[MaterialCode]


class ScreeningRequest(ApiModel):
    # Question key → option value; checked against the bundle's questions.
    answers: dict[str, Annotated[str, Field(max_length=30)]] = Field(
        default_factory=dict, max_length=20
    )


class ScreenedItem(ItemRef):
    wave: int  # 1 runs first; an item of wave n waits for results of earlier waves
    waits_for: list[ItemId]
    departments: list[DepartmentCode]
    promised_days: int
    on_site_visits: int


class ScreenedMaterial(ApiModel):
    code: MaterialCode
    name_zh: str
    name_en: str
    required: bool
    required_when_zh: str
    originals: int
    copies: int
    commitment_allowed: bool
    # Every item of the bundle that asks for it: provided once for all of them.
    item_ids: list[ItemId]


class ItemScreeningRequest(ApiModel):
    """A single item's pre-screening: who applies, and which of its conditional
    materials' situations (`requiredWhenZh`) hold, by material code."""

    applicant_kind: ApplicantKind
    situations: list[MaterialCode] = Field(default_factory=list, max_length=30)


class IssuedInBundle(ApiModel):
    """A material an earlier item of the bundle issues: not asked of the applicant for the
    items that wait for it."""

    code: MaterialCode
    name_zh: str
    name_en: str
    issued_by: ItemId
    item_ids: list[ItemId]


class ScreeningView(ApiModel):
    # The bundle screened, or the single item (`itemId`)
    bundle_id: BundleId | None = None
    item_id: ItemId | None = None
    outcome: Literal["bundle", "exit"]
    answers: dict[str, str]
    items: list[ScreenedItem]
    waves: list[list[ItemId]]
    materials: list[ScreenedMaterial]
    departments: list[DepartmentRef]
    # Working days from acceptance to the last result: the slowest chain of waits.
    critical_path_days: int
    critical_path: list[ItemId]
    on_site_visits: int
    visits_if_separate: int
    # Materials the bundle's own earlier results provide (not in `materials`)
    issued_in_bundle: list[IssuedInBundle] = Field(default_factory=list)
    exit: BundleExitView | None = None


def _located(error: ErrorDetails) -> str:
    where = ".".join(str(p) for p in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message
