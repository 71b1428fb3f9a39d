"""Follow-up tickets opened by dissatisfied ratings."""

from typing import Protocol

from shared.models.application import FollowUpTicket
from shared.ports.page import Page


class TicketRepository(Protocol):
    def put_ticket(self, ticket: FollowUpTicket) -> None:
        """Opens the ticket; a Conflict if the case has one already."""
        ...

    def list_tickets(self, status: str, limit: int, cursor: str | None) -> Page[FollowUpTicket]: ...
