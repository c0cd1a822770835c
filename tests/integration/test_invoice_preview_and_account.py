"""POST /v1/invoices/preview computes what POST /v1/invoices would create, writing nothing; GET /v1/account."""

import boto3

from tests.conftest import STACK
from tests.support import invoicing
from tests.support.api import call
from tests.support.invoicing import CONTRACT

tenant = invoicing.tenant


def test_the_preview_has_the_figures_of_the_voucher_created_from_the_same_body(tenant):
    body = {
        **CONTRACT,
        "customer": tenant.customer,
        "lines": [
            {"description": "Licencia", "quantity": "3", "unit_price": "1000.00", "vat_rate": "21"},
            {"description": "Soporte", "quantity": "1.5", "unit_price": "333.33", "vat_rate": "10.5"},
        ],
    }
    preview = call("POST", "/v1/invoices/preview", key=tenant.test_key, body=body)
    assert preview.status == 200, preview.body
    assert preview.body["object"] == "invoice_preview" and preview.body["livemode"] is False
    assert (preview.body["letter"], preview.body["voucher_type"], preview.body["point_of_sale"]) == ("A", 1, 5)
    assert preview.body["totals"]["net_taxed"] == "3500.00" and preview.body["totals"]["vat"] == "682.50"
    assert call("GET", "/v1/invoices", key=tenant.test_key).body["data"] == []
    assert boto3.client("sqs").receive_message(QueueUrl=STACK.resource("CaeQueue").url).get("Messages") is None

    created = call("POST", "/v1/invoices", key=tenant.test_key, body=body).body
    assert created["totals"] == preview.body["totals"]
    assert created["lines"] == preview.body["lines"] and created["receiver"] == preview.body["receiver"]


def test_a_preview_of_bad_input_is_the_same_422_as_creating_it(tenant):
    body = {
        **CONTRACT,
        "customer": tenant.customer,
        "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}],
    }
    preview = call("POST", "/v1/invoices/preview", key=tenant.test_key, body=body)
    created = call("POST", "/v1/invoices", key=tenant.test_key, body=body)
    assert (preview.status, preview.error["param"]) == (422, "lines[0].vat_rate")
    assert preview.error == created.error
    missing = call("POST", "/v1/invoices/preview", key=tenant.test_key, body={**body, "customer": "cus_nope"})
    assert (missing.status, missing.error["param"]) == (422, "customer")


def test_the_account_names_the_business_and_the_mode_of_the_key(account):
    test = call("GET", "/v1/account", key=account.test_key)
    assert test.status == 200, test.body
    assert test.body["id"] == account.tenant.tenant_id and test.body["cuit"] == "30712345671"
    assert (test.body["mode"], test.body["livemode"], test.body["arca_environment"]) == ("test", False, "homologation")
    live = call("GET", "/v1/account", key=account.live_key).body
    assert (live["mode"], live["livemode"], live["arca_environment"]) == ("live", True, "production")
    assert call("GET", "/v1/account", key="sk_test_wrong").status == 401
