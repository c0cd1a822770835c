"""Test vouchers go to ARCA's homologation, live ones to production: a live key never sees or continues the
numbering of test vouchers (the simulator keeps the two environments apart, as ARCA does)."""

from local.arca.padron import Person
from local.seed import ISSUER
from tests.support import invoicing
from tests.support.api import call
from tests.support.invoicing import CONTRACT, run_worker

tenant = invoicing.tenant  # the shared fixture, set up in test mode


def set_up_live(tenant, arca) -> str:
    key = tenant.live_key
    assert call("PUT", "/v1/setup/issuer", key=key, body=ISSUER).status == 200
    assert call("POST", "/v1/setup/points-of-sale", key=key, body={"number": 5}).status == 201
    csr = call("POST", "/v1/setup/certificate/csr", key=key, body={}).body["csr"]
    assert call("PUT", "/v1/setup/certificate", key=key, body={"certificate": arca.ca.sign_csr(csr)}).status == 200
    customer = {"name": "ACME SA", "document_type": "CUIT", "document_number": "20123456786",
                "iva_condition": "responsable_inscripto"}  # fmt: skip
    return call("POST", "/v1/customers", key=key, body=customer).body["id"]


def last_number(key: str) -> int:
    query = {"point_of_sale": "5", "voucher_type": "1"}
    return call("GET", "/v1/arca/last-number", key=key, query=query).body["last_number"]


def test_a_live_key_has_its_own_arca_numbering(tenant, arca):
    for _ in range(2):
        call("POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": tenant.customer})
    run_worker()
    live_customer = set_up_live(tenant, arca)
    assert last_number(tenant.test_key) == 2
    assert last_number(tenant.live_key) == 0  # production has seen none of them
    assert call("GET", "/v1/arca/vouchers/5/1/1", key=tenant.live_key).status == 404

    live = call("POST", "/v1/invoices", key=tenant.live_key, body={**CONTRACT, "customer": live_customer}).body
    run_worker()
    authorized = call("GET", f"/v1/invoices/{live['id']}", key=tenant.live_key).body
    assert (authorized["status"], authorized["number"]) == ("authorized", 1)
    [in_production] = arca.vouchers(cuit=30712345671, environment="production")
    assert in_production.cae == authorized["cae"]
    assert [v.detail["CbteDesde"] for v in arca.vouchers(cuit=30712345671)] == [1, 2]
    assert (last_number(tenant.test_key), last_number(tenant.live_key)) == (2, 1)


def test_a_live_key_looks_taxpayers_up_in_productions_registry(tenant, arca):
    set_up_live(tenant, arca)
    arca.production.padron.registry.add(Person(20404040406, apellido="SOLO", nombre="PRODUCCION", impuestos=[30]))
    live = call("GET", "/v1/taxpayers/20404040406", key=tenant.live_key)
    assert (live.status, live.body["name"]) == (200, "SOLO PRODUCCION")
    assert call("GET", "/v1/taxpayers/20404040406", key=tenant.test_key).status == 404
