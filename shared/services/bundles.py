"""Bundles (一件事) as the API serves them: the list, one bundle with its items named, and
the guided pre-screening (情景导航) of an applicant's answers.

The bundles, their items and the departments are read once per container and catalog
revision (`CachedBundles`): a screening reads nothing from DynamoDB once they are held,
however many cases or items the zone has.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from shared.domain.bundles import Screening, checked_answers, screen, screen_item
from shared.errors import Conflict, NotFound
from shared.models.bundles import (
    Bundle,
    BundleDetail,
    BundleExit,
    BundleExitView,
    BundleIndex,
    BundleItemView,
    BundleSummary,
    DepartmentRef,
    IssuedInBundle,
    ItemRef,
    ItemScreeningRequest,
    ScreenedItem,
    ScreenedMaterial,
    ScreeningView,
)
from shared.models.catalog import CatalogItem, Department
from shared.ports.catalog import CatalogRepository
from shared.services.catalog import CachedCatalogIndex, catalog_item


@dataclass
class CachedBundles:
    """The current catalog's bundles, and the items and departments they name.

    It follows the search index's revision (checked at most every refresh interval):
    an import that changes the bundles or an item publishes a new revision.
    """

    repo: CatalogRepository
    index: CachedCatalogIndex
    _revision: int | None = None
    _loaded: bool = False
    _bundles: dict[str, Bundle] = field(default_factory=dict)
    _items: dict[str, CatalogItem] = field(default_factory=dict)
    _departments: dict[str, Department] = field(default_factory=dict)

    def bundles(self) -> dict[str, Bundle]:
        self.index.current()
        if not self._loaded or self.index.revision != self._revision:
            self._bundles = {b.bundle_id: b for b in self.repo.get_bundles()}
            self._departments = {d.code: d for d in self.repo.get_departments()}
            self._items = {}
            self._revision = self.index.revision
            # Nothing published yet: look again next time rather than hold an empty list.
            self._loaded = self._revision is not None
        return self._bundles

    def bundle(self, bundle_id: str) -> Bundle:
        found = self.bundles().get(bundle_id)
        if found is None:
            raise NotFound(f"bundle {bundle_id} does not exist", field="bundleId")
        return found

    def items(self, item_ids: Iterable[str]) -> dict[str, CatalogItem]:
        """The current versions of these items (read once per revision)."""
        for item_id in item_ids:
            if item_id not in self._items:
                item = self.repo.get_catalog_item(item_id)
                if item is None:
                    raise Conflict(f"catalog item {item_id} is withdrawn", field="itemId")
                self._items[item_id] = item
        return self._items

    def offers(self, item_id: str) -> bool:
        """Whether the current catalog lists the item (read once per revision)."""
        try:
            self.items([item_id])
        except Conflict:
            return False
        return True

    def department(self, code: str) -> DepartmentRef:
        found = self._departments.get(code)
        if found is None:  # the import checks every code: only a catalog being replaced
            return DepartmentRef(code=code, name_zh=code, name_en=code)
        return DepartmentRef(code=code, name_zh=found.name_zh, name_en=found.name_en)


def bundle_index(cache: CachedBundles) -> BundleIndex:
    return BundleIndex(
        bundles=[
            BundleSummary(
                bundle_id=b.bundle_id,
                name_zh=b.name_zh,
                name_en=b.name_en,
                description_zh=b.description_zh,
                lead_department=cache.department(b.lead_department),
                item_count=len(b.items),
                question_count=len(b.questions),
            )
            for b in cache.bundles().values()
        ]
    )


def bundle_detail(bundle_id: str, cache: CachedBundles) -> BundleDetail:
    bundle = cache.bundle(bundle_id)
    items = cache.items(_named(bundle))
    return BundleDetail(
        bundle_id=bundle.bundle_id,
        name_zh=bundle.name_zh,
        name_en=bundle.name_en,
        description_zh=bundle.description_zh,
        lead_department=cache.department(bundle.lead_department),
        questions=bundle.questions,
        items=[
            BundleItemView(
                **_ref(items[i.item_id]).model_dump(),
                lead_department=items[i.item_id].lead_department,
                departments=items[i.item_id].departments,
                promised_days=items[i.item_id].promised_days,
                on_site_visits=items[i.item_id].on_site_visits,
                when=i.when,
                after=i.after,
            )
            for i in bundle.items
        ],
        exits=[_exit_view(e, items) for e in bundle.exits],
        shared_fields=bundle.shared_fields,
        shared_materials=bundle.shared_materials,
    )


def screening(bundle_id: str, answers: object, cache: CachedBundles) -> ScreeningView:
    """What the applicant's answers mean: the items, materials, departments, time and
    visits, or the exit; a 422 naming each wrong answer (`answers.<key>`)."""
    bundle = cache.bundle(bundle_id)
    checked = checked_answers(bundle, answers)
    items = cache.items(_named(bundle))
    return _screening_view(bundle, screen(bundle, items, checked), items, cache)


def item_screening(
    item_id: str, request: ItemScreeningRequest, repo: CatalogRepository, cache: CachedBundles
) -> ScreeningView:
    """A single item screened (情景导航 for one item): its materials for this applicant, or
    the exit when it is not for their kind."""
    item = catalog_item(item_id, repo)
    cache.bundles()  # the departments' names, held per revision
    s = screen_item(item, request.applicant_kind.value, request.situations)
    return _screening_view(None, s, {item.item_id: item}, cache)


def _screening_view(
    bundle: Bundle | None, s: Screening, items: dict[str, CatalogItem], cache: CachedBundles
) -> ScreeningView:
    wave_of = {i: n for n, wave in enumerate(s.waves, start=1) for i in wave}
    members = bundle.items if bundle else []
    waits = {i.item_id: [a for a in i.after if a in s.item_ids] for i in members}
    return ScreeningView(
        bundle_id=bundle.bundle_id if bundle else None,
        item_id=None if bundle else next(iter(items)),
        outcome="exit" if s.exit else "bundle",
        answers=s.answers,
        items=[
            ScreenedItem(
                **_ref(items[i]).model_dump(),
                wave=wave_of[i],
                waits_for=waits.get(i, []),
                departments=items[i].departments,
                promised_days=items[i].promised_days,
                on_site_visits=items[i].on_site_visits,
            )
            for i in s.item_ids
        ],
        waves=[list(w) for w in s.waves],
        materials=[
            ScreenedMaterial(
                code=m.rule.code,
                name_zh=m.rule.name_zh,
                name_en=m.rule.name_en,
                required=m.rule.required,
                required_when_zh=m.rule.required_when_zh,
                originals=m.rule.originals,
                copies=m.rule.copies,
                commitment_allowed=m.rule.commitment_allowed,
                item_ids=list(m.item_ids),
            )
            for m in s.materials
        ],
        departments=[cache.department(d) for d in s.departments],
        critical_path_days=s.critical_path_days,
        critical_path=list(s.critical_path),
        on_site_visits=s.on_site_visits,
        visits_if_separate=s.visits_if_separate,
        issued_in_bundle=[
            IssuedInBundle(
                code=f.rule.code,
                name_zh=f.rule.name_zh,
                name_en=f.rule.name_en,
                issued_by=f.issued_by,
                item_ids=list(f.item_ids),
            )
            for f in s.issued_in_bundle
        ],
        exit=_exit_view(s.exit, items) if s.exit else None,
    )


def _named(bundle: Bundle) -> list[str]:
    """Every item the bundle names: its own and those its exits send applicants to."""
    return [i.item_id for i in bundle.items] + [x for e in bundle.exits for x in e.instead]


def _ref(item: CatalogItem) -> ItemRef:
    return ItemRef(item_id=item.item_id, name_zh=item.name_zh, name_en=item.name_en)


def _exit_view(exit_: BundleExit, items: dict[str, CatalogItem]) -> BundleExitView:
    return BundleExitView(
        when=exit_.when,
        reason_zh=exit_.reason_zh,
        reason_en=exit_.reason_en,
        instead=[_ref(items[i]) for i in exit_.instead],
    )
