"""DynamoDB stream event source mappings: one polling thread per mapping, reading moto's stream from its start,
applying the mapping's filter patterns as Lambda does, and handing the batch to the function.

A batch the function fails comes back after a second, as Lambda retries a stream batch (the shard waits meanwhile).
Only the filter syntax the template uses is understood: lists of exact values and {"prefix": ...}.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from local import logs
from local.aws import client
from local.runtime import FunctionError
from local.template import Deployment, StreamMapping

RETRY_SECONDS = 1.0


def matches(pattern: Any, value: Any) -> bool:
    """Whether a record (or a part of it) matches a Lambda filter pattern (or a part of it)."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(key in value and matches(p, value[key]) for key, p in pattern.items())
    if isinstance(pattern, list):
        return any(_matches_one(p, value) for p in pattern)
    return pattern == value


def _matches_one(rule: Any, value: Any) -> bool:
    if isinstance(rule, dict) and "prefix" in rule:
        return isinstance(value, str) and value.startswith(rule["prefix"])
    return rule == value


def lambda_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """boto3's stream record -> the Lambda event's (the same shape, with the source's ARN)."""
    dynamodb = {k: v for k, v in record["dynamodb"].items() if k != "ApproximateCreationDateTime"}
    created = record["dynamodb"].get("ApproximateCreationDateTime")
    if created is not None:
        dynamodb["ApproximateCreationDateTime"] = created.timestamp() if hasattr(created, "timestamp") else created
    return {
        "eventID": record.get("eventID"),
        "eventName": record.get("eventName"),
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }


class StreamPoller:
    def __init__(self, mapping: StreamMapping, runtime, deployment: Deployment):
        self.mapping = mapping
        self.runtime = runtime
        self.deployment = deployment
        self.filters = [json.loads(f) for f in mapping.filters]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"stream-{mapping.logical_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def _source(self) -> str:
        return f"stream:{self.mapping.table}"

    def _iterators(self, streams, stream_arn: str, known: dict[str, str | None]) -> None:
        """Start reading new shards from their beginning (a shard's iterator stays once it is known)."""
        for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
            if shard["ShardId"] not in known:
                known[shard["ShardId"]] = streams.get_shard_iterator(
                    StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]

    def _run(self) -> None:
        streams = client("dynamodbstreams", self.deployment)
        dynamodb = client("dynamodb", self.deployment)
        stream_arn = dynamodb.describe_table(TableName=self.mapping.table_name)["Table"]["LatestStreamArn"]
        iterators: dict[str, str | None] = {}
        while not self._stop.is_set():
            try:
                self._iterators(streams, stream_arn, iterators)
                got = 0
                for shard_id, iterator in list(iterators.items()):
                    if iterator is None:
                        continue
                    answer = streams.get_records(ShardIterator=iterator, Limit=self.mapping.batch_size)
                    records = answer.get("Records", [])
                    if records and not self._deliver(records, stream_arn):
                        continue  # the same iterator again: the batch is retried
                    iterators[shard_id] = answer.get("NextShardIterator")
                    got += len(records)
                if not got:
                    self._stop.wait(0.2)
            except Exception as error:  # keep polling, as Lambda does; say why
                logs.log(self._source, f"poll failed: {error}")
                self._stop.wait(RETRY_SECONDS)

    def _deliver(self, records: list[dict[str, Any]], stream_arn: str) -> bool:
        """Hand the records that pass the filters to the function; False when it failed (the batch is retried)."""
        batch = [lambda_record(r, stream_arn, self.deployment.region) for r in records]
        batch = [r for r in batch if not self.filters or any(matches(f, r) for f in self.filters)]
        if not batch:
            return True
        try:
            self.runtime.invoke(self.mapping.function, {"Records": batch})
        except FunctionError as error:
            logs.log(self._source, f"{len(batch)} record(s) -> {self.mapping.function}: {error.error_type}; retried")
            self._stop.wait(RETRY_SECONDS)
            return False
        logs.log(self._source, f"{len(batch)} record(s) -> {self.mapping.function}: ok")
        return True


def start_stream_pollers(mappings: list[StreamMapping], runtime, deployment: Deployment) -> list[StreamPoller]:
    pollers = [StreamPoller(m, runtime, deployment) for m in mappings if m.enabled]
    for poller in pollers:
        poller.start()
    return pollers
