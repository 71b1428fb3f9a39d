"""A key project's approval roadmap (审批路线图): its life from approval to exit as stages,
each with its bundle or items from the catalog, its departments, its time limit and what
must come before; which are done, running or next; and the working days still ahead on
the critical path.

The construction stages are the State Council's four (2018 No. 33, 2019 No. 11), run one
after another, each a bundle; around them the stages a company passes as it needs them:
operating licences (the project's own items), changes, dormancy (歇业) and deregistration.
Whether an item is done comes from the project's cases.

Pure: the project's situation answers, its cases and the catalog's bundles and items in,
a `Roadmap` out.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from shared.domain.bundles import critical_path
from shared.models.bundles import Bundle
from shared.models.catalog import CatalogItem
from shared.models.common import ApplicationStatus


class StageState(StrEnum):
    DONE = "done"
    RUNNING = "running"
    NEXT = "next"  # every stage before it is done: the one to prepare now
    LATER = "later"  # waits for an earlier stage
    AS_NEEDED = "as_needed"  # a stage the company takes only when it needs it
    NOT_APPLICABLE = "not_applicable"  # no item of it applies to this project


class ItemState(StrEnum):
    DONE = "done"
    RUNNING = "running"
    REFUSED = "refused"  # the last case ended without the result: to file again
    NOT_FILED = "not_filed"


class Lifecycle(StrEnum):
    PLANNING = "planning"
    CONSTRUCTION = "construction"
    OPERATING = "operating"
    DORMANT = "dormant"
    EXITING = "exiting"
    EXITED = "exited"


@dataclass(frozen=True)
class StageDefinition:
    key: str
    name_zh: str
    name_en: str
    bundle_id: str | None = None  # the stage's items are the bundle's, as screened
    item_ids: tuple[str, ...] = ()  # or these (operating licences: the project's own)
    sequential: bool = True  # waits for the sequential stage before it
    as_needed: bool = False


STAGES: tuple[StageDefinition, ...] = (
    StageDefinition(
        "approval_and_land",
        "立项用地规划许可",
        "Project approval and land-use planning",
        bundle_id="BND-CONSTRUCTION-1",
    ),
    StageDefinition(
        "engineering_planning",
        "工程建设许可",
        "Engineering construction permit",
        bundle_id="BND-CONSTRUCTION-2",
    ),
    StageDefinition(
        "construction_permit", "施工许可", "Construction permit", bundle_id="BND-CONSTRUCTION-3"
    ),
    StageDefinition(
        "completion_acceptance",
        "竣工验收",
        "Completion acceptance",
        bundle_id="BND-CONSTRUCTION-4",
    ),
    StageDefinition("operating_licences", "经营许可", "Operating licences"),
    StageDefinition(
        "changes",
        "变更",
        "Changes",
        item_ids=("SD-KFQ-0112",),
        sequential=False,
        as_needed=True,
    ),
    StageDefinition(
        "dormancy",
        "歇业",
        "Dormancy",
        item_ids=("SD-KFQ-0113",),
        sequential=False,
        as_needed=True,
    ),
    StageDefinition(
        "deregistration",
        "注销退出",
        "Deregistration and exit",
        bundle_id="BND-DEREGISTRATION",
        sequential=False,
        as_needed=True,
    ),
)

_DONE = {
    ApplicationStatus.APPROVED,
    ApplicationStatus.ISSUED,
    ApplicationStatus.DELIVERED,
    ApplicationStatus.COMPLETED,
}
_REFUSED = {
    ApplicationStatus.NOT_ACCEPTED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.COMMITMENT_BROKEN,
    ApplicationStatus.FAILED,
}


@dataclass(frozen=True)
class ProjectCase:
    """One of the project's cases, as the roadmap needs it."""

    application_id: str
    item_id: str
    status: ApplicationStatus
    filed_at: str  # ISO time: the latest case of an item decides its state


@dataclass(frozen=True)
class RoadmapItem:
    item_id: str
    state: ItemState
    promised_days: int
    departments: tuple[str, ...]
    waits_for: tuple[str, ...]
    application_id: str | None  # the case that decides its state


@dataclass(frozen=True)
class RoadmapStage:
    definition: StageDefinition
    state: StageState
    items: tuple[RoadmapItem, ...]
    departments: tuple[str, ...]
    # Working days along the stage's own critical path, and what is left of it.
    days: int
    days_left: int
    prerequisite: str | None  # the stage it waits for


@dataclass(frozen=True)
class Roadmap:
    stages: tuple[RoadmapStage, ...]
    lifecycle: Lifecycle
    # Working days ahead along the sequential stages not done yet.
    critical_path_days: int


