"""A real webhook receiver on loopback that verifies each delivery with the standardwebhooks package, and the
table's stream delivered to the event dispatcher the way Lambda's mapping does."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
from standardwebhooks import Webhook, WebhookVerificationError

from local.stream_poller import lambda_record, matches
from tests.conftest import STACK
from tests.support.handlers import Context, load_function
from tests.support.invoicing import drain


class Receiver:
    """Answers `statuses` in turn (then 200), verifying every request with `secrets` (any of them may match)."""

    def __init__(self, statuses: list[int] | None = None):
        self.statuses = list(statuses or [])
        self.secrets: list[str] = []
        self.received: list[dict] = []  # {id, type, verified, status, headers}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                verified = []
                for secret in receiver.secrets:
                    try:
                        Webhook(secret).verify(body, dict(self.headers))
                        verified.append(secret)
                    except WebhookVerificationError:
                        pass
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    event = json.loads(body)
                    receiver.received.append(
                        {"id": event["id"], "type": event["type"], "event": event, "verified": verified,
                         "status": status, "headers": dict(self.headers)}
                    )  # fmt: skip
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def acknowledged(self) -> list[dict]:
        return [r for r in self.received if 200 <= r["status"] < 300]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run_dispatcher() -> None:
    """Everything the table's stream holds, through the mapping's filter, to the event dispatcher (which skips what
    it dispatched already)."""
    dynamodb, streams = boto3.client("dynamodb"), boto3.client("dynamodbstreams")
    mapping = STACK.streams[0]
    arn = dynamodb.describe_table(TableName=mapping.table_name)["Table"]["LatestStreamArn"]
    filters = [json.loads(f) for f in mapping.filters]
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
        iterator = iterator["ShardIterator"]
        while iterator:
            answer = streams.get_records(ShardIterator=iterator, Limit=1000)
            if not answer["Records"]:
                break
            records += [lambda_record(r, arn, "us-east-1") for r in answer["Records"]]
            iterator = answer.get("NextShardIterator")
    records = [r for r in records if any(matches(f, r) for f in filters)]
    for start in range(0, len(records), mapping.batch_size):
        load_function("event_dispatcher").handler({"Records": records[start : start + mapping.batch_size]}, Context())


def run_sender() -> list[dict]:
    """Deliver what is visible on the webhook queue to the webhook sender."""
    return drain("WebhookQueue", "webhook_sender")
