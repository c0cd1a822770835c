"""HTTP and SOAP transport: the WSDLs served with the simulator's address, routing, and unreadable requests."""

import pytest
import requests
from lxml import etree
from zeep import Client
from zeep.exceptions import Fault

from local.arca.wsdl import DEFAULT_WSDL_DIR
from tests.arca_sim import clients

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
FEV1 = "http://ar.gov.afip.dif.FEV1/"


def addresses(wsdl: bytes) -> list[str]:
    root = etree.fromstring(wsdl)
    return [element.get("location") for element in root.iter("{*}address")]


@pytest.mark.parametrize(("service", "query"), [("wsaa", "wsdl"), ("wsfe", "WSDL"), ("wsfe", "wsdl")])
def test_the_wsdl_is_served_with_the_simulators_address(sim, service, query):
    url = sim.wsaa_url if service == "wsaa" else sim.wsfe_url
    response = requests.get(f"{url}?{query}", timeout=5)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    assert set(addresses(response.content)) == {url}
    original = (DEFAULT_WSDL_DIR / ("wsaa.wsdl" if service == "wsaa" else "wsfev1.wsdl")).read_bytes()
    assert len(addresses(original)) == len(addresses(response.content))


def test_a_client_built_from_the_served_wsdl_talks_to_the_simulator(sim):
    client = Client(f"{sim.wsfe_url}?WSDL")
    assert client.service.FEDummy().AuthServer == "OK"
    assert len(client.wsdl.bindings[clients.WSFE_BINDING].all()) == 22


def test_pages_without_wsdl(sim):
    assert "AXIS service" in requests.get(sim.wsaa_url, timeout=5).text
    assert requests.get(sim.base_url + "/nothing", timeout=5).status_code == 404


def post(sim, envelope: str, action: str | None, version: str = SOAP11) -> requests.Response:
    headers = {"Content-Type": "text/xml; charset=utf-8"}
    if version == SOAP12:
        headers["Content-Type"] = "application/soap+xml; charset=utf-8" + (f'; action="{action}"' if action else "")
    elif action is not None:
        headers["SOAPAction"] = f'"{action}"'
    return requests.post(sim.wsfe_url, data=envelope.encode(), headers=headers, timeout=5)


def envelope(body: str, version: str = SOAP11) -> str:
    return f'<s:Envelope xmlns:s="{version}" xmlns:ar="{FEV1}"><s:Body>{body}</s:Body></s:Envelope>'


def test_routing_by_body_element_without_soap_action(sim):
    response = post(sim, envelope("<ar:FEDummy/>"), action=None)
    assert response.status_code == 200
    assert b"<AppServer>OK</AppServer>" in response.content
    header = etree.fromstring(response.content).find(f"{{{SOAP11}}}Header/{{{FEV1}}}FEHeaderInfo")
    assert header.findtext(f"{{{FEV1}}}fecha").endswith("-03:00")


def test_soap_12_answers_in_soap_12(sim):
    response = post(sim, envelope("<ar:FEDummy/>", SOAP12), action=FEV1 + "FEDummy", version=SOAP12)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/soap+xml")
    assert etree.fromstring(response.content).tag == f"{{{SOAP12}}}Envelope"


def test_an_unknown_soap_action_is_a_client_fault(sim):
    response = post(sim, envelope("<ar:FEDummy/>"), action=FEV1 + "FEXXX")
    assert response.status_code == 500
    fault = etree.fromstring(response.content).find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
    assert fault.findtext("faultcode") == "soap:Client"
    assert "Server did not recognize the value of HTTP Header SOAPAction" in fault.findtext("faultstring")


def test_malformed_xml_is_an_empty_400(sim):
    response = post(sim, "<s:Envelope", action=FEV1 + "FEDummy")
    assert (response.status_code, response.content) == (400, b"")


def test_a_number_that_does_not_parse_is_a_fault(sim, ticket):
    body = (
        f"<ar:FECompUltimoAutorizado><ar:Auth><ar:Token>{ticket['token']}</ar:Token><ar:Sign>{ticket['sign']}"
        f"</ar:Sign><ar:Cuit>{clients.CUIT}</ar:Cuit></ar:Auth><ar:PtoVta>abc</ar:PtoVta><ar:CbteTipo>11</ar:CbteTipo>"
        "</ar:FECompUltimoAutorizado>"
    )
    response = post(sim, envelope(body), action=FEV1 + "FECompUltimoAutorizado")
    assert response.status_code == 500
    assert b"Server was unable to read request" in response.content


def test_elements_outside_the_namespace_are_ignored(sim):
    body = "<ar:FECompTotXRequest><Auth><Token>x</Token><Sign>x</Sign><Cuit>1</Cuit></Auth></ar:FECompTotXRequest>"
    response = post(sim, envelope(body), action=FEV1 + "FECompTotXRequest")
    assert response.status_code == 200
    assert b"<Code>500</Code><Msg>Campo Auth no fue ingresado o esta mal formado.</Msg>" in response.content


def test_wsaa_answers_soap_12_faults_in_soap_12(sim):
    body = f'<s:Envelope xmlns:s="{SOAP12}"><s:Body><loginCms><in0>x</in0></loginCms></s:Body></s:Envelope>'
    response = requests.post(
        sim.wsaa_url, data=body, headers={"Content-Type": "application/soap+xml; charset=utf-8"}, timeout=5
    )
    assert response.status_code == 500
    code = etree.fromstring(response.content).find(f".//{{{SOAP12}}}Code/{{{SOAP12}}}Value")
    assert code.text == "ns1:cms.bad.base64"


def test_a_simulator_bug_is_a_server_fault_not_a_dropped_connection(sim, wsfe, monkeypatch):
    def broken(name, operation):
        raise RuntimeError("boom")

    monkeypatch.setattr(sim.wsfe, "answer", broken)
    with pytest.raises(Fault) as raised:
        wsfe.FEDummy()
    assert raised.value.code == "soap:Server"
    assert "RuntimeError: boom" in raised.value.message