def roadmap(
    answers: Mapping[str, str],
    operating_items: Iterable[str],
    cases: Iterable[ProjectCase],
    bundles: Mapping[str, Bundle],
    items: Mapping[str, CatalogItem],
) -> Roadmap:
    """The project's roadmap. `answers` answer the construction bundles' situation
    questions (unanswered ones take the first option: the common case)."""
    latest = _latest_cases(cases)
    stages: list[RoadmapStage] = []
    before: RoadmapStage | None = None
    for definition in STAGES:
        stage = _stage(definition, answers, tuple(operating_items), latest, bundles, items, before)
        stages.append(stage)
        if definition.sequential and stage.state is not StageState.NOT_APPLICABLE:
            before = stage
    ahead = sum(s.days_left for s in stages if s.definition.sequential)
    return Roadmap(tuple(stages), _lifecycle(stages), ahead)


def _latest_cases(cases: Iterable[ProjectCase]) -> dict[str, ProjectCase]:
    latest: dict[str, ProjectCase] = {}
    for case in sorted(cases, key=lambda c: c.filed_at):
        latest[case.item_id] = case
    return latest


def _stage(
    definition: StageDefinition,
    answers: Mapping[str, str],
    operating_items: tuple[str, ...],
    latest: Mapping[str, ProjectCase],
    bundles: Mapping[str, Bundle],
    items: Mapping[str, CatalogItem],
    before: RoadmapStage | None,
) -> RoadmapStage:
    chosen, waits = _stage_items(definition, answers, operating_items, bundles)
    states = {i: _item_state(latest.get(i)) for i in chosen}
    days = {i: items[i].promised_days for i in chosen}
    _, total = critical_path(waits, days)
    left = {i: (0 if states[i] is ItemState.DONE else days[i]) for i in chosen}
    _, remaining = critical_path(waits, left)
    road_items = tuple(
        RoadmapItem(
            item_id=i,
            state=states[i],
            promised_days=days[i],
            departments=tuple(items[i].departments),
            waits_for=tuple(waits[i]),
            application_id=latest[i].application_id if i in latest else None,
        )
        for i in chosen
    )
    return RoadmapStage(
        definition=definition,
        state=_stage_state(definition, list(states.values()), before),
        items=road_items,
        departments=tuple(dict.fromkeys(d for i in chosen for d in items[i].departments)),
        days=total,
        days_left=remaining,
        prerequisite=before.definition.key if definition.sequential and before else None,
    )


def _stage_items(
    definition: StageDefinition,
    answers: Mapping[str, str],
    operating_items: tuple[str, ...],
    bundles: Mapping[str, Bundle],
) -> tuple[list[str], dict[str, list[str]]]:
    """The stage's items that apply, and what each waits for within the stage."""
    if definition.bundle_id is None:
        ids = list(
            operating_items if definition.key == "operating_licences" else definition.item_ids
        )
        return ids, {i: [] for i in ids}
    bundle = bundles[definition.bundle_id]
    full = {q.key: answers.get(q.key, q.options[0].value) for q in bundle.questions}
    chosen = [i for i in bundle.items if i.applies(full)]
    if any(e.applies(full) for e in bundle.exits):
        return [], {}  # not through this bundle (a government-invested project, say)
    ids = [i.item_id for i in chosen]
    return ids, {i.item_id: [a for a in i.after if a in ids] for i in chosen}


def _item_state(case: ProjectCase | None) -> ItemState:
    if case is None:
        return ItemState.NOT_FILED
    if case.status in _DONE:
        return ItemState.DONE
    if case.status in _REFUSED:
        return ItemState.REFUSED
    return ItemState.RUNNING


def _stage_state(
    definition: StageDefinition, states: list[ItemState], before: RoadmapStage | None
) -> StageState:
    if not states:
        return StageState.NOT_APPLICABLE
    if all(s is ItemState.DONE for s in states):
        return StageState.DONE
    if any(s in (ItemState.DONE, ItemState.RUNNING) for s in states):
        return StageState.RUNNING
    if definition.as_needed:
        return StageState.AS_NEEDED
    if before is None or before.state is StageState.DONE:
        return StageState.NEXT
    return StageState.LATER


def _lifecycle(stages: list[RoadmapStage]) -> Lifecycle:
    state = {s.definition.key: s.state for s in stages}
    if state["deregistration"] is StageState.DONE:
        return Lifecycle.EXITED
    if state["deregistration"] is StageState.RUNNING:
        return Lifecycle.EXITING
    if state["dormancy"] is StageState.DONE:
        return Lifecycle.DORMANT
    if state["completion_acceptance"] is StageState.DONE:
        return Lifecycle.OPERATING
    if state["approval_and_land"] is StageState.DONE:
        return Lifecycle.CONSTRUCTION
    return Lifecycle.PLANNING


def needed_items(operating_items: Iterable[str], bundles: Mapping[str, Bundle]) -> list[str]:
    """Every item any stage of the roadmap may name (to read them once)."""
    ids: list[str] = []
    for definition in STAGES:
        if definition.bundle_id is not None:
            ids += [i.item_id for i in bundles[definition.bundle_id].items]
        elif definition.key == "operating_licences":
            ids += list(operating_items)
        else:
            ids += list(definition.item_ids)
    return list(dict.fromkeys(ids))
