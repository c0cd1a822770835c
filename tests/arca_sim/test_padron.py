"""The registry (padrón A5 and A13) of the simulator through real zeep clients built from the shared WSDLs:
tickets per service, the test people, faults, and every answer valid against the WSDL's own schema."""

import copy

import pytest
import requests
from lxml import etree
from zeep import Client
from zeep.exceptions import Fault, TransportError
from zeep.transports import Transport

from local.arca import padron
from local.arca.wsdl import DEFAULT_WSDL_DIR
from tests.arca_sim import clients

A5_BINDING = "{http://a5.soap.ws.server.puc.sr/}PersonaServiceA5SoapBinding"
A13_BINDING = "{http://a13.soap.ws.server.puc.sr/}PersonaServiceA13SoapBinding"


def _client(name: str, binding: str, address: str):
    return Client(str(DEFAULT_WSDL_DIR / name), transport=Transport(operation_timeout=10)).create_service(
        binding, address
    )


@pytest.fixture
def a5(sim):
    return _client("padron-a5.wsdl", A5_BINDING, f"{sim.padron_url}/personaServiceA5")


@pytest.fixture
def a13(sim):
    return _client("padron-a13.wsdl", A13_BINDING, f"{sim.padron_url}/personaServiceA13")


def login(sim, issuer, service: str) -> dict:
    ta = etree.fromstring(clients.wsaa(sim).loginCms(in0=clients.sign(clients.tra(service), issuer)).encode())
    return {"token": ta.findtext("credentials/token"), "sign": ta.findtext("credentials/sign")}


def credentials(ticket: dict) -> dict:
    return {"token": ticket["token"], "sign": ticket["sign"], "cuitRepresentada": clients.CUIT}


def test_each_test_person_as_a5_has_them(sim, issuer, a5):
    auth = credentials(login(sim, issuer, padron.A5))
    company = a5.getPersona_v2(**auth, idPersona=30711111111)
    assert company.datosGenerales.razonSocial == "PROVEEDORA DEL SUR SA"
    assert company.datosGenerales.estadoClave == "ACTIVO"
    assert company.datosGenerales.domicilioFiscal.idProvincia == 0
    assert {tax.idImpuesto for tax in company.datosRegimenGeneral.impuesto} == {10, 30}
    monotributista = a5.getPersona_v2(**auth, idPersona=20246813575)
    assert monotributista.datosMonotributo.categoriaMonotributo.idImpuesto == 20
    assert monotributista.datosRegimenGeneral is None
    incomplete = a5.getPersona_v2(**auth, idPersona=20333333334)
    assert incomplete.datosGenerales is None and len(incomplete.errorConstancia.error) == 2
    with pytest.raises(Fault, match=padron.NOT_FOUND):
        a5.getPersona_v2(**auth, idPersona=20111111112)


def test_a13_finds_the_cuil_of_a_dni(sim, issuer, a13):
    auth = credentials(login(sim, issuer, padron.A13))
    assert a13.getIdPersonaListByDocumento(**auth, documento="30123456").idPersona == [20301234563]
    person = a13.getPersona(**auth, idPersona=20301234563).persona
    assert (person.apellido, person.numeroDocumento) == ("PEREZ", "30123456")
    with pytest.raises(Fault, match=padron.NO_DOCUMENT):
        a13.getIdPersonaListByDocumento(**auth, documento="99999999")


def test_a_ticket_is_for_its_own_service_only(sim, issuer, a5, a13):
    wsfe_ticket = clients.login(sim, issuer)
    with pytest.raises(Fault, match="Id Sistema"):
        a5.getPersona_v2(**credentials(wsfe_ticket), idPersona=30711111111)
    a13_ticket = login(sim, issuer, padron.A13)
    with pytest.raises(Fault, match="Id Sistema"):
        a5.getPersona_v2(**credentials(a13_ticket), idPersona=30711111111)
    assert a13.getPersona(**credentials(a13_ticket), idPersona=30711111111).persona.idPersona == 30711111111


def test_a_certificate_not_associated_with_the_service_cannot_log_in(sim, issuer):
    sim.settings.update({"unauthorized_services": {str(clients.CUIT): [padron.A5]}})
    with pytest.raises(Fault) as refused:
        login(sim, issuer, padron.A5)
    assert "coe.notAuthorized" in refused.value.code
    assert login(sim, issuer, padron.A13)["token"]  # the other service is still fine


