"""End to end over HTTP against `python -m local.devstack`: the API contract through the local API Gateway."""

import json
import time
import urllib.error
import urllib.request

import pytest

from billing.domain.qr import decode_qr_url
from tests.support.invoicing import CONTRACT

CUSTOMER = {
    "name": "ACME SA",
    "document_type": "CUIT",
    "document_number": "20123456786",
    "iva_condition": "responsable_inscripto",
}


def call(devstack, method, path, key=None, body=None):
    """(status, headers, parsed body); every response must carry X-Request-Id."""
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(devstack.api_url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, response_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, response_headers, raw = error.code, error.headers, error.read()
    assert response_headers.get("X-Request-Id"), f"{method} {path} -> {status} without X-Request-Id"
    content_type = response_headers.get("Content-Type", "")
    return status, response_headers, json.loads(raw) if "json" in content_type else raw.decode()


@pytest.fixture(scope="module")
def key(devstack):
    return devstack.demo["test_key"]


def test_health_needs_no_key(devstack):
    status, _, body = call(devstack, "GET", "/v1/health")
    assert status == 200
    assert body["status"] == "ok"


def test_openapi_document(devstack):
    status, _, body = call(devstack, "GET", "/v1/openapi.json")
    assert status == 200
    assert body["openapi"].startswith("3.")
    assert "/v1/customers" in body["paths"]


def test_docs_are_html(devstack):
    status, headers, body = call(devstack, "GET", "/v1/docs")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "<html" in body.lower()
    # Swagger UI's "try it out" calls the server the spec names: the local root, not the /dev stage prefix
    status, _, spec = call(devstack, "GET", "/v1/docs?format=json")
    assert status == 200
    assert [server["url"] for server in spec["servers"]] == ["/"]


def test_missing_key_is_401_in_the_error_shape(devstack):
    status, headers, body = call(devstack, "GET", "/v1/customers")
    assert status == 401
    assert set(body["error"]) >= {"type", "code", "message"}
    assert headers["WWW-Authenticate"] == "Bearer"


def test_unknown_key_is_401(devstack):
    status, _, body = call(devstack, "GET", "/v1/customers", key="sk_test_" + "x" * 43)
    assert status == 401
    assert body["error"]["type"] == "authentication_error"


def test_unknown_route_is_rejected_by_the_gateway(devstack):
    # The port answers like the CloudFront distribution: only /v1/* reaches the gateway (the rest is the console's).
    status, _, body = call(devstack, "DELETE", "/v1/health")
    assert status == 403
    assert body["error"]["message"] == "Missing Authentication Token"
    with pytest.raises(urllib.error.HTTPError) as outside:
        urllib.request.urlopen(devstack.api_url + "/v2/nothing", timeout=60)
    assert outside.value.code == 404 and "Content-Security-Policy" in outside.value.headers


def test_create_and_get_a_customer(devstack, key):
    status, _, created = call(devstack, "POST", "/v1/customers", key=key, body=CUSTOMER)
    assert status == 201
    assert created["id"].startswith("cus_")
    assert {k: created[k] for k in CUSTOMER} == CUSTOMER
    status, _, fetched = call(devstack, "GET", f"/v1/customers/{created['id']}", key=key)
    assert status == 200
    assert fetched == created


def test_issuer_was_seeded(devstack, key):
    status, _, issuer = call(devstack, "GET", "/v1/setup/issuer", key=key)
    assert status == 200
    assert issuer["legal_name"] == "Demo SRL"
    assert issuer["cuit"] == devstack.demo["cuit"] == "30712345671"
    assert issuer["iva_condition"] == "responsable_inscripto"
    assert issuer["fiscal_address"]["province"] == "AR-C"


def test_point_of_sale_was_seeded(devstack, key):
    number = devstack.demo["point_of_sale"]
    status, _, point = call(devstack, "GET", f"/v1/setup/points-of-sale/{number}", key=key)
    assert status == 200
    assert point["number"] == 5
    assert point["enabled_for_web_services"] is True


def test_the_demo_tenant_has_an_arca_certificate(devstack, key):
    # Seeded through the real flow: the API's CSR, signed by the ARCA simulator's CA, uploaded without a key.
    status, _, body = call(devstack, "GET", "/v1/setup/certificate", key=key)
    assert status == 200
    assert body["cuit"] == devstack.demo["cuit"]
    assert body["environment"] == "homologation"
    assert "CN=Computadores Test" in body["issuer"]


def test_the_contract_invoice_is_authorized_within_seconds_and_its_qr_decodes_to_it(devstack, key):
    _, _, customer = call(devstack, "POST", "/v1/customers", key=key, body={**CUSTOMER, "name": "QR SA"})
    invoice = {**CONTRACT, "customer": customer["id"], "point_of_sale": devstack.demo["point_of_sale"]}
    status, _, created = call(devstack, "POST", "/v1/invoices", key=key, body=invoice)
    assert (status, created["status"]) == (202, "pending"), created
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        _, _, current = call(devstack, "GET", f"/v1/invoices/{created['id']}", key=key)
        if current["status"] != "pending":
            break
        time.sleep(0.2)
    assert current["status"] == "authorized", current
    qr = decode_qr_url(current["qr_url"])
    assert qr["cuit"] == int(devstack.demo["cuit"]) and qr["ptoVta"] == devstack.demo["point_of_sale"]
    assert (qr["tipoCmp"], qr["nroCmp"], str(qr["codAut"])) == (1, current["number"], current["cae"])
    assert str(qr["importe"]) == "1210" and qr["fecha"] == current["date"]


def test_an_authorized_invoice_gets_its_pdf_and_a_payment_settles_it(devstack, key):
    _, _, customer = call(devstack, "POST", "/v1/customers", key=key, body={**CUSTOMER, "name": "PDF SA"})
    invoice = {**CONTRACT, "customer": customer["id"], "point_of_sale": devstack.demo["point_of_sale"]}
    _, _, created = call(devstack, "POST", "/v1/invoices", key=key, body=invoice)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the CAE worker, then the PDF renderer, both from their queues
        status, _, link = call(devstack, "GET", f"/v1/invoices/{created['id']}/pdf", key=key)
        if status == 200:
            break
        assert status == 409 and link["error"]["code"] in ("invoice_not_authorized", "pdf_not_ready"), link
        time.sleep(0.3)
    assert status == 200, link
    with urllib.request.urlopen(link["url"], timeout=30) as response:
        assert response.read(5) == b"%PDF-"

    body = {"customer": customer["id"], "methods": [{"method": "transfer", "amount": "1210.00", "reference": "T-1"}]}
    status, _, payment = call(devstack, "POST", "/v1/payments", key=key, body=body)
    assert status == 201 and payment["allocations"][0]["invoice"] == created["id"], payment
    _, _, paid = call(devstack, "GET", f"/v1/invoices/{created['id']}", key=key)
    assert (paid["payment_status"], paid["balance"]) == ("paid", "0.00")


def _authorized(devstack, key, invoice_id: str) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        _, _, current = call(devstack, "GET", f"/v1/invoices/{invoice_id}", key=key)
        if current["status"] != "pending":
            return current
        time.sleep(0.2)
    return current


def test_registry_lookups_customers_and_receiver_checks_on_the_stack(devstack, key):
    status, _, demo = call(devstack, "GET", f"/v1/taxpayers/{devstack.demo['cuit']}", key=key)
    assert status == 200, demo
    assert (demo["name"], demo["iva_condition"], demo["address"]["province"]) == (
        "DEMO SRL", "responsable_inscripto", "AR-C"
    )  # fmt: skip
    body = {"document_type": "CUIT", "document_number": "20246813575", "lookup": True}
    status, _, monotributista = call(devstack, "POST", "/v1/customers", key=key, body=body)
    assert status == 201, monotributista
    assert (monotributista["name"], monotributista["iva_condition"]) == ("GOMEZ MARIA", "monotributo")
    invoice = {**CONTRACT, "customer": monotributista["id"], "point_of_sale": devstack.demo["point_of_sale"]}
    status, _, created = call(devstack, "POST", "/v1/invoices", key=key, body=invoice)
    assert (status, created["letter"], created["receiver_check"]["status"]) == (202, "A", "checked"), created
    assert _authorized(devstack, key, created["id"])["status"] == "authorized"
    body = {"document_type": "CUIT", "document_number": "20301234563", "lookup": True,
            "iva_condition": "responsable_inscripto"}  # fmt: skip
    _, _, unregistered = call(devstack, "POST", "/v1/customers", key=key, body=body)
    invoice = {**CONTRACT, "customer": unregistered["id"], "point_of_sale": devstack.demo["point_of_sale"]}
    status, _, refused = call(devstack, "POST", "/v1/invoices", key=key, body=invoice)
    assert (status, refused["error"]["code"], refused["error"]["arca_code"]) == (
        422, "receiver_not_registered_for_iva", 10063
    )  # fmt: skip


def _wait_for(predicate, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError("not within the time allowed")


def test_the_schedule_bills_a_subscription_once_with_its_month_and_the_preview_matches(devstack, key):
    from billing.domain.calendar import today_ar
    from billing.domain.subscriptions import MONTHS
    from tests.e2e.test_e2e_stack import run_module

    _, _, customer = call(devstack, "POST", "/v1/customers", key=key, body={**CUSTOMER, "name": "Gimnasio SA"})
    item = {"description": "Abono [current month]", "unit_price": "1000.00", "vat_rate": "21"}
    status, _, item = call(devstack, "POST", "/v1/items", key=key, body=item)
    assert status == 201, item
    first = today_ar().replace(day=1)
    plan = {"customer": customer["id"], "point_of_sale": devstack.demo["point_of_sale"],
            "lines": [{"item": item["id"]}], "start_date": first.isoformat(), "payment_terms_days": 10}  # fmt: skip
    status, _, subscription = call(devstack, "POST", "/v1/subscriptions", key=key, body=plan)
    assert status == 201, subscription
    _, _, upcoming = call(devstack, "GET", f"/v1/subscriptions/{subscription['id']}/upcoming", key=key)
    month = f"{MONTHS['es'][first.month - 1]} {first.year}"
    assert upcoming["invoice"]["lines"][0]["description"] == f"Abono {month}"

    def invoices():
        path = f"/v1/invoices?subscription={subscription['id']}"
        return call(devstack, "GET", path, key=key)[2]["data"]

    state = ["--state-dir", str(devstack.state_dir)]
    assert run_module("local.fire_schedule", "billing-local-monthly-billing", *state).returncode == 0
    [invoice] = _wait_for(lambda: [i for i in invoices() if i["status"] == "authorized"])
    assert invoice["lines"][0]["description"] == f"Abono {month}" and invoice["service_start"] == first.isoformat()
    assert invoice["period"] == f"{first:%Y-%m}"
    for field in ("lines", "totals", "service_start", "service_end", "payment_due", "date"):
        assert invoice[field] == upcoming["invoice"][field], field

    assert run_module("local.fire_schedule", "billing-local-monthly-billing", *state).returncode == 0
    status, _, run = call(devstack, "POST", "/v1/billing-runs", key=key, body={})
    assert status == 202, run
    done = _wait_for(lambda: (r := call(devstack, "GET", f"/v1/billing-runs/{run['id']}", key=key)[2])["status"]
                     == "completed" and r)  # fmt: skip
    assert done["invoiced"] == 0
    assert len(invoices()) == 1
