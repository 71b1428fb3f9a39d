"""What every workflow stage shares: loading a case with the catalog version it pinned,
and changing its header under an optimistic lock."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from shared.errors import ConcurrentUpdate, StageError, TransientError
from shared.models.application import Application
from shared.ports.applications import ApplicationRepository, CaseRecord
from shared.ports.catalog import CatalogRepository

if TYPE_CHECKING:
    from shared.models.catalog import CatalogItem

T = TypeVar("T")
_ATTEMPTS = 5
SYSTEM = "system"


def load_case(
    cases: ApplicationRepository, catalog: CatalogRepository, application_id: str
) -> tuple[Application, CatalogItem]:
    """The case and its item as it stood when the case was filed (not as it stands now)."""
    application = cases.get_application(application_id)
    if application is None:
        raise StageError(f"application {application_id} does not exist")
    item = catalog.get_catalog_item(application.item_id, application.item_version)
    if item is None:
        raise StageError(
            f"catalog item {application.item_id} version {application.item_version} "
            f"of {application_id} does not exist"
        )
    return application, item


def _children(application: Application) -> dict[str, Any]:
    return {
        "result": application.result,
        "delivery_record": application.delivery_record,
        **{f"material:{code}": m for code, m in application.materials.items()},
    }


def _changed_records(before: dict[str, Any], application: Application) -> list[CaseRecord]:
    after = _children(application)
    return [
        record
        for name, record in after.items()
        if record is not None and (name not in before or before[name] != record)
    ]


def mutate(
    cases: ApplicationRepository,
    application_id: str,
    change: Callable[[Application], T],
    *,
    loaded: Application | None = None,
    tokens: Mapping[str, str | None] | None = None,
) -> tuple[Application, T]:
    """Applies `change` to the case and saves the header with every child record the change
    set (the result, the delivery, a material), all at once; reloads and reapplies when
    someone saved the header first. `loaded` is a copy the stage has just read: the first
    attempt uses it instead of reading again."""
    for _ in range(_ATTEMPTS):
        application = loaded or cases.get_application(application_id)
        loaded = None
        if application is None:
            raise StageError(f"application {application_id} does not exist")
        before = {
            k: (v.model_copy(deep=True) if v is not None else None)
            for k, v in _children(application).items()
        }
        result = change(application)
        try:
            cases.save_application(
                application, records=_changed_records(before, application), tokens=tokens
            )
        except ConcurrentUpdate:
            continue
        return application, result
    raise TransientError(f"application {application_id} kept changing; giving up for now")
