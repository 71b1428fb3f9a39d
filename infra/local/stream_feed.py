"""The main table's stream consumers on the embedded AWS (the audit trail and the
published figures): what Lambda's stream pollers do for the deployed stack
(infra/constructs/streams.py), done after each invocation instead of on a timer, so that
a test or a person reading the trail or the figures just after an action finds them.

The records come from moto's DynamoDB Streams shard, read once and handed to each
consumer filtered as its event source mapping filters them (the same key prefixes), in
batches of the deployed size; a batch a function answers with a failed item is retried
from that item, as Lambda does, and dropped (with a line on stderr, the local dead-letter
queue) after the same number of attempts.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3

from infra.constants import STREAM_BATCH_SIZE, STREAM_RETRIES, TABLE_PK
from shared.stages.audit import AUDITED_SUBJECTS
from shared.stages.stats import TALLIED_RECORDS
from shared.stages.stream import KeyPrefixes, keys_start_with


def _jsonable(value: Any) -> Any:
    return value.timestamp() if isinstance(value, datetime) else str(value)


@dataclass
class Consumer:
    function_arn: str
    keys: KeyPrefixes  # as the event source mapping's filter
    dropped: list[dict[str, Any]] = field(default_factory=list)

    def wants(self, record: dict[str, Any]) -> bool:
        return keys_start_with(record, self.keys)


class StreamFeed:
    def __init__(self, outputs: dict[str, str], lock: Any) -> None:
        """From the local stack's outputs: the table, the consumers, where they are;
        `lock` is the one the handlers run under (moto's tables are not thread-safe)."""
        self.lock = lock
        self.table_name = outputs["TableName"]
        self.consumers = [
            Consumer(outputs["AuditFunctionArn"], {TABLE_PK: AUDITED_SUBJECTS}),
            Consumer(outputs["StatsFunctionArn"], TALLIED_RECORDS),
        ]
        _, _, _, self.region, self.account, *_ = outputs["AuditFunctionArn"].split(":")
        self.stream_arn = ""

    @property
    def dropped(self) -> list[dict[str, Any]]:
        return [record for consumer in self.consumers for record in consumer.dropped]

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
        """Delivers every change written since the last drain to each consumer."""
        while True:
            records = self._read()
            if not records:
                return
            for consumer in self.consumers:
                wanted = [r for r in records if consumer.wants(r)]
                for start in range(0, len(wanted), STREAM_BATCH_SIZE):
                    self._deliver(consumer, wanted[start : start + STREAM_BATCH_SIZE])

    def _deliver(self, consumer: Consumer, batch: list[dict[str, Any]]) -> None:
        for _ in range(STREAM_RETRIES + 1):
            answer = self._invoke(consumer.function_arn, batch)
            failures = answer.get("batchItemFailures") or []
            if not failures and "errorType" not in answer:
                return
            if failures:  # retried from the first failed record, as Lambda does
                first = failures[0]["itemIdentifier"]
                batch = [r for r in batch if int(r["dynamodb"]["SequenceNumber"]) >= int(first)]
        consumer.dropped.extend(batch)
        name = consumer.function_arn.rsplit(":", 1)[-1]
        print(f"stream feed: {len(batch)} changes not taken by {name}", file=sys.stderr)

    def _invoke(self, function_arn: str, batch: list[dict[str, Any]]) -> dict[str, Any]:
        event = {
            "Records": [
                {**r, "eventSourceARN": self.stream_arn, "eventSource": "aws:dynamodb"}
                for r in batch
            ]
        }
        response = boto3.client("lambda").invoke(
            FunctionName=function_arn,
            Payload=json.dumps(event, default=_jsonable).encode(),
        )
        answer: dict[str, Any] = json.loads(response["Payload"].read() or b"{}")
        return answer
