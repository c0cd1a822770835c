"""moto's DynamoDB Streams with a busy table (dev and tests only): GetRecords written as the JSON it already is.

moto answers GetRecords through its generic, model-driven serializer, which walks every attribute value of every
record's keys: about a fifth of the embedded moto's time in bench/webhooks.py, whose events table takes three writes
per delivery (each a stream record the dispatcher's mapping reads and filters). A record is already the wire's
shape, plain DynamoDB JSON, but for its ApproximateCreationDateTime, a datetime the wire carries as epoch seconds;
here the answer is written with `json`. Errors, and records carrying binary values (base64 on the wire), keep moto's
own path. The records read back the same; only the time changes.
"""

import calendar
import datetime
import json

records_as_json = True  # the tests switch it off to compare both paths


def _wire(value):
    if isinstance(value, datetime.datetime):  # moto's are naive UTC; its serializer keeps whole milliseconds
        return calendar.timegm(value.utctimetuple()) + value.microsecond // 1000 / 1000
    raise TypeError(f"{type(value).__name__} is not plain JSON")


def install() -> None:
    """Patch moto's DynamoDB Streams responses in this process (idempotent)."""
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    if getattr(DynamoDBStreamsHandler, "_records_as_json", False):
        return
    get_records = DynamoDBStreamsHandler.get_records

    def plain(self):
        answer = get_records(self)
        if not records_as_json:
            return answer
        try:
            body = json.dumps(answer.result, default=_wire)
        except TypeError:  # not plain JSON after all: moto's own serializer knows it
            return answer
        if '"B": ' in body or '"BS": ' in body:
            return answer
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, body

    DynamoDBStreamsHandler.get_records = plain
    DynamoDBStreamsHandler._records_as_json = True
