"""Unit-tier fixtures: in-memory ports, and factories that put a case in a given state.

The tier refuses the network: every test here gets pytest-socket's `disable_socket`
marker, so opening any socket (a stray boto3 call, a download) fails the test at once.
Only this directory's tests get it; integration tests run moto in memory and the local
server tests need loopback sockets.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from shared.models.application import Application
from shared.models.common import ApplicationStatus, DeliveryMode
from shared.services.applications import record_uploads
from tests.unit.fakes import (
    UTILITIES,
    InMemoryDocumentStore,
    InMemoryRepository,
    RecordingCourier,
    RecordingWorkflow,
    catalog_item,
    declare_material,
    new_application,
)

SUPPLEMENT_WAIT_DAYS = 20
UNIT_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Collection hooks see every item of the session, not only this directory's.
    for item in items:
        if UNIT_DIR in item.path.parents:
            item.add_marker(pytest.mark.disable_socket)


@pytest.fixture
def repo() -> InMemoryRepository:
    return InMemoryRepository.with_shipped_catalog()


@pytest.fixture
def store() -> InMemoryDocumentStore:
    return InMemoryDocumentStore()


@pytest.fixture
def workflow() -> RecordingWorkflow:
    return RecordingWorkflow()


@pytest.fixture
def courier() -> RecordingCourier:
    return RecordingCourier()


StoredCase = Callable[..., Application]


@pytest.fixture
def stored_case(repo: InMemoryRepository, store: InMemoryDocumentStore) -> StoredCase:
    """Creates a case in the repository with its required materials declared and uploaded.

    `skip` leaves materials out; `status` sets where the case stands; other keyword
    arguments go to `new_application`. Returns the case as stored (version 1).
    """

    def make(
        item_id: str = UTILITIES,
        *,
        status: ApplicationStatus = ApplicationStatus.SUBMITTED,
        skip: frozenset[str] | set[str] = frozenset(),
        mode: DeliveryMode | str = DeliveryMode.PICKUP,
        **kwargs: Any,
    ) -> Application:
        application = new_application(item_id, status=status, mode=mode, **kwargs)
        for rule in catalog_item(item_id).materials:
            if rule.required and rule.uploaded and rule.code not in skip:
                record = declare_material(
                    application, rule.code, content_type=rule.content_types[0]
                )
                store.upload(record.s3_key, 2048, rule.content_types[0])
        repo.create_application(application)
        repo.put_materials(application.application_id, record_uploads(application, store))
        return application

    return make