def test_seeded_people_and_faults(sim, issuer, a5):
    auth = credentials(login(sim, issuer, padron.A5))
    sim.padron.registry.add(padron.Person(20404040406, apellido="NUEVA", nombre="PERSONA", impuestos=[30]))
    assert a5.getPersona_v2(**auth, idPersona=20404040406).datosGenerales.apellido == "NUEVA"
    sim.faults.inject("http_503", service=padron.A5, times=1)
    with pytest.raises(TransportError, match="503"):
        a5.getPersona_v2(**auth, idPersona=20404040406)
    sim.faults.inject("soap_fault", service=padron.A5, times=1)
    with pytest.raises(Fault, match="momentaneamente"):
        a5.getPersona_v2(**auth, idPersona=20404040406)
    sim.reset()
    with pytest.raises(Fault, match=padron.NOT_FOUND):
        a5.getPersona_v2(**credentials(login(sim, issuer, padron.A5)), idPersona=20404040406)


def test_requests_outside_the_schema_are_refused(sim, issuer):
    ticket = login(sim, issuer, padron.A5)
    envelope = (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        '<ns:getPersona_v2 xmlns:ns="http://a5.soap.ws.server.puc.sr/">'
        f"<token>{ticket['token']}</token><sign>{ticket['sign']}</sign>"
        "<cuitRepresentada>not-a-number</cuitRepresentada><idPersona>30711111111</idPersona>"
        "</ns:getPersona_v2></soap:Body></soap:Envelope>"
    )
    reply = requests.post(f"{sim.padron_url}/personaServiceA5", data=envelope, headers={"Content-Type": "text/xml"})
    assert reply.status_code == 500
    assert b"Unmarshalling Error" in reply.content and b"SRValidationException" in reply.content


@pytest.mark.parametrize("person_id", [p.id for p in padron.TEST_PEOPLE])
def test_every_answer_is_valid_against_the_wsdl_schema(sim, person_id):
    schema = padron.load_schema(DEFAULT_WSDL_DIR, padron.A5)
    person = sim.padron.registry.get(person_id)
    response = etree.Element(f"{{{padron.NAMESPACES[padron.A5]}}}getPersona_v2Response")
    persona = sim.padron._a5_persona(person, "personaReturn")
    persona.append(sim.padron._metadata())
    response.append(persona)
    assert schema.validate(etree.ElementTree(copy.deepcopy(response))), schema.error_log
    schema13 = padron.load_schema(DEFAULT_WSDL_DIR, padron.A13)
    response13 = etree.Element(f"{{{padron.NAMESPACES[padron.A13]}}}getPersonaResponse")
    answer = etree.SubElement(response13, "personaReturn")
    answer.append(sim.padron._metadata())
    answer.append(sim.padron._a13_persona(person))
    assert schema13.validate(etree.ElementTree(copy.deepcopy(response13))), schema13.error_log


def test_the_wsdls_are_served_with_the_simulator_address(sim):
    wsdl = requests.get(f"{sim.padron_url}/personaServiceA13?WSDL").content
    assert f'location="{sim.padron_url}/personaServiceA13"'.encode() in wsdl


def test_production_has_its_own_registry_and_tickets(sim, issuer, a5):
    production_a5 = _client("padron-a5-production.wsdl", A5_BINDING, f"{sim.production_padron_url}/personaServiceA5")
    production_wsaa = clients._client("wsaa.wsdl", 10).create_service(clients.WSAA_BINDING, sim.production_wsaa_url)
    ta = etree.fromstring(production_wsaa.loginCms(in0=clients.sign(clients.tra(padron.A5), issuer)).encode())
    production_auth = credentials({"token": ta.findtext("credentials/token"), "sign": ta.findtext("credentials/sign")})
    homologation_auth = credentials(login(sim, issuer, padron.A5))
    sim.production.padron.registry.add(padron.Person(20404040406, apellido="SOLO", nombre="PRODUCCION"))
    assert production_a5.getPersona_v2(**production_auth, idPersona=20404040406).datosGenerales.apellido == "SOLO"
    assert production_a5.getPersona_v2(**production_auth, idPersona=30711111111).datosGenerales.razonSocial
    with pytest.raises(Fault, match=padron.NOT_FOUND):
        a5.getPersona_v2(**homologation_auth, idPersona=20404040406)
    with pytest.raises(Fault, match=padron.TOKEN_PREFIX.strip()):  # a homologation ticket means nothing there
        production_a5.getPersona_v2(**homologation_auth, idPersona=30711111111)
    wsdl = requests.get(f"{sim.production_padron_url}/personaServiceA5?wsdl").content
    assert f'location="{sim.production_padron_url}/personaServiceA5"'.encode() in wsdl
    added = requests.post(
        f"{sim.base_url}/__simulator/taxpayers?environment=production", json={"id": 20505050509, "apellido": "OTRA"}
    ).json()
    assert 20505050509 in {person["id"] for person in added}
    listed = requests.get(f"{sim.base_url}/__simulator/taxpayers").json()
    assert 20505050509 not in {person["id"] for person in listed}
