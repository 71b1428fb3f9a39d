"""What every workflow stage shares: loading a case and changing it under an optimistic lock."""

from collections.abc import Callable
from typing import TypeVar

from shared.adapters.repository import Repository
from shared.errors import Conflict, StageError, TransientError
from shared.models.application import Application
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
    repo: Repository, application_id: str, change: Callable[[Application], T], **tokens: str | None
) -> tuple[Application, T]:
    """Applies `change` to a fresh copy of the case and saves it; reloads and reapplies when
    a parallel stage (another department's review) saved first."""
    for _ in range(_ATTEMPTS):
        application = repo.get_application(application_id)
        if application is None:
            raise StageError(f"application {application_id} does not exist")
        result = change(application)
        try:
            repo.save_application(application, **tokens)
        except Conflict:
            continue
        return application, result
    raise TransientError(f"application {application_id} kept changing; giving up for now")
