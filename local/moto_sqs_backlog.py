"""moto's SQS with a long backlog (dev and tests only): each call costs what it receives or deletes, not what waits.

moto finds the message a receipt handle names by asking every message of the queue (a Python call each) on every
DeleteMessage, and it lists the visible messages by reading the clock twice per message of the queue on every
ReceiveMessage, even one that returns the first ten. A queue that a slower consumer drains (the webhook queue after a
burst of 10,000 events to 10 endpoints: 100,000 messages) then makes each receive and delete cost time proportional
to its length. Here a received message is remembered by its receipt handle, and the visible messages are found as a
receive reads them, with one reading of the clock, so a receive stops looking once it has its batch. The same
messages are returned and deleted, in the same order, and a handle moto would refuse is refused; only the time
changes.
"""

import weakref

_RECEIVED = weakref.WeakValueDictionary()  # receipt handle -> the message it was given with (handles are unique)


class _Visible:
    """A queue's visible messages, as moto's `Queue.messages` list has them (in order; neither invisible nor delayed),
    found while they are iterated; truth and length read them all only as far as they need to."""

    def __init__(self, messages: list, now: float):
        self._messages, self._now = list(messages), now  # a copy of the references: a delete may shorten the list

    def __iter__(self):
        now = self._now
        return (m for m in self._messages if now > m.visible_at and not now < m.delayed_until)

    def __bool__(self) -> bool:
        return next(iter(self), None) is not None

    def __len__(self) -> int:
        return sum(1 for _ in self)


def install() -> None:
    """Patch moto's SQS queues in this process (idempotent)."""
    from moto.core.utils import unix_time_millis
    from moto.sqs import models
    from moto.sqs.exceptions import ReceiptHandleIsInvalid

    if getattr(models.Queue, "_backlog_costs_faithful", False):
        return
    mark_received = models.Message.mark_received

    def remembered(message, visibility_timeout=None) -> None:
        mark_received(message, visibility_timeout)
        _RECEIVED[message.receipt_handle] = message

    def visible(queue) -> _Visible:
        return _Visible(queue._messages, unix_time_millis())

    def delete_message(queue, receipt_handle: str) -> None:
        if receipt_handle in queue.deleted_messages:
            return  # deleted already: moto accepts it again
        message = _RECEIVED.get(receipt_handle)
        try:
            queue._messages.remove(message)  # by identity (a message has no __eq__): a C loop, not a Python call each
        except ValueError:
            raise ReceiptHandleIsInvalid() from None
        queue.pending_messages.discard(message)
        queue.deleted_messages.update(message.all_receipt_handles)

    models.Message.mark_received = remembered
    models.Queue.messages = property(visible)
    models.Queue.delete_message = delete_message
    models.Queue._backlog_costs_faithful = True
