"""Webhook delivery at volume: N events to 10 endpoints, 2 of them failing at first, until every endpoint has
acknowledged every event; delivery lag p50/p99 and whether any event reached an endpoint twice.

    .venv/bin/python -m bench.webhooks [--events 10000] [--endpoints 10] [--failing 2] [--fail-seconds 20]
                                       [--senders 4]

Everything is embedded: moto (local.aws.start_moto) with the resources of template.yaml, and 10 receivers on
loopback that verify every signature with the standardwebhooks package. The events are recorded as the services
record them (services.events.emit into a data.receivables.Changes transaction, 25 per transaction, about a payment
each) while the pipeline runs: the table's stream is read and fed to the event dispatcher's handler as Lambda's
mapping does (with its filter), and --senders threads poll the webhook queue in batches of 10 into the webhook
sender's handler, deleting what it handled, as Lambda's SQS mapping does. The failing endpoints answer 500 for their
first --fail-seconds; their deliveries come back on the sender's own schedule (30 s doubling, jittered), so the run
lasts at least until their retries fall due.

Measured: delivery lag, from the event's creation (its id's millisecond) to the receiver's acknowledgement, p50 and
p99, for the healthy endpoints and for the failing ones; events per second through the whole pipeline. Checked:
every endpoint acknowledged every event exactly once, every signature verified.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.cae_throughput import percentile
from local import logs
from local.aws import start_moto
from local.handlers import Context, load_handler_module
from local.resources import create_all
from local.runtime import function_environment
from local.stream_poller import lambda_record, matches
from local.template import Deployment, load_stack

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def created_ms(event_id: str) -> int:
    """The millisecond an id was made (its first 10 characters, Crockford base32)."""
    value = 0
    for char in event_id.split("_", 1)[1][:10]:
        value = value * 32 + _CROCKFORD.index(char)
    return value


class Receivers:
    """N receivers; the first `failing` answer 500 until `fail_until` (epoch seconds)."""

    def __init__(self, count: int, failing: int, fail_until: float):
        from standardwebhooks import Webhook, WebhookVerificationError

        self.lock = threading.Lock()
        self.acks: Counter = Counter()  # (receiver index, event id) -> 2xx answered
        self.lag_ms: dict[int, list[int]] = {i: [] for i in range(count)}
        self.refused = Counter()
        self.bad_signatures = 0
        self.secrets: list[str] = [""] * count
        self.servers = []
        receivers = self
        for index in range(count):

            class Handler(BaseHTTPRequestHandler):
                number = index

                def do_POST(self):
                    body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                    try:
                        Webhook(receivers.secrets[self.number]).verify(body, dict(self.headers), json_parse=False)
                        good = True
                    except WebhookVerificationError:
                        good = False
                    event_id = self.headers["webhook-id"]
                    refusing = self.number < failing and time.time() < fail_until
                    with receivers.lock:
                        if not good:
                            receivers.bad_signatures += 1
                        if refusing:
                            receivers.refused[self.number] += 1
                        else:
                            receivers.acks[(self.number, event_id)] += 1
                            receivers.lag_ms[self.number].append(int(time.time() * 1000) - created_ms(event_id))
                    self.send_response(500 if refusing else 200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

                def log_message(self, *args):
                    pass

            server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)

    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.servers[index].server_address[1]}/hooks"


BENCH_CONTEXT = Context("bench", 60_000)


def stream_feeder(stack, stop: threading.Event) -> threading.Thread:
    """The table's stream -> the dispatcher's handler, as Lambda's mapping does (its filter, batches of 100)."""
    import boto3

    mapping = stack.streams[0]
    filters = [json.loads(f) for f in mapping.filters]
    dispatcher = load_handler_module("event_dispatcher")

    def run():
        streams = boto3.client("dynamodbstreams")
        arn = boto3.client("dynamodb").describe_table(TableName=mapping.table_name)["Table"]["LatestStreamArn"]
        iterators = {}
        while not stop.is_set():
            for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
                if shard["ShardId"] not in iterators:
                    iterators[shard["ShardId"]] = streams.get_shard_iterator(
                        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                    )["ShardIterator"]
            got = 0
            for shard_id, iterator in list(iterators.items()):
                if iterator is None:
                    continue
                answer = streams.get_records(ShardIterator=iterator, Limit=mapping.batch_size)
                records = [lambda_record(r, arn, "us-east-1") for r in answer["Records"]]
                records = [r for r in records if any(matches(f, r) for f in filters)]
                if records:
                    dispatcher.handler({"Records": records}, BENCH_CONTEXT)
                iterators[shard_id] = answer.get("NextShardIterator")
                got += len(answer["Records"])
            if not got:
                stop.wait(0.2)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def sender_poller(stack, stop: threading.Event) -> threading.Thread:
    """The webhook queue -> the sender's handler in batches of 10, as Lambda's SQS mapping does."""
    import boto3

    queue = stack.resource("WebhookQueue")
    sender = load_handler_module("webhook_sender")

    def run():
        sqs = boto3.client("sqs")
        while not stop.is_set():
            messages = sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
                "Messages", []
            )
            if not messages:
                continue
            records = [{"messageId": m["MessageId"], "body": m["Body"]} for m in messages]
            failed = {
                f["itemIdentifier"] for f in sender.handler({"Records": records}, BENCH_CONTEXT)["batchItemFailures"]
            }
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                sqs.delete_message_batch(
                    QueueUrl=queue.url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
                )

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.webhooks", description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--failing", type=int, default=2)
    parser.add_argument("--fail-seconds", type=float, default=20)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args(argv)

    _, endpoint = start_moto(0)
    stack = load_stack(deployment=Deployment(endpoint=endpoint))
    environment = function_environment(stack.functions["WebhookSenderFunction"], stack.deployment)
    environment |= function_environment(stack.functions["ApiFunction"], stack.deployment)
    os.environ.update({name: value for name, value in environment.items() if name not in ("PATH", "LANG", "TZ")})
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    logs.quiet_moto()
    create_all(stack)

    from billing.data.receivables import Changes
    from billing.domain.events import EventType
    from billing.domain.modes import Mode
    from billing.domain.tenancy import Scope
    from billing.schemas.events import WebhookEndpointCreate
    from billing.schemas.payments import Payment
    from billing.services import events, tenants, webhooks

    tenant = tenants.create_tenant("Demo SRL", "30712345671")
    scope = Scope(tenant.tenant_id, Mode.TEST)
    started = time.time()
    receivers = Receivers(args.endpoints, args.failing, started + args.fail_seconds)
    for index in range(args.endpoints):
        body = WebhookEndpointCreate(url=receivers.url(index), enabled_events=["payment.created"])
        receivers.secrets[index] = webhooks.create_endpoint(scope, body).secret

    stop = threading.Event()
    threads = [stream_feeder(stack, stop)] + [sender_poller(stack, stop) for _ in range(args.senders)]
    sample = {
        "id": "pay_x", "livemode": False, "status": "posted", "receipt_number": 1, "customer": "cus_x",
        "date": "2026-12-01", "total": "1210.00", "methods": [{"method": "cash", "amount": "1210.00"}],
        "allocations": [], "unallocated": "1210.00", "voided": None, "created_by": "key_x", "external_id": None,
        "metadata": {}, "created_at": "2026-12-01T10:00:00-03:00", "updated_at": "2026-12-01T10:00:00-03:00",
    }  # fmt: skip
    recorded_at = time.time()
    for start in range(0, args.events, 25):
        changes = Changes(scope)
        for number in range(start, min(start + 25, args.events)):
            payment = Payment(**{**sample, "id": f"pay_{number:026d}", "receipt_number": number + 1})
            events.emit(changes, EventType.PAYMENT_CREATED, payment)
        changes.commit()
    recorded = time.time() - recorded_at
    expected = args.events * args.endpoints
    while sum(1 for n in receivers.acks.values() if n) < expected and time.time() - started < args.timeout:
        time.sleep(1)
    took = time.time() - started
    stop.set()
    for thread in threads:
        thread.join(5)

    acknowledged = sum(1 for n in receivers.acks.values() if n)
    twice = sum(1 for n in receivers.acks.values() if n > 1)
    healthy = [ms for i in range(args.failing, args.endpoints) for ms in receivers.lag_ms[i]]
    failing = [ms for i in range(args.failing) for ms in receivers.lag_ms[i]]
    print(f"events {args.events}, endpoints {args.endpoints} ({args.failing} failing for {args.fail_seconds:.0f} s)")
    print(f"recorded in {recorded:.1f} s; every delivery acknowledged after {took:.1f} s")
    print(f"acknowledged {acknowledged} of {expected}; acknowledged twice: {twice}; bad signatures: "
          f"{receivers.bad_signatures}; refused while failing: {sum(receivers.refused.values())}")  # fmt: skip
    for name, lags in (("healthy", healthy), ("failing at first", failing)):
        if lags:
            print(
                f"lag {name:<17} p50 {percentile(lags, 0.5) / 1000:.1f} s   p99 {percentile(lags, 0.99) / 1000:.1f} s"
            )
    ok = acknowledged == expected and twice == 0 and receivers.bad_signatures == 0
    print("OK" if ok else "NOT OK")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
