"""Taxpayer lookups through the API against the simulator's registry: GET /v1/taxpayers, customers with `lookup`
and refresh, and the receiver checks before a voucher is queued."""

from datetime import timedelta

import pytest

from billing.data import taxpayers as cache
from billing.domain.modes import Mode
from billing.domain.tenancy import Scope
from billing.services import arca_tickets
from local.arca import padron
from tests.support import invoicing
from tests.support.api import call
from tests.support.invoicing import CONTRACT

tenant = invoicing.tenant

RI, MONOTRIBUTISTA, EXENTO, CONSUMIDOR, INACTIVE, INCOMPLETE = (
    "30711111111", "20246813575", "30700012340", "20301234563", "20222222223", "20333333334"
)  # fmt: skip


def lookup(tenant, number: str, **query):
    return call("GET", f"/v1/taxpayers/{number}", key=tenant.test_key, query=query or None)


def test_each_kind_of_taxpayer(tenant, arca):
    company = lookup(tenant, "30-71111111-1")
    assert company.status == 200, company.body
    body = company.body
    assert (body["id"], body["name"], body["person_type"]) == (RI, "PROVEEDORA DEL SUR SA", "legal_entity")
    assert (body["iva_condition"], body["arca_iva_condition"], body["active"]) == ("responsable_inscripto", 1, True)
    assert body["address"]["province"] == "AR-C" and body["address"]["street"] == "AV BELGRANO 1500 Piso:3"
    assert body["main_activity"]["id"] == 620100 and body["cached"] is False
    expected = {MONOTRIBUTISTA: "monotributo", EXENTO: "exento", CONSUMIDOR: "consumidor_final"}
    for cuit, condition in expected.items():
        assert lookup(tenant, cuit).body["iva_condition"] == condition, cuit
    assert lookup(tenant, MONOTRIBUTISTA).body["address"]["province"] == "AR-X"
    assert lookup(tenant, INACTIVE).body["active"] is False
    incomplete = lookup(tenant, INCOMPLETE).body
    assert incomplete["name"] == "DIAZ ANA" and len(incomplete["arca_errors"]) == 2


def test_a_dni_is_resolved_through_a13(tenant):
    found = lookup(tenant, "30.123.456")
    assert found.status == 200, found.body
    assert (found.body["id"], found.body["document"], found.body["name"]) == (CONSUMIDOR, "30123456", "PEREZ JUAN")
    assert lookup(tenant, "11222333").error["code"] == "taxpayer_not_found"


def test_cached_per_mode_and_cuit_for_a_day(tenant, arca):
    assert lookup(tenant, RI).body["cached"] is False
    calls = arca.padron.calls
    again = lookup(tenant, RI).body
    assert again["cached"] is True and arca.padron.calls == calls
    assert lookup(tenant, RI, refresh="true").body["cached"] is False
    assert arca.padron.calls == calls + 1


def test_bad_input_and_faults(tenant, arca):
    calls = arca.padron.calls
    wrong = lookup(tenant, "30711111112")
    assert (wrong.status, wrong.error["code"]) == (422, "invalid_cuit")
    assert lookup(tenant, "12").status == 422
    assert arca.padron.calls == calls  # never asked ARCA
    missing = lookup(tenant, "20111111112")
    assert (missing.status, missing.error["code"]) == (404, "taxpayer_not_found")
    lookup(tenant, RI)
    arca.faults.inject("http_503", service=padron.A5)
    cached = lookup(tenant, RI, refresh="true")
    assert cached.status == 200 and cached.body["stale"] is False and cached.body["cached"] is True
    down = lookup(tenant, EXENTO)
    assert down.status == 503 and down.headers["Retry-After"]


def test_a_certificate_not_enabled_for_the_registry_is_409_naming_the_service(tenant, arca):
    arca.settings.update({"unauthorized_services": {"30712345671": [padron.A5]}})
    refused = lookup(tenant, RI)
    assert refused.status == 409, refused.body
    assert refused.error["code"] == "arca_service_not_authorized"
    assert refused.error["service"] == "ws_sr_constancia_inscripcion"
    assert "ws_sr_constancia_inscripcion" in refused.error["message"]


def test_tickets_are_per_service(tenant, arca):
    lookup(tenant, RI)
    lookup(tenant, "24681357")  # A13, then A5
    services = {ticket.service for ticket in arca.tickets._by_token.values()}
    assert services == {padron.A5, padron.A13}


