"""What every workflow stage shares: loading a case and changing it under an optimistic lock."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from shared.adapters.repository import Repository
from shared.errors import Conflict, StageError, TransientError
from shared.models.application import Application

if TYPE_CHECKING:
    from shared.models.catalog import CatalogItem

T = TypeVar("T")
_ATTEMPTS = 5
SYSTEM = "system"


def load_case(repo: Repository, application_id: str) -> tuple[Application, CatalogItem]:
    application = repo.get_application(application_id)
    if application is None:
        raise StageError(f"application {application_id} does not exist")
    item = repo.get_catalog_item(application.item_id)
    if item is None:
        raise StageError(f"catalog item {application.item_id} of {application_id} does not exist")
    return application, item


def mutate(
    repo: Repository,
    application_id: str,
    change: Callable[[Application], T],
    *,
    loaded: Application | None = None,
    tokens: dict[str, str | None] | None = None,
) -> tuple[Application, T]:
    """Applies `change` to the case and saves it; reloads and reapplies when a parallel stage
    (another department's review) saved first. `loaded` is a copy the stage has just read:
    the first attempt uses it instead of reading again."""
    for _ in range(_ATTEMPTS):
        application = loaded or repo.get_application(application_id)
        loaded = None
        if application is None:
            raise StageError(f"application {application_id} does not exist")
        result = change(application)
        try:
            repo.save_application(application, **(tokens or {}))
        except Conflict:
            continue
        return application, result
    raise TransientError(f"application {application_id} kept changing; giving up for now")
