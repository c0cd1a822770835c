"""The CAE worker where DynamoDB and Lambda are less tidy than moto: a pending index (a GSI, eventually
consistent) that lags, and an invocation that runs out of time with more records of the same tenant."""

import copy

import boto3

from billing.clients.arca.timeouts import worst_call_seconds
from billing.data import invoices as store
from billing.domain.modes import Mode
from billing.domain.tenancy import Scope
from billing.schemas.invoices import InvoiceCreate
from billing.services import cae_authorization
from billing.services.invoices import create_invoice
from tests.support import invoicing
from tests.support.handlers import load_function
from tests.support.invoicing import CONTRACT, cae_queue_url, receive_cae_messages, run_worker, sqs_event

tenant = invoicing.tenant


def _body(tenant, index=0):
    return InvoiceCreate(
        **{
            **CONTRACT,
            "customer": tenant.customer,
            "lines": [{**CONTRACT["lines"][0], "unit_price": str(1000 + index)}],
        }
    )


def test_a_lagging_pending_index_never_gets_a_voucher_authorized_twice(tenant, arca, monkeypatch):
    arca.settings.reg_x_req = 5
    scope = Scope(tenant.tenant.tenant_id, Mode.TEST)
    ids = [create_invoice(scope, _body(tenant, i)).id for i in range(10)]
    real_pending = store.pending
    previous = {}

    def one_read_behind(scope, limit, *, after=None):
        fresh = real_pending(scope, limit, after=after)
        stale = previous.get((limit, after), fresh)
        previous[(limit, after)] = copy.deepcopy(fresh)  # the index's items as they were at that read
        return stale

    monkeypatch.setattr(store, "pending", one_read_behind)
    cae_authorization.authorize_pending(scope, seconds_left=lambda: 100)
    monkeypatch.setattr(store, "pending", real_pending)  # the index caught up; the next message runs the worker
    cae_authorization.authorize_pending(scope, seconds_left=lambda: 100)
    issued = arca.vouchers(cuit=30712345671)
    assert len(issued) == 10, f"ARCA holds {len(issued)} vouchers for 10 invoices"
    assert sorted(store.find(scope, i).number for i in ids) == list(range(1, 11))


def test_a_voucher_the_index_does_not_show_yet_is_not_left_behind(tenant, arca, monkeypatch):
    scope = Scope(tenant.tenant.tenant_id, Mode.TEST)
    invoice = create_invoice(scope, _body(tenant))
    real_pending = store.pending
    reads = []

    def not_there_yet(scope, limit, *, after=None):
        reads.append(limit)
        return [] if len(reads) == 1 else real_pending(scope, limit, after=after)

    monkeypatch.setattr(store, "pending", not_there_yet)
    run_worker()
    assert receive_cae_messages() == []
    assert store.find(scope, invoice.id).status == "authorized", "pending, and no message left to wake the worker"


class OutOfTime:
    function_name = "test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test"
    aws_request_id = "1"

    def get_remaining_time_in_millis(self):
        # Less than the handler's margin and one ARCA call at its timeout: what every record after the first one
        # that ran out of time sees.
        return int((load_function("cae_worker").SAFETY_SECONDS + worst_call_seconds()) * 1000) - 1000


def test_one_invocation_out_of_time_wakes_the_worker_once_and_calls_arca_not_at_all(tenant, arca, monkeypatch):
    scope = Scope(tenant.tenant.tenant_id, Mode.TEST)
    for i in range(10):
        create_invoice(scope, _body(tenant, i))
    lines = []
    monkeypatch.setattr(arca, "log", lines.append)
    messages = receive_cae_messages()
    load_function("cae_worker").handler(sqs_event(messages), OutOfTime())
    for message in messages:
        boto3.client("sqs").delete_message(QueueUrl=cae_queue_url(), ReceiptHandle=message["ReceiptHandle"])
    wake_ups = len(receive_cae_messages())
    assert wake_ups <= 1, f"{wake_ups} wake-ups queued by one invocation"
    assert lines == [], "no ARCA call without time to use its answer"
