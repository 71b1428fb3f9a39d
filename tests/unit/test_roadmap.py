"""A key project's approval roadmap (审批路线图) from the shipped bundles and items: the
stages in order, what is done, running and next, the days left on the critical path,
and the lifecycle state the stages give."""

from itertools import count

import pytest

from shared.catalog import load_bundles, load_catalog
from shared.domain.bundles import screen
from shared.domain.roadmap import (
    ItemState,
    Lifecycle,
    ProjectCase,
    Roadmap,
    RoadmapStage,
    StageState,
    needed_items,
    roadmap,
)
from shared.models.bundles import Bundle
from shared.models.catalog import CatalogItem
from shared.models.common import ApplicationStatus

FILING = {"investment": "enterprise_filing", "specialFire": "no", "civilDefence": "no"}
OPERATING = ("SD-KFQ-0226", "SD-KFQ-0018")  # 排污许可, 消防安全检查
_filed = count()


@pytest.fixture(scope="module")
def bundles() -> dict[str, Bundle]:
    return {b.bundle_id: b for b in load_bundles(load_catalog())}


@pytest.fixture(scope="module")
def items() -> dict[str, CatalogItem]:
    return {i.item_id: i for i in load_catalog().items}


def case(item_id: str, status: ApplicationStatus = ApplicationStatus.COMPLETED) -> ProjectCase:
    n = next(_filed)
    return ProjectCase(f"01J{n:023d}", item_id, status, f"2026-01-01T00:00:{n % 60:02d}")


def stage(road: Roadmap, key: str) -> RoadmapStage:
    return next(s for s in road.stages if s.definition.key == key)


def done(road: Roadmap, key: str) -> list[ProjectCase]:
    return [case(i.item_id) for i in stage(road, key).items]


def test_a_new_project_starts_on_the_first_stage_with_every_day_ahead(
    bundles: dict[str, Bundle], items: dict[str, CatalogItem]
) -> None:
    road = roadmap(FILING, OPERATING, [], bundles, items)
    states = [(s.definition.key, s.state) for s in road.stages]
    assert states == [
        ("approval_and_land", StageState.NEXT),
        ("engineering_planning", StageState.LATER),
        ("construction_permit", StageState.LATER),
        ("completion_acceptance", StageState.LATER),
        ("operating_licences", StageState.LATER),
        ("changes", StageState.AS_NEEDED),
        ("dormancy", StageState.AS_NEEDED),
        ("deregistration", StageState.AS_NEEDED),
    ]
    first = stage(road, "approval_and_land")
    # A filed (备案) project: filing (1), site and land pre-review (7), land-use permit (3)
    assert [i.item_id for i in first.items] == ["SD-KFQ-0003", "SD-KFQ-0202", "SD-KFQ-0203"]
    assert first.days == first.days_left == 11
    assert stage(road, "engineering_planning").days == 12
    assert stage(road, "engineering_planning").prerequisite == "approval_and_land"
    # Each construction stage's days are its bundle's critical path for the same answers
    for key, bundle_id in [("construction_permit", "BND-CONSTRUCTION-3")]:
        bundle = bundles[bundle_id]
        answers = {q.key: FILING[q.key] for q in bundle.questions}
        assert stage(road, key).days == screen(bundle, items, answers).critical_path_days
    sequential = sum(s.days for s in road.stages if s.definition.sequential)
    assert road.critical_path_days == sequential
    assert road.lifecycle is Lifecycle.PLANNING


def test_a_concluded_stage_moves_the_project_on_and_shortens_the_road(
    bundles: dict[str, Bundle], items: dict[str, CatalogItem]
) -> None:
    fresh = roadmap(FILING, OPERATING, [], bundles, items)
    cases = [*done(fresh, "approval_and_land"), case("SD-KFQ-0204", ApplicationStatus.IN_APPROVAL)]
    road = roadmap(FILING, OPERATING, cases, bundles, items)
    assert stage(road, "approval_and_land").state is StageState.DONE
    second = stage(road, "engineering_planning")
    assert second.state is StageState.RUNNING
    assert [i.state for i in second.items] == [ItemState.RUNNING, ItemState.NOT_FILED]
    assert second.items[0].application_id == cases[-1].application_id
    assert stage(road, "construction_permit").state is StageState.LATER
    assert road.lifecycle is Lifecycle.CONSTRUCTION
    assert road.critical_path_days == fresh.critical_path_days - 11


def test_a_refused_case_leaves_its_item_to_file_again(
    bundles: dict[str, Bundle], items: dict[str, CatalogItem]
) -> None:
    road = roadmap(
        FILING, OPERATING, [case("SD-KFQ-0003", ApplicationStatus.REJECTED)], bundles, items
    )
    first = stage(road, "approval_and_land")
    assert first.items[0].state is ItemState.REFUSED and first.state is StageState.NEXT
    # The latest case decides: filed again and approved
    again = [case("SD-KFQ-0003", ApplicationStatus.REJECTED), case("SD-KFQ-0003")]
    assert (
        stage(roadmap(FILING, (), again, bundles, items), "approval_and_land").items[0].state
        is ItemState.DONE
    )


def test_a_government_invested_project_skips_the_first_bundle(
    bundles: dict[str, Bundle], items: dict[str, CatalogItem]
) -> None:
    road = roadmap({**FILING, "investment": "government"}, (), [], bundles, items)
    assert stage(road, "approval_and_land").state is StageState.NOT_APPLICABLE
    assert stage(road, "engineering_planning").state is StageState.NEXT
    assert stage(road, "engineering_planning").prerequisite is None
    assert stage(road, "operating_licences").state is StageState.NOT_APPLICABLE


def test_operating_dormant_and_exiting_follow_the_stages(
    bundles: dict[str, Bundle], items: dict[str, CatalogItem]
) -> None:
    fresh = roadmap(FILING, OPERATING, [], bundles, items)
    built = [
        c
        for key in ("approval_and_land", "engineering_planning", "construction_permit")
        for c in done(fresh, key)
    ] + done(fresh, "completion_acceptance")
    assert roadmap(FILING, OPERATING, built, bundles, items).lifecycle is Lifecycle.OPERATING
    dormant = [*built, case("SD-KFQ-0113")]
    assert roadmap(FILING, OPERATING, dormant, bundles, items).lifecycle is Lifecycle.DORMANT
    closing = [*built, case("SD-KFQ-0105", ApplicationStatus.IN_APPROVAL)]
    road = roadmap(FILING, OPERATING, closing, bundles, items)
    assert road.lifecycle is Lifecycle.EXITING
    assert stage(road, "deregistration").state is StageState.RUNNING
    closed = [*built, *done(fresh, "deregistration")]
    assert roadmap(FILING, OPERATING, closed, bundles, items).lifecycle is Lifecycle.EXITED


def test_the_items_to_read_cover_every_stage(bundles: dict[str, Bundle]) -> None:
    named = needed_items(OPERATING, bundles)
    assert {"SD-KFQ-0003", "SD-KFQ-0201", "SD-KFQ-0226", "SD-KFQ-0113", "SD-KFQ-0105"} <= set(named)
    assert len(named) == len(set(named))
