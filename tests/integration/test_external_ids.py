"""A client's own reference (`external_id`) on invoices and payments: one record per reference in an account and
mode, a 409 naming the record when it is reused, lookup by reference, and deleting a draft by it."""

import boto3

from billing.data import external_ids
from billing.data import invoices as store
from billing.domain.modes import Mode
from billing.domain.tenancy import Scope
from tests.conftest import STACK
from tests.support import invoicing
from tests.support.api import call
from tests.support.invoicing import CONTRACT, run_worker

tenant = invoicing.tenant  # the shared fixture

TRANSFER = {"method": "transfer", "amount": "100.00"}


def invoice(tenant, **fields):
    return call("POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer, **fields})


def queued() -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=STACK.resource("CaeQueue").url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_a_reused_invoice_reference_is_a_409_naming_the_invoice(tenant):
    first = invoice(tenant, external_id="FAC-0001-00000123")
    assert first.status == 202 and first.body["external_id"] == "FAC-0001-00000123", first.body
    # an ERP retrying days later, without an Idempotency-Key, with a changed body
    again = invoice(tenant, external_id="FAC-0001-00000123", lines=[{"description": "Otra", "quantity": "2",
                                                                     "unit_price": "5", "vat_rate": "21"}])  # fmt: skip
    assert (again.status, again.error["code"], again.error["param"]) == (409, "external_id_in_use", "external_id")
    assert first.body["id"] in again.error["message"]
    assert queued() == 1
    assert [i["id"] for i in call("GET", "/v1/invoices", key=tenant.test_key).body["data"]] == [first.body["id"]]


def test_invoices_are_found_by_reference(tenant):
    mine = invoice(tenant, external_id="A-1").body["id"]
    invoice(tenant, external_id="A-2")
    invoice(tenant)
    found = call("GET", "/v1/invoices", key=tenant.test_key, query={"external_id": "A-1"}).body
    assert [i["id"] for i in found["data"]] == [mine] and found["has_more"] is False
    filtered = call("GET", "/v1/invoices", key=tenant.test_key, query={"external_id": "A-1", "status": "draft"})
    assert filtered.body["data"] == []
    assert call("GET", "/v1/invoices", key=tenant.test_key, query={"external_id": "A-9"}).body["data"] == []
    assert call("GET", "/v1/invoices", key=tenant.live_key, query={"external_id": "A-1"}).body["data"] == []


def test_a_draft_is_deleted_by_reference_and_its_reference_is_free_again(tenant):
    draft = invoice(tenant, draft=True, external_id="ERP/77")
    assert draft.status == 201, draft.body
    deleted = call("DELETE", "/v1/invoices", key=tenant.test_key, query={"external_id": "ERP/77"})
    assert deleted.status == 204, deleted.body
    assert call("GET", f"/v1/invoices/{draft.body['id']}", key=tenant.test_key).status == 404
    assert invoice(tenant, draft=True, external_id="ERP/77").status == 201
    missing = call("DELETE", "/v1/invoices", key=tenant.test_key, query={"external_id": "nope"})
    assert (missing.status, missing.error["code"]) == (404, "resource_missing")
    unnamed = call("DELETE", "/v1/invoices", key=tenant.test_key)  # never a delete of every invoice
    assert (unnamed.status, unnamed.error["param"]) == (422, "external_id"), unnamed.body


def test_an_authorized_voucher_is_not_deleted_by_reference(tenant, arca):
    created = invoice(tenant, external_id="ERP-8").body
    run_worker()
    refused = call("DELETE", "/v1/invoices", key=tenant.test_key, query={"external_id": "ERP-8"})
    assert (refused.status, refused.error["code"]) == (409, "authorized_voucher")
    assert call("GET", f"/v1/invoices/{created['id']}", key=tenant.test_key).body["external_id"] == "ERP-8"
    assert invoice(tenant, external_id="ERP-8").status == 409


def test_a_reused_payment_reference_is_a_409_naming_the_payment(tenant):
    body = {"customer": tenant.customer, "methods": [TRANSFER], "external_id": "REC-55"}
    first = call("POST", "/v1/payments", key=tenant.test_key, body=body)
    assert first.status == 201 and first.body["external_id"] == "REC-55", first.body
    again = call("POST", "/v1/payments", key=tenant.test_key, body={**body, "methods": [{**TRANSFER, "amount": "7"}]})
    assert (again.status, again.error["code"]) == (409, "external_id_in_use")
    assert first.body["id"] in again.error["message"]
    payments = call("GET", "/v1/payments", key=tenant.test_key).body["data"]
    assert [p["id"] for p in payments] == [first.body["id"]] and payments[0]["receipt_number"] == 1
    found = call("GET", "/v1/payments", key=tenant.test_key, query={"external_id": "REC-55"}).body["data"]
    assert [p["id"] for p in found] == [first.body["id"]]
    # an invoice may carry the same reference as a payment: they are different series
    assert invoice(tenant, draft=True, external_id="REC-55").status == 201


def test_references_are_per_account_and_mode(tenant, other_account):
    body = {"methods": [TRANSFER], "external_id": "SAME"}
    customer = {"name": "Cliente", "document_type": "DNI", "document_number": "30111222",
                "iva_condition": "consumidor_final"}  # fmt: skip
    for key in (tenant.test_key, tenant.live_key, other_account.test_key):
        owner = call("POST", "/v1/customers", key=key, body=customer).body["id"]
        created = call("POST", "/v1/payments", key=key, body={**body, "customer": owner})
        assert created.status == 201, created.body


def test_the_claim_is_written_with_the_record_or_not_at_all(tenant):
    """Two writers past the check at once: the transaction lets one through and names it to the other."""
    scope = Scope(tenant.tenant.tenant_id, Mode.TEST)
    draft = {"status": "draft", "customer_id": tenant.customer, "point_of_sale": 5, "voucher_type": 1}
    first, second = (
        store.new_invoice(scope, invoice_id, **draft, document={"external_id": "RACE"}, arca_request={})
        for invoice_id in ("inv_01JD000000000000000000001", "inv_01JD000000000000000000002")
    )
    store.insert(first, adjusts=[])
    try:
        store.insert(second, adjusts=[])
    except external_ids.ExternalIdTaken as error:
        assert error.owner == first.invoice_id
    else:
        raise AssertionError("the second claim was written")
    assert store.find(scope, second.invoice_id) is None and store.find(scope, first.invoice_id) is not None
