"""Injected failures, set from Python and over the control API, as a real zeep client experiences them."""

import json
import time
import urllib.request

import pytest
import requests
from zeep.exceptions import Fault, TransportError

from tests.arca_sim import clients


def control(sim, method: str, path: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{sim.base_url}/__simulator/{path}", data=data, method=method)
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def authorize(wsfe, ticket, number: int, day: str):
    return wsfe.FECAESolicitar(Auth=clients.auth(ticket), FeCAEReq=clients.cae_request(clients.invoice_c(number, day)))


def test_soap_fault_on_wsaa(sim, issuer):
    sim.faults.inject("soap_fault", service="wsaa", times=1)
    with pytest.raises(Fault) as raised:
        clients.login(sim, issuer)
    assert raised.value.code == "ns1:wsaa.unavailable"
    assert clients.login(sim, issuer)["token"]  # only the next call


def test_soap_fault_on_wsfe(sim, wsfe):
    sim.faults.inject("soap_fault", service="wsfe", operation="FEDummy", times=1)
    with pytest.raises(Fault) as raised:
        wsfe.FEDummy()
    assert raised.value.code == "soap:Server"
    assert wsfe.FEDummy().AppServer == "OK"


@pytest.mark.parametrize(("kind", "status"), [("http_500", 500), ("http_503", 503)])
def test_http_errors_for_the_next_calls(sim, wsfe, kind, status):
    sim.faults.inject(kind, times=2)
    for _ in range(2):
        with pytest.raises(TransportError) as raised:
            wsfe.FEDummy()
        assert raised.value.status_code == status
    assert wsfe.FEDummy().AppServer == "OK"


def test_a_probability_with_a_seed_is_reproducible(sim, wsfe):
    def outcomes():
        sim.faults.seed(7)
        sim.faults.inject("http_503", probability=0.5)
        seen = []
        for _ in range(12):
            try:
                wsfe.FEDummy()
                seen.append("ok")
            except TransportError:
                seen.append("503")
        sim.faults.clear()
        return seen

    first = outcomes()
    assert "ok" in first and "503" in first
    assert outcomes() == first


@pytest.mark.parametrize("code", [501, 502])
def test_database_errors_authorize_nothing(sim, wsfe, ticket, today, code):
    sim.faults.inject(f"error_{code}", times=1)

    result = authorize(wsfe, ticket, 1, today)

    assert [err.Code for err in result.Errors.Err] == [code]
    assert result.FeCabResp is None
    assert sim.vouchers() == []
    assert authorize(wsfe, ticket, 1, today).FeCabResp.Resultado == "A"


def test_timeout_after_commit_holds_the_connection_until_the_client_gives_up(sim, ticket, today):
    sim.faults.inject("timeout_after_commit", times=1)
    impatient = clients.wsfe(sim, timeout=0.5)

    started = time.monotonic()
    with pytest.raises(requests.exceptions.Timeout):
        authorize(impatient, ticket, 1, today)

    assert time.monotonic() - started < 5
    [voucher] = sim.vouchers()  # ARCA authorized it: the client must find it with FECompConsultar
    wsfe = clients.wsfe(sim)
    found = wsfe.FECompConsultar(Auth=clients.auth(ticket), FeCompConsReq={"CbteTipo": 11, "CbteNro": 1, "PtoVta": 5})
    assert found.ResultGet.CodAutorizacion == voucher.cae
    assert authorize(wsfe, ticket, 1, today).FeCabResp.Resultado == "R"  # re-sending is a numbering error (10016)


def test_timeout_after_commit_can_drop_the_connection(sim, ticket, today):
    sim.faults.inject("timeout_after_commit", mode="drop", times=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        authorize(clients.wsfe(sim), ticket, 1, today)
    assert len(sim.vouchers()) == 1


def test_timeout_after_commit_only_hits_fecaesolicitar(sim, wsfe, ticket):
    sim.faults.inject("timeout_after_commit")
    assert wsfe.FECompTotXRequest(Auth=clients.auth(ticket)).RegXReq == 250
    with pytest.raises(ValueError):
        sim.faults.inject("error_502", operation="FEDummy")


def test_latency(sim, wsfe):
    sim.faults.set_latency(0.3)
    started = time.monotonic()
    wsfe.FEDummy()
    assert time.monotonic() - started >= 0.3


def test_control_api(sim, wsfe, ticket, today):
    state = control(sim, "POST", "faults", {"seed": 1, "rules": [{"kind": "http_503", "service": "wsfe", "times": 1}]})
    assert state["rules"][0]["kind"] == "http_503"
    with pytest.raises(TransportError):
        wsfe.FEDummy()

    authorize(wsfe, ticket, 1, today)
    authorize(clients.wsfe(sim), ticket, 1, today)  # rejected: not listed
    listed = control(sim, "GET", f"vouchers?cuit={clients.CUIT}&pto=5&tipo=11")
    assert [(v["cbte_desde"], v["result"], len(v["cae"])) for v in listed] == [(1, "A", 14)]
    assert listed[0]["detail"]["ImpTotal"] == "100"
    assert control(sim, "GET", "vouchers?tipo=6") == []

    assert control(sim, "POST", "settings", {"reg_x_req": 5})["reg_x_req"] == 5
    assert wsfe.FECompTotXRequest(Auth=clients.auth(ticket)).RegXReq == 5

    control(sim, "POST", "reset", {})
    assert control(sim, "GET", "vouchers") == []
    assert control(sim, "GET", "settings")["reg_x_req"] == 250
    assert control(sim, "GET", "faults") == {"latency_seconds": 0.0, "rules": []}


def test_control_api_refuses_unknown_knobs(sim):
    request = urllib.request.Request(
        f"{sim.base_url}/__simulator/faults", data=json.dumps({"rules": [{"kind": "meteor"}]}).encode(), method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)
    assert raised.value.code == 400
