"""Certificates and follow-up tickets (`TICKET#<id>`, GSI1 by status).

| record                   | PK                      | SK                                     |
|--------------------------|-------------------------|----------------------------------------|
| a certificate            | CERT#<no>               | CERT                                   |
| held by its applicant    | APPLICANT#<holder key>  | CERTIFICATE#<owner>#<item>#<issued>#<no> |

The second is a copy, written and revoked with the first in one transaction: a later
case of the same account and applicant finds the certificates an item issued to them
with one query of their own partition (免证办), however many certificates the zone holds.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
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
        doc = _certificate_doc(certificate)
        main = {
            "Put": {
                "Item": record(
                    f"CERT#{certificate.certificate_no}",
                    CERT,
                    doc,
                    revoked={"BOOL": certificate.revoked},
                ),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }
        held = [{"Put": {"Item": _held_record(certificate, doc)}}] if certificate.holder_key else []
        self._write([main, *held], Conflict("certificate number taken", field="certificateNo"))

    def get_certificate(self, certificate_no: str) -> Certificate | None:
        item = self._get(f"CERT#{certificate_no}", CERT)
        return _certificate(item) if item else None

    def certificates_held(self, holder_key: str, owner_id: str, item_id: str) -> list[Certificate]:
        items = self._query_all(
            TableName=self.table,
            KeyConditionExpression="#pk = :pk AND begins_with(#sk, :item)",
            ExpressionAttributeNames={"#pk": "PK", "#sk": "SK"},
            ExpressionAttributeValues={
                ":pk": s(f"APPLICANT#{holder_key}"),
                ":item": s(f"{HELD}{owner_id}#{item_id}#"),
            },
            ScanIndexForward=False,
        )
        return [_certificate(i) for i in items]

    def revoke_certificate(
        self, certificate: Certificate, by: str, reason: str, at: datetime
    ) -> Certificate:
        revoked = replace(
            certificate, revoked=True, revoked_at=at, revoked_by=by, revoked_reason=reason
        )
        doc = _certificate_doc(revoked)
        main = {
            "Put": {
                "Item": record(
                    f"CERT#{certificate.certificate_no}", CERT, doc, revoked={"BOOL": True}
                ),
                # Older records have no attribute; their doc says not revoked (read above).
                "ConditionExpression": (
                    "attribute_exists(PK) AND (attribute_not_exists(revoked) OR revoked = :no)"
                ),
                "ExpressionAttributeValues": {":no": {"BOOL": False}},
            }
        }
        held = [{"Put": {"Item": _held_record(revoked, doc)}}] if revoked.holder_key else []
        self._write(
            [main, *held],
            Conflict(
                f"certificate {certificate.certificate_no} is revoked already", field="status"
            ),
        )
        return revoked

    def put_ticket(self, ticket: FollowUpTicket) -> None:
        self._put(
            ticket_item(ticket),
            condition="attribute_not_exists(PK)",
            conflict=Conflict("a follow-up ticket for this case exists already", field="ticketId"),
        )

    def list_tickets(self, status: str, limit: int, cursor: str | None) -> Page[FollowUpTicket]:
        return self._index_page(FollowUpTicket, GSI1, ticket_partition(status), limit, cursor)


CERT = "CERT"
HELD = "CERTIFICATE#"
_MOMENTS = ("issued_at", "expires_at", "revoked_at")


def _certificate_doc(certificate: Certificate) -> str:
    doc = asdict(certificate)
    for name in _MOMENTS:
        doc[name] = doc[name].isoformat() if doc[name] else None
    return json.dumps(doc, ensure_ascii=False)


def _held_record(certificate: Certificate, doc: str) -> Item:
    sk = (
        f"{HELD}{certificate.owner_id}#{certificate.item_id}#"
        f"{stamp(certificate.issued_at)}#{certificate.certificate_no}"
    )
    return record(f"APPLICANT#{certificate.holder_key}", sk, doc)


def _certificate(item: Item) -> Certificate:
    doc = json.loads(item["doc"]["S"])
    known = {name: doc[name] for name in Certificate.__dataclass_fields__ if name in doc}
    for name in _MOMENTS:
        if known.get(name):
            known[name] = datetime.fromisoformat(known[name])
    return Certificate(**known)
