"""The real system on moto: provisioned from the CDK definitions, the real state machine
run by moto's interpreter, each Lambda task running the project's handler
(infra/local/inprocess.py), plus the journeys the tests share."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from infra.local.client import SAMPLE_ADDRESS, SAMPLE_ENTERPRISE, SAMPLE_PERSON
from infra.local.inprocess import MOTO_CONFIG, Caller, InProcessSystem, Response, officer
from infra.local.inprocess import running_system as _running_system

__all__ = ["MOTO_CONFIG", "Caller", "Response"]

PERSON = SAMPLE_PERSON
ENTERPRISE = SAMPLE_ENTERPRISE
ADDRESS = SAMPLE_ADDRESS

CITIZEN = Caller("sub-citizen-1", "zhangwei", ("citizen",))
OTHER_CITIZEN = Caller("sub-citizen-2", "lina", ("citizen",))
staff = officer


class System(InProcessSystem):
    # -- journeys ---------------------------------------------------------------------
    def create(
        self,
        item_id: str,
        *,
        caller: Caller = CITIZEN,
        applicant: dict[str, Any] | None = None,
        form: dict[str, Any] | None = None,
        delivery: dict[str, Any] | None = None,
        channel: str = "web",
        headers: dict[str, str] | None = None,
    ) -> Response:
        body = {
            "itemId": item_id,
            "applicant": applicant or ENTERPRISE,
            "form": form or {},
            "channel": channel,
            "delivery": delivery or {"mode": "mail", "address": ADDRESS},
        }
        return self.api("POST", "/applications", body=body, caller=caller, headers=headers)

    def upload(
        self,
        application_id: str,
        code: str,
        content: bytes,
        content_type: str,
        caller: Caller = CITIZEN,
        file_name: str = "file.pdf",
    ) -> Response:
        return super().upload(application_id, code, content, content_type, caller, file_name)


@contextmanager
def running_system() -> Iterator[System]:
    """The system, for one test (the `system` fixture) or a module's worth."""
    with _running_system(System) as system:
        yield system


@pytest.fixture
def system() -> Iterator[System]:
    with running_system() as running:
        yield running