def test_a_customer_created_with_lookup_carries_the_registry_data(tenant):
    created = call("POST", "/v1/customers", key=tenant.test_key,
                   body={"document_type": "CUIT", "document_number": MONOTRIBUTISTA, "lookup": True})  # fmt: skip
    assert created.status == 201, created.body
    customer = created.body
    assert (customer["name"], customer["iva_condition"]) == ("GOMEZ MARIA", "monotributo")
    assert customer["address"]["province"] == "AR-X" and customer["arca"]["iva_condition"] == 6
    assert customer["warnings"] == [] and customer["registry_checked_at"]


def test_disagreements_are_warnings_not_overwrites(tenant):
    body = {"document_type": "CUIT", "document_number": RI, "lookup": True, "name": "Proveedora",
            "iva_condition": "exento"}  # fmt: skip
    customer = call("POST", "/v1/customers", key=tenant.test_key, body=body).body
    assert (customer["name"], customer["iva_condition"]) == ("Proveedora", "exento")
    warned = {(w["field"], w["arca_value"]) for w in customer["warnings"]}
    assert warned == {("name", "PROVEEDORA DEL SUR SA"), ("iva_condition", "responsable_inscripto")}
    fixed = call("PATCH", f"/v1/customers/{customer['id']}", key=tenant.test_key,
                 body={"iva_condition": "responsable_inscripto", "name": "PROVEEDORA DEL SUR SA"})  # fmt: skip
    assert fixed.status == 200
    refreshed = call("POST", f"/v1/customers/{customer['id']}/refresh", key=tenant.test_key)
    assert refreshed.status == 200, refreshed.body
    assert refreshed.body["warnings"] == [] and refreshed.body["address"]["province"] == "AR-C"


def test_lookup_of_an_unknown_cuit_without_a_name_is_422(tenant):
    refused = call("POST", "/v1/customers", key=tenant.test_key,
                   body={"document_type": "CUIT", "document_number": "20111111112", "lookup": True})  # fmt: skip
    assert (refused.status, refused.error["code"], refused.error["param"]) == (
        422, "taxpayer_not_found", "document_number"
    )  # fmt: skip
    missing = call("POST", "/v1/customers", key=tenant.test_key, body={"document_type": "CUIT", "document_number": RI})
    assert (missing.status, missing.error["param"]) == (422, "name")


def _customer(tenant, number: str, condition: str | None = None) -> str:
    body = {"document_type": "CUIT", "document_number": number, "lookup": True}
    if condition:
        body["iva_condition"] = condition
    reply = call("POST", "/v1/customers", key=tenant.test_key, body=body)
    assert reply.status == 201, reply.body
    return reply.body["id"]


def _invoice(tenant, customer: str):
    return call("POST", "/v1/invoices", key=tenant.test_key, body={**CONTRACT, "customer": customer})


def test_a_factura_a_to_the_monotributista_carries_its_rg_5616_condition(tenant, arca):
    created = _invoice(tenant, _customer(tenant, MONOTRIBUTISTA))
    assert created.status == 202, created.body
    assert created.body["letter"] == "A" and created.body["receiver_check"]["status"] == "checked"
    invoicing.run_worker()
    [voucher] = arca.vouchers(cuit=30712345671)
    assert voucher.detail["CondicionIVAReceptorId"] == 6 and voucher.result == "A"


@pytest.mark.parametrize(
    ("number", "condition", "code", "arca_code"),
    [
        (CONSUMIDOR, "responsable_inscripto", "receiver_not_registered_for_iva", 10063),
        (INACTIVE, None, "receiver_inactive", 10247),
        (EXENTO, "responsable_inscripto", "receiver_not_registered_for_iva", 10063),
        (MONOTRIBUTISTA, "exento", "iva_condition_mismatch", 10243),
    ],
)
def test_receivers_arca_would_refuse_are_422_before_queueing(tenant, number, condition, code, arca_code):
    customer = _customer(tenant, number, condition)
    refused = _invoice(tenant, customer)
    assert refused.status == 422, refused.body
    assert (refused.error["code"], refused.error["arca_code"]) == (code, arca_code)
    assert str(arca_code) in refused.error["message"]
    assert invoicing.receive_cae_messages() == []
    assert call("GET", "/v1/invoices", key=tenant.test_key).body["data"] == []


