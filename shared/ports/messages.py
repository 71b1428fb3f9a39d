"""Text messages to a person's mobile phone (the confirmation code of an agent's filing)."""

from typing import Protocol


class TextMessages(Protocol):
    def send_text(self, phone: str, text: str) -> None:
        """Sends `text` to a mainland mobile number (11 digits); a TransientError if the
        sender cannot take it now."""
        ...
