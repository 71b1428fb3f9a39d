"""Certificates (`CERT#<no>`) and follow-up tickets (`TICKET#<id>`, GSI1 by status)."""

from __future__ import annotations

import json
from datetime import datetime

from shared.adapters.dynamo.table import DynamoTable, Item, dump, record, s, stamp
from shared.errors import Conflict
from shared.models.application import FollowUpTicket
from shared.names import GSI1, GSI1_PK, GSI1_SK, SUMMARY_ATTRIBUTE
from shared.ports.certificates import Certificate
from shared.ports.page import Page


def ticket_partition(status: str) -> str:
    return f"FOLLOWUP#{status}"


def ticket_item(ticket: FollowUpTicket) -> Item:
    doc = dump(ticket)
    return record(
        f"TICKET#{ticket.ticket_id}",
        "TICKET",
        doc,
        status=s(ticket.status),
        **{
            GSI1_PK: s(ticket_partition(ticket.status)),
            GSI1_SK: s(f"{stamp(ticket.opened_at)}#{ticket.ticket_id}"),
            SUMMARY_ATTRIBUTE: s(doc),
        },
    )


class RecordStore(DynamoTable):
    def put_certificate(self, certificate: Certificate) -> None:
        doc = {**certificate.__dict__, "issued_at": certificate.issued_at.isoformat()}
        self._put(
            record(
                f"CERT#{certificate.certificate_no}", "CERT", json.dumps(doc, ensure_ascii=False)
            ),
            condition="attribute_not_exists(PK)",
            conflict=Conflict("certificate number taken", field="certificateNo"),
        )

    def get_certificate(self, certificate_no: str) -> Certificate | None:
        item = self._get(f"CERT#{certificate_no}", "CERT")
        if not item:
            return None
        doc = json.loads(item["doc"]["S"])
        known = {name: doc[name] for name in Certificate.__dataclass_fields__ if name in doc}
        known["issued_at"] = datetime.fromisoformat(known["issued_at"])
        return Certificate(**known)

    def put_ticket(self, ticket: FollowUpTicket) -> None:
        self._put(
            ticket_item(ticket),
            condition="attribute_not_exists(PK)",
            conflict=Conflict("a follow-up ticket for this case exists already", field="ticketId"),
        )

    def list_tickets(self, status: str, limit: int, cursor: str | None) -> Page[FollowUpTicket]:
        return self._index_page(FollowUpTicket, GSI1, ticket_partition(status), limit, cursor)