def test_a_registry_down_never_blocks_issuance(tenant, arca):
    customer = _customer(tenant, RI)
    arca_tickets._memory.clear()
    arca.faults.inject("http_503", service=padron.A5)
    scope = Scope(tenant.tenant.tenant_id, Mode.TEST)
    entry = cache.read_taxpayer(scope, RI)  # two days old: the check cannot rely on it
    cache.save_taxpayer(scope, RI, entry.value, entry.fetched_at - timedelta(days=2), 2_000_000_000)
    created = _invoice(tenant, customer)
    assert created.status == 202, created.body
    assert created.body["receiver_check"]["status"] == "skipped"
    assert "unavailable" in created.body["receiver_check"]["note"]
    assert len(invoicing.receive_cae_messages()) == 1  # queued all the same


def test_a_patch_drops_the_warnings_it_answers_and_refresh_fails_loudly(tenant, arca):
    body = {"document_type": "CUIT", "document_number": RI, "lookup": True, "name": "Otro nombre"}
    customer = call("POST", "/v1/customers", key=tenant.test_key, body=body).body
    assert [w["field"] for w in customer["warnings"]] == ["name"]
    patched = call("PATCH", f"/v1/customers/{customer['id']}", key=tenant.test_key, body={"name": "Otro"}).body
    assert patched["warnings"] == [] and patched["registry_checked_at"] == customer["registry_checked_at"]
    refreshed = call("POST", f"/v1/customers/{customer['id']}/refresh", key=tenant.test_key).body
    assert [w["field"] for w in refreshed["warnings"]] == ["name"]  # checked again
    plain = {"document_type": "CUIT", "document_number": EXENTO, "name": "Fundación", "iva_condition": "exento"}
    never_read = call("POST", "/v1/customers", key=tenant.test_key, body=plain).body
    assert never_read["registry_checked_at"] is None
    arca.faults.inject("http_503", service=padron.A5)
    down = call("POST", f"/v1/customers/{never_read['id']}/refresh", key=tenant.test_key)
    assert down.status == 503 and down.headers["Retry-After"]
    cached = call("POST", f"/v1/customers/{customer['id']}/refresh", key=tenant.test_key)
    assert cached.status == 200  # the cache answers what it has


def test_a_ticket_the_registry_rejects_is_renewed_once(tenant, arca):
    lookup(tenant, RI)
    arca.settings.reuse_window_seconds = 0
    arca.tickets.reset()  # ARCA no longer knows the ticket we hold
    again = lookup(tenant, EXENTO)
    assert again.status == 200, again.body
    assert arca.tickets.issued == 1  # the new one, for the same service


def test_many_lookups_at_once_log_in_once_and_each_keeps_its_own_answer(tenant, arca):
    """What a billing run asks about its customers: one WSAA login, one registry call per CUIT, and each number's own
    answer or error, as lookup() alone would give it."""
    from billing.domain.errors import InvalidField, NotFound
    from billing.services import taxpayers

    scope = Scope(tenant.tenant.tenant_id, Mode.TEST)
    arca_tickets._memory.clear()
    calls, logins = arca.padron.calls, arca.tickets.issued
    answers = taxpayers.lookup_many(scope, [RI, MONOTRIBUTISTA, "20111111112", "12", RI, "30.123.456"])
    assert list(answers) == [RI, MONOTRIBUTISTA, "20111111112", "12", "30.123.456"]
    assert answers[RI].taxpayer.name == "PROVEEDORA DEL SUR SA"
    assert answers[MONOTRIBUTISTA].taxpayer.iva_condition == "monotributo"
    assert answers["30.123.456"].taxpayer.tax_id == CONSUMIDOR  # a DNI through A13, as lookup() resolves it
    assert isinstance(answers["20111111112"], NotFound) and isinstance(answers["12"], InvalidField)
    assert arca.padron.calls == calls + 5  # three CUITs, the DNI (A13) and its CUIT; the invalid number never asked
    assert arca.tickets.issued - logins == 2  # A5's ticket once for all of them, and A13's for the DNI
    again = taxpayers.lookup_many(scope, [RI, MONOTRIBUTISTA])
    assert all(found.cached for found in again.values()) and arca.padron.calls == calls + 5
