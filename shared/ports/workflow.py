"""The case workflow (Step Functions): start a case or a bundle, answer a waiting step's
token."""

from typing import Any, Protocol


class Workflow(Protocol):
    def start(self, application_id: str) -> str:
        """Starts the case's execution; a Conflict if it was started already."""
        ...

    def succeed(self, token: str, output: dict[str, Any]) -> None:
        """Answers a waiting step; a Conflict if the wait is over (timed out, answered)."""
        ...


class BundleWorkflow(Protocol):
    def start_bundle(self, bundle_case_id: str, waves: list[list[str]]) -> str:
        """Starts the bundle's execution, which runs the members' cases wave by wave; a
        Conflict if it was started already."""
        ...
