"""Guided pre-screening of a bundle (情景导航): from the applicant's answers to the
bundle's situation questions, which items apply, in which waves they run (an item waits
for the results it needs; the rest of a wave runs at once), the one merged list of
materials, the departments, the time to the last result in working days, and the visits;
or the exit that says what to apply for instead.

A single item is screened the same way (`screen_item`): the applicant's kind, and which
of its conditional materials' situations hold.

Pure: the bundle and its items come in, a `Screening` goes out.
"""

from dataclasses import dataclass, field
from graphlib import TopologicalSorter

from shared.errors import ValidationFailed
from shared.models.bundles import Bundle, BundleExit, BundleItem, Situation
from shared.models.catalog import ApplicantKind, CatalogItem, MaterialRule, MaterialSource

APPLICANT_KIND_QUESTION = "applicantKind"
_KIND_NAMES = {
    ApplicantKind.PERSON: ("个人", "a person"),
    ApplicantKind.ENTERPRISE: ("企业或组织", "an enterprise or organisation"),
}


@dataclass(frozen=True)
class MergedMaterial:
    """One material to provide once, for every item of the bundle that asks for it."""

    rule: MaterialRule
    item_ids: tuple[str, ...]


@dataclass(frozen=True)
class FromResult:
    """A material the result of an earlier item of the bundle stands for."""

    rule: MaterialRule
    issued_by: str
    item_ids: tuple[str, ...]


@dataclass(frozen=True)
class Screening:
    item_ids: tuple[str, ...] = ()
    waves: tuple[tuple[str, ...], ...] = ()
    materials: tuple[MergedMaterial, ...] = ()
    departments: tuple[str, ...] = ()
    # Working days from acceptance to the last result: the slowest chain of waits.
    critical_path_days: int = 0
    critical_path: tuple[str, ...] = ()
    # One visit to the window serves every item: the most any item needs.
    on_site_visits: int = 0
    # The visits the same items need filed one by one, for comparison.
    visits_if_separate: int = 0
    issued_in_bundle: tuple[FromResult, ...] = ()
    exit: BundleExit | None = None
    answers: dict[str, str] = field(default_factory=dict)


def checked_answers(bundle: Bundle, answers: object) -> dict[str, str]:
    """The answers as the bundle's questions take them; a 422 naming every wrong one."""
    if not isinstance(answers, dict):
        raise ValidationFailed(
            "answers must be an object of question keys to option values", field="answers"
        )
    problems: list[tuple[str, str]] = []
    for key in answers:
        if bundle.question(str(key)) is None:
            problems.append((f"answers.{key}", f"{bundle.bundle_id} has no question {key}"))
    for question in bundle.questions:
        value = answers.get(question.key)
        if value is None:
            problems.append((f"answers.{question.key}", "not answered"))
        elif value not in question.values():
            allowed = ", ".join(sorted(question.values()))
            problems.append((f"answers.{question.key}", f"{value!r} is not one of {allowed}"))
    if problems:
        raise ValidationFailed("the answers do not fit the bundle's questions", fields=problems)
    return {str(k): str(v) for k, v in answers.items()}


def screen(bundle: Bundle, items: dict[str, CatalogItem], answers: dict[str, str]) -> Screening:
    """What the bundle means for these (checked) answers."""
    exit_ = next((e for e in bundle.exits if e.applies(answers)), None)
    if exit_ is not None:
        return Screening(exit=exit_, answers=answers)
    chosen = [i for i in bundle.items if i.applies(answers)]
    ids = [i.item_id for i in chosen]
    # An item waits only for the items that apply: filing (备案) or approval (核准), not both.
    waits = {i.item_id: [a for a in i.after if a in ids] for i in chosen}
    members = [items[i] for i in ids]
    path, days = critical_path(waits, {i: items[i].promised_days for i in ids})
    provided = _provided_by_results(chosen, waits)
    return Screening(
        item_ids=tuple(ids),
        waves=_waves(waits, order=ids),
        materials=_merged_materials(bundle, members, provided),
        issued_in_bundle=_from_results(members, provided),
        departments=tuple(dict.fromkeys(d for m in members for d in m.departments)),
        critical_path_days=days,
        critical_path=path,
        on_site_visits=max((m.on_site_visits for m in members), default=0),
        visits_if_separate=sum(m.on_site_visits for m in members),
        answers=answers,
    )


def _waves(waits: dict[str, list[str]], *, order: list[str]) -> tuple[tuple[str, ...], ...]:
    """The items in waves: each wave holds what all earlier waves make ready, in the
    bundle's own order."""
    sorter = TopologicalSorter(waits)
    sorter.prepare()
    waves: list[tuple[str, ...]] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=order.index)
        waves.append(tuple(ready))
        sorter.done(*ready)
    return tuple(waves)


