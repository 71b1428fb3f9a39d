"""The audit function's feed on the embedded AWS: what Lambda's stream poller does for the
deployed stack (infra/constructs/audit.py), done after each invocation instead of on a
timer, so that a test or a person reading the trail just after an action finds it there.

The records come from moto's DynamoDB Streams API, filtered as the event source mapping
filters them, in batches of the deployed size; a batch the function answers with a failed
item is retried from that item, as Lambda does, and dropped (with a line on stderr, the
local dead-letter queue) after the same number of attempts.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

import boto3

from infra.constants import AUDIT_BATCH_SIZE, AUDIT_RETRIES
from shared.stages.audit import AUDITED_SUBJECTS


def _audited(record: dict[str, Any]) -> bool:
    subject = record.get("dynamodb", {}).get("Keys", {}).get("PK", {}).get("S", "")
    return subject.startswith(AUDITED_SUBJECTS)


def _jsonable(value: Any) -> Any:
    return value.timestamp() if isinstance(value, datetime) else str(value)


class AuditFeed:
    def __init__(self, outputs: dict[str, str], lock: Any) -> None:
        """From the local stack's outputs: the table, the audit function, where they are;
        `lock` is the one the handlers run under (moto's tables are not thread-safe)."""
        self.lock = lock
        self.table_name = outputs["TableName"]
        self.function_name = outputs["AuditFunctionArn"]
        _, _, _, self.region, self.account, *_ = self.function_name.split(":")
        self.stream_arn = ""
        self.dropped: list[dict[str, Any]] = []

    def _read(self) -> list[dict[str, Any]]:
        """What the shard holds, taken out of it (moto keeps a stream's records in memory
        for ever otherwise). Read from moto's backend: its DynamoDB Streams API answers
        DescribeStream with 404 under mock_aws."""
        from moto.dynamodb.models import dynamodb_backends

        with self.lock:
            table = dynamodb_backends[self.account][self.region].get_table(self.table_name)
            shard = table.stream_shard
            if shard is None or not shard.items:
                return []
            self.stream_arn = table.latest_stream_label or ""
            taken, shard.items = shard.items, []
            shard.starting_sequence_number += len(taken)
        return [json.loads(json.dumps(r.to_json(), default=_jsonable)) for r in taken]

    def drain(self) -> None:
        """Delivers every change written since the last drain."""
        while True:
            records = self._read()
            if not records:
                return
            wanted = [r for r in records if _audited(r)]
            for start in range(0, len(wanted), AUDIT_BATCH_SIZE):
                self._deliver(wanted[start : start + AUDIT_BATCH_SIZE])

    def _deliver(self, batch: list[dict[str, Any]]) -> None:
        for _ in range(AUDIT_RETRIES + 1):
            answer = self._invoke(batch)
            failures = answer.get("batchItemFailures") or []
            if not failures and "errorType" not in answer:
                return
            if failures:  # retried from the first failed record, as Lambda does
                first = failures[0]["itemIdentifier"]
                batch = [r for r in batch if int(r["dynamodb"]["SequenceNumber"]) >= int(first)]
        self.dropped.extend(batch)
        print(f"audit feed: {len(batch)} changes not recorded after retries", file=sys.stderr)

    def _invoke(self, batch: list[dict[str, Any]]) -> dict[str, Any]:
        event = {
            "Records": [
                {**r, "eventSourceARN": self.stream_arn, "eventSource": "aws:dynamodb"}
                for r in batch
            ]
        }
        response = boto3.client("lambda").invoke(
            FunctionName=self.function_name,
            Payload=json.dumps(event, default=_jsonable).encode(),
        )
        answer: dict[str, Any] = json.loads(response["Payload"].read() or b"{}")
        return answer
