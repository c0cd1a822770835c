"""The CAE worker with more vouchers than one invocation can settle: a short Lambda timeout and a slow ARCA. It must
stop in time, let go of its lease, hand the rest on through the queue, and the next invocations must finish the
work: no invocation killed at the timeout, no voucher twice, none lost, numbers in creation order.

The worker runs as it does in the local stack: in a process of its own (local.runtime), killed if it overruns its
timeout, fed from the CAE queue like Lambda's event source mapping."""

import dataclasses

import boto3

from billing.data import invoices as store
from billing.data import leases
from billing.domain.modes import Mode
from billing.domain.tenancy import Scope
from billing.schemas.invoices import InvoiceCreate
from billing.services.invoices import create_invoice
from local.runtime import FunctionError, Runtime
from local.sqs_poller import failed_ids, lambda_record
from tests.conftest import STACK
from tests.support import invoicing
from tests.support.invoicing import CONTRACT, cae_queue_url

tenant = invoicing.tenant

VOUCHERS = 120
ARCA_BATCH = 5  # RegXReq: many FECAESolicitar calls, each as slow as LATENCY
LATENCY = 0.3
TIMEOUT_SECONDS = 15  # the function's timeout here (120 s in the template)
ARCA_TIMEOUTS = {"ARCA_CONNECT_TIMEOUT_SECONDS": "1", "ARCA_READ_TIMEOUT_SECONDS": "2"}
MAX_INVOCATIONS = 40


def worker_runtime() -> Runtime:
    function = STACK.functions["CaeWorkerFunction"]
    function = dataclasses.replace(
        function, timeout=TIMEOUT_SECONDS, environment={**function.environment, **ARCA_TIMEOUTS}
    )
    return Runtime({function.logical_id: function}, STACK.deployment)


def deliver(runtime: Runtime) -> tuple[int, bool]:
    """One batch of the CAE queue to the worker, as Lambda's event source mapping: (messages, whether it timed out)."""
    sqs = boto3.client("sqs")
    mapping = next(m for m in STACK.mappings if m.function == "CaeWorkerFunction")
    messages = sqs.receive_message(
        QueueUrl=cae_queue_url(), MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
    ).get("Messages", [])
    if not messages:
        return 0, False
    records = [lambda_record(message, mapping, STACK.deployment.region) for message in messages]
    timed_out = False
    try:
        failed = failed_ids(runtime.invoke("CaeWorkerFunction", {"Records": records}), records)
    except FunctionError as error:
        timed_out = error.error_type == "Sandbox.Timedout"
        failed = {record["messageId"] for record in records}
    for record in records:
        if record["messageId"] in failed:
            sqs.change_message_visibility(
                QueueUrl=cae_queue_url(), ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
            )
        else:
            sqs.delete_message(QueueUrl=cae_queue_url(), ReceiptHandle=record["receiptHandle"])
    return len(messages), timed_out


def test_a_backlog_larger_than_one_invocation_is_handed_on_and_finished_in_time(tenant, arca):
    arca.settings.reg_x_req = ARCA_BATCH
    scope = Scope(tenant.tenant.tenant_id, Mode.TEST)
    created = []
    for index in range(VOUCHERS):
        line = {**CONTRACT["lines"][0], "unit_price": f"{1000 + index}.00"}
        created.append(
            create_invoice(scope, InvoiceCreate(**{**CONTRACT, "customer": tenant.customer, "lines": [line]}))
        )
    arca.faults.set_latency(LATENCY)
    runtime = worker_runtime()
    try:
        invocations, timeouts, handed_on = 0, 0, []
        while invocations < MAX_INVOCATIONS:
            delivered, timed_out = deliver(runtime)
            if not delivered:
                break
            invocations += 1
            timeouts += timed_out
            left = len(store.pending(scope, limit=VOUCHERS))
            if left:
                handed_on.append(left)
                holder = leases.take(scope, "test", 0, 0)  # an expired lease of its own: taken only if free
                assert holder is None, f"the worker kept its lease ({holder}) with {left} vouchers left"
                leases.release(scope, "test")
    finally:
        runtime.close()

    assert timeouts == 0, f"{timeouts} of {invocations} invocations were killed at the timeout"
    assert handed_on, "one invocation settled everything: the test needs a backlog larger than that"
    # The backlog never grows back; on a starved machine one invocation may settle nothing (its measured costs left
    # no room), and the next ones carry on: a livelock would end at MAX_INVOCATIONS with vouchers still pending.
    assert handed_on == sorted(handed_on, reverse=True), handed_on
    records = [store.find(scope, invoice.id) for invoice in created]
    assert {record.status for record in records} == {"authorized"}
    assert [int(record.number) for record in records] == list(range(1, VOUCHERS + 1))
    issued = arca.vouchers(cuit=30712345671)
    assert len(issued) == len({voucher.cae for voucher in issued}) == VOUCHERS