def critical_path(waits: dict[str, list[str]], days: dict[str, int]) -> tuple[tuple[str, ...], int]:
    """The chain of waits that takes longest, and its working days."""
    best: dict[str, tuple[int, tuple[str, ...]]] = {}
    for item in TopologicalSorter(waits).static_order():
        before = max((best[a] for a in waits[item]), default=(0, ()), key=lambda b: b[0])
        best[item] = (before[0] + days[item], (*before[1], item))
    total, path = max(best.values(), key=lambda b: b[0], default=(0, ()))
    return path, total


def _ancestors(waits: dict[str, list[str]]) -> dict[str, set[str]]:
    """What each item waits for, directly or through others."""
    found: dict[str, set[str]] = {}
    for item in TopologicalSorter(waits).static_order():
        found[item] = set(waits[item]).union(*(found[a] for a in waits[item]))
    return found


def _provided_by_results(
    chosen: list[BundleItem], waits: dict[str, list[str]]
) -> dict[tuple[str, str], str]:
    """(item, material code) → the earlier item of the bundle whose result provides it."""
    before = _ancestors(waits)
    issuers = [(i.item_id, code) for i in chosen for code in i.issues]
    return {
        (item, code): issuer for item in waits for issuer, code in issuers if issuer in before[item]
    }


def _from_results(
    members: list[CatalogItem], provided: dict[tuple[str, str], str]
) -> tuple[FromResult, ...]:
    found: dict[tuple[str, str], FromResult] = {}
    for item in members:
        for rule in item.materials:
            issuer = provided.get((item.item_id, rule.code))
            if issuer is None or rule.source != MaterialSource.APPLICANT:
                continue
            held = found.get((rule.code, issuer))
            ids = (*held.item_ids, item.item_id) if held else (item.item_id,)
            found[(rule.code, issuer)] = FromResult(rule=rule, issued_by=issuer, item_ids=ids)
    return tuple(found.values())


def _merged_materials(
    bundle: Bundle, members: list[CatalogItem], provided: dict[tuple[str, str], str]
) -> tuple[MergedMaterial, ...]:
    """Each item's materials, a shared one (the bundle's `shared_materials`) listed once
    with every item that asks for it. Materials the system obtains itself, and those an
    earlier item's result provides, are left out."""
    merged: dict[tuple[str, str], MergedMaterial] = {}
    for item in members:
        for rule in item.materials:
            if rule.source != MaterialSource.APPLICANT:
                continue
            if (item.item_id, rule.code) in provided:
                continue
            key = (
                (rule.code, "")
                if rule.code in bundle.shared_materials
                else (rule.code, item.item_id)
            )
            held = merged.get(key)
            if held is None:
                merged[key] = MergedMaterial(rule=rule, item_ids=(item.item_id,))
            else:
                # Shared, it is required when any item requires it.
                rule = held.rule if held.rule.required or not rule.required else rule
                merged[key] = MergedMaterial(rule=rule, item_ids=(*held.item_ids, item.item_id))
    return tuple(merged.values())


def screen_item(item: CatalogItem, applicant_kind: str, situations: list[str]) -> Screening:
    """One item for this applicant: the materials they provide (every required one, and
    the conditional ones whose situation they say holds, by material code), or the exit
    when the item is not for their kind of applicant. A 422 names each code that is not
    one of the item's conditional materials (`situations.<n>`)."""
    conditional = {r.code for r in item.materials if r.uploaded and r.required_when_zh}
    wrong = [
        (f"situations.{n}", f"{code} is not a conditional material of {item.item_id}")
        for n, code in enumerate(situations)
        if code not in conditional
    ]
    if wrong:
        raise ValidationFailed("the situations do not fit the item's materials", fields=wrong)
    answers = {APPLICANT_KIND_QUESTION: applicant_kind}
    if applicant_kind not in item.applicant_kinds:
        return Screening(exit=_kind_exit(item, applicant_kind), answers=answers)
    held = set(situations)
    materials = tuple(
        MergedMaterial(rule=r, item_ids=(item.item_id,))
        for r in item.materials
        if r.uploaded and (r.required or r.code in held)
    )
    return Screening(
        item_ids=(item.item_id,),
        waves=((item.item_id,),),
        materials=materials,
        departments=tuple(item.departments),
        critical_path_days=item.promised_days,
        critical_path=(item.item_id,),
        on_site_visits=item.on_site_visits,
        visits_if_separate=item.on_site_visits,
        answers=answers,
    )


def _kind_exit(item: CatalogItem, applicant_kind: str) -> BundleExit:
    kinds_zh = "、".join(_KIND_NAMES[ApplicantKind(k)][0] for k in item.applicant_kinds)
    kinds_en = " or ".join(_KIND_NAMES[ApplicantKind(k)][1] for k in item.applicant_kinds)
    return BundleExit(
        when=[Situation(question=APPLICANT_KIND_QUESTION, any_of=[applicant_kind])],
        reason_zh=f"本事项的申请人为{kinds_zh}，请以相应身份申请，或咨询服务窗口。",
        reason_en=(
            f"This service is applied for by {kinds_en}: apply as one, or ask the service window."
        ),
    )
