"""moto's SQS made to cost what SQS costs where the local stack and the benchmarks depend on it (dev and tests only).

moto computes a queue's attributes, its three message counts among them (a scan of every message each), whenever it
reads any one attribute: on every SendMessage, to read ContentBasedDeduplication, and for every message a
ReceiveMessage returns, to read MessageRetentionPeriod. A queue that a slower consumer drains (the PDF queue behind
a busy CAE worker) then makes each send and receive cost time proportional to its length: 17 ms per send at 1,000
waiting messages. Here those two read the one attribute they need. Results are the same; only the time changes.

One fidelity fix: a FIFO message group is blocked while one of its messages is in flight. moto counts a message
whose visibility timeout ran out as in flight until its receive loop reaches it, so when a group's returned messages
become visible together it delivers the last of them first. Here a visible message no longer blocks its group.
"""

import threading

_SENDING = threading.local()  # set while this thread sends a message: all it reads of the attributes is deduplication


def install() -> None:
    """Patch moto's SQS backend in this process (idempotent)."""
    from moto.core.utils import unix_time
    from moto.sqs import models

    if getattr(models.SQSBackend, "_costs_faithful", False):
        return
    attributes = models.Queue.attributes.fget

    def queue_attributes(queue) -> dict:
        if not getattr(_SENDING, "active", False):
            return attributes(queue)
        if not queue.fifo_queue:
            return {}
        value = queue.content_based_deduplication  # what sending reads, as the full attributes give it
        return {"ContentBasedDeduplication": str(value).lower() if isinstance(value, bool) else value}

    def sending(method):
        def without_counts(self, *args, **kwargs):
            outer, _SENDING.active = getattr(_SENDING, "active", False), True
            try:
                return method(self, *args, **kwargs)
            finally:
                _SENDING.active = outer  # sending validates first: the inner call must not end the outer one

        return without_counts

    def retained(self, queue_name: str, message) -> bool:
        retention_period = int(self.get_queue(queue_name).message_retention_period)
        return retention_period + message.sent_timestamp / 1000 > unix_time()

    def pending_message_groups(queue) -> set[str]:
        # a copy: another thread's receive or delete may change the set meanwhile (moto holds no lock for it)
        return {m.group_id for m in tuple(queue._pending_messages) if m.group_id is not None and not m.visible}

    models.Queue.pending_message_groups = property(pending_message_groups)
    models.Queue.attributes = property(queue_attributes)
    models.SQSBackend.send_message = sending(models.SQSBackend.send_message)
    models.SQSBackend._validate_message = sending(models.SQSBackend._validate_message)
    models.SQSBackend.is_message_valid_based_on_retention_period = retained
    models.SQSBackend._costs_faithful = True
