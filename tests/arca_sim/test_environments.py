"""Homologation and production are two ARCA environments: their own tickets and their own numbering."""

import requests
from lxml import etree
from zeep import Client

from tests.arca_sim import clients


def production_wsaa(sim):
    return clients._client("wsaa.wsdl", 10).create_service(clients.WSAA_BINDING, sim.production_wsaa_url)


def production_wsfe(sim):
    return clients._client("wsfev1-production.wsdl", 10).create_service(clients.WSFE_BINDING, sim.production_wsfe_url)


def production_login(sim, issuer) -> dict:
    ta = etree.fromstring(production_wsaa(sim).loginCms(in0=clients.sign(clients.tra(), issuer)).encode())
    return {"token": ta.findtext("credentials/token"), "sign": ta.findtext("credentials/sign")}


def test_production_does_not_see_or_continue_homologations_numbering(sim, issuer, ticket, wsfe, today):
    authorized = wsfe.FECAESolicitar(
        Auth=clients.auth(ticket), FeCAEReq=clients.cae_request(clients.invoice_c(1, today))
    )
    assert authorized.FeCabResp.Resultado == "A"
    production = production_wsfe(sim)
    live_ticket = production_login(sim, issuer)

    assert production.FECompUltimoAutorizado(Auth=clients.auth(live_ticket), PtoVta=5, CbteTipo=11).CbteNro == 0
    consulted = production.FECompConsultar(
        Auth=clients.auth(live_ticket), FeCompConsReq={"CbteTipo": 11, "CbteNro": 1, "PtoVta": 5}
    )
    assert consulted.ResultGet is None and consulted.Errors.Err[0].Code == 602  # not found there
    first_live = production.FECAESolicitar(
        Auth=clients.auth(live_ticket), FeCAEReq=clients.cae_request(clients.invoice_c(1, today))
    )
    assert first_live.FeCabResp.Resultado == "A"  # number 1 again: production's own numbering
    assert [v.detail["CbteDesde"] for v in sim.vouchers(environment="production")] == [1]
    assert [v.detail["CbteDesde"] for v in sim.vouchers()] == [1]
    assert wsfe.FECompUltimoAutorizado(Auth=clients.auth(ticket), PtoVta=5, CbteTipo=11).CbteNro == 1
    listed = requests.get(f"{sim.base_url}/__simulator/vouchers?environment=production", timeout=5).json()
    assert [v["cae"] for v in listed] == [sim.vouchers(environment="production")[0].cae]


def test_a_ticket_of_one_environment_is_refused_by_the_other(sim, issuer, ticket):
    result = production_wsfe(sim).FECompUltimoAutorizado(Auth=clients.auth(ticket), PtoVta=5, CbteTipo=11)
    assert result.Errors.Err[0].Code == 600


def test_each_environment_serves_its_own_wsdl_addresses(sim):
    production = Client(f"{sim.production_wsfe_url}?WSDL")
    assert production.service._binding_options["address"] == sim.production_wsfe_url
    assert production.service.FEDummy().AppServer == "OK"
