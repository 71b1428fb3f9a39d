"""The case workflow (Step Functions): start a case, answer a waiting step's token."""

from typing import Any, Protocol


class Workflow(Protocol):
    def start(self, application_id: str) -> str:
        """Starts the case's execution; a Conflict if it was started already."""
        ...

    def succeed(self, token: str, output: dict[str, Any]) -> None:
        """Answers a waiting step; a Conflict if the wait is over (timed out, answered)."""
        ...
