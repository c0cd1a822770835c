"""WSAA loginCms through a zeep client built from the shared wsaa.wsdl: the TA, and each fault in ARCA's order."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
import requests
from cryptography.hazmat.primitives.serialization import pkcs7
from lxml import etree
from zeep.exceptions import Fault

from local.arca.ca import TestCA
from local.arca.clock import ARGENTINA
from tests.arca_sim import clients


def login_fault(sim, in0: str) -> Fault:
    with pytest.raises(Fault) as raised:
        clients.wsaa(sim).loginCms(in0=in0)
    return raised.value


def assert_fault(fault: Fault, code: str, text: str | None = None):
    assert fault.code == f"ns1:{code}"
    if text:
        assert fault.message == text


def test_login_issues_a_twelve_hour_ticket_for_the_certificates_cuit(sim, issuer):
    ta = clients.login(sim, issuer)["ta"]

    assert ta.tag == "loginTicketResponse" and ta.get("version") == "1"
    generated = datetime.fromisoformat(ta.findtext("header/generationTime"))
    expires = datetime.fromisoformat(ta.findtext("header/expirationTime"))
    assert expires - generated == timedelta(hours=12)
    assert ta.findtext("header/generationTime").endswith("-03:00")
    assert len(ta.findtext("header/generationTime").split(".")[1]) == len("123-03:00")  # milliseconds
    assert abs(generated - datetime.now(UTC)) < timedelta(minutes=1)
    assert ta.findtext("header/destination") == f"SERIALNUMBER=CUIT {clients.CUIT}, CN=billing, O=Demo SRL, C=AR"
    sso = etree.fromstring(base64.b64decode(ta.findtext("credentials/token")))
    assert sso.tag == "sso" and sso.get("version") == "2.0"
    assert [r.get("key") for r in sso.iter("relation")] == [str(clients.CUIT)]
    assert [r.get("reltype") for r in sso.iter("relation")] == ["4"]
    assert sso.find("operation/login").get("service") == "wsfe"
    assert int(sso.find("id").get("exp_time")) == int(expires.timestamp())
    assert base64.b64decode(ta.findtext("credentials/sign"))


def test_the_ticket_is_escaped_text_in_login_cms_return(sim, issuer):
    envelope = (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:wsaa="http://wsaa.view.sua.dvadac.desein.afip.gov"><soapenv:Body><wsaa:loginCms>'
        f"<wsaa:in0>{clients.sign(clients.tra(), issuer)}</wsaa:in0></wsaa:loginCms></soapenv:Body></soapenv:Envelope>"
    )
    response = requests.post(sim.wsaa_url, data=envelope, headers={"SOAPAction": '""', "Content-Type": "text/xml"})

    assert response.status_code == 200
    assert "&lt;loginTicketResponse" in response.text
    returned = etree.fromstring(response.content).find(".//{http://wsaa.view.sua.dvadac.desein.afip.gov}loginCmsReturn")
    assert etree.fromstring(returned.text.encode()).tag == "loginTicketResponse"


def test_a_second_login_inside_the_reuse_window_is_refused(sim, issuer):
    sim.settings.reuse_window_seconds = 120
    clients.login(sim, issuer)

    fault = login_fault(sim, clients.sign(clients.tra(), issuer))
    assert_fault(fault, "coe.alreadyAuthenticated", "El CEE ya posee un TA valido para el acceso al WSN solicitado")

    sim.clock.advance(121)
    assert clients.login(sim, issuer)["token"]


def test_the_reuse_window_is_per_certificate(sim, issuer):
    clients.login(sim, issuer)
    other = sim.ca.issue(clients.CUIT, common_name="otro-servidor")
    assert clients.login(sim, other)["token"]


def test_without_a_reuse_window_logins_repeat(sim, issuer):
    sim.settings.reuse_window_seconds = 0
    first, second = clients.login(sim, issuer), clients.login(sim, issuer)
    assert first["token"] != second["token"]


def test_a_cuit_not_authorized_for_wsfe(sim, issuer):
    sim.settings.unauthorized_cuits = {clients.CUIT}
    assert_fault(login_fault(sim, clients.sign(clients.tra(), issuer)), "coe.notAuthorized")


@pytest.mark.parametrize(
    ("in0", "code"),
    [
        ("esto no es base64!", "cms.bad.base64"),
        ("", "cms.bad.base64"),
        (base64.b64encode(b"hello").decode(), "cms.bad"),
    ],
)
def test_undecodable_cms(sim, in0, code):
    assert_fault(login_fault(sim, in0), code)


def test_cms_without_the_signer_certificate(sim, issuer):
    fault = login_fault(sim, clients.sign(clients.tra(), issuer, pkcs7.PKCS7Options.NoCerts))
    assert_fault(fault, "cms.cert.notFound", "No se ha encontrado certificado de firmador")


def test_detached_signature(sim, issuer):
    fault = login_fault(sim, clients.sign(clients.tra(), issuer, pkcs7.PKCS7Options.DetachedSignature))
    assert_fault(fault, "cms.sign.invalid")


def test_content_changed_after_signing(sim, issuer):
    content = clients.tra()
    der = bytearray(base64.b64decode(clients.sign(content, issuer)))
    at = der.find(b"<service>wsfe")
    der[at + len("<service>")] = ord("W")
    assert_fault(login_fault(sim, base64.b64encode(der).decode()), "cms.sign.invalid")


def test_a_pem_body_is_accepted(sim, issuer):
    body = clients.sign(clients.tra(), issuer)
    pem = "-----BEGIN CMS-----\n" + "\n".join(body[i : i + 64] for i in range(0, len(body), 64)) + "\n-----END CMS-----"
    assert "loginTicketResponse" in clients.wsaa(sim).loginCms(in0=pem)


def test_expired_certificate(sim):
    now = datetime.now(UTC)
    expired = sim.ca.issue(clients.CUIT, not_before=now - timedelta(days=800), not_after=now - timedelta(days=1))
    assert_fault(login_fault(sim, clients.sign(clients.tra(), expired)), "cms.cert.expired")


def test_certificate_not_valid_yet(sim):
    future = sim.ca.issue(clients.CUIT, not_before=datetime.now(UTC) + timedelta(hours=1))
    fault = login_fault(sim, clients.sign(clients.tra(), future))
    assert_fault(fault, "cms.cert.invalid", "Certificado con fecha de generacion posterior a la actual")


def test_certificate_from_another_ca(sim, tmp_path):
    stranger = TestCA(tmp_path).issue(clients.CUIT)  # same CA name, other key: like a production certificate here
    fault = login_fault(sim, clients.sign(clients.tra(), stranger))
    assert_fault(fault, "cms.cert.untrusted", "Certificado no emitido por AC de confianza")


@pytest.mark.parametrize("content", [b"no soy XML", b"<otraCosa/>", b"<loginTicketRequest><service>wsfe</service>"])
def test_a_tra_that_is_not_a_login_ticket_request(sim, issuer, content):
    assert_fault(login_fault(sim, clients.sign(content, issuer)), "xml.bad")


@pytest.mark.parametrize(
    "tra",
    [
        pytest.param(lambda now: clients.tra(generation=now + timedelta(minutes=5)), id="in the future"),
        pytest.param(
            lambda now: clients.tra(generation=now - timedelta(hours=25), expiration=now + timedelta(minutes=5)),
            id="older than 24 h",
        ),
        pytest.param(lambda now: clients.tra(naive=True), id="without an offset"),
    ],
)
def test_invalid_generation_time(sim, issuer, tra):
    content = tra(datetime.now(ARGENTINA).replace(microsecond=0))
    assert_fault(login_fault(sim, clients.sign(content, issuer)), "xml.generationTime.invalid")


def test_expired_tra(sim, issuer):
    now = datetime.now(ARGENTINA).replace(microsecond=0)
    content = clients.tra(generation=now - timedelta(hours=2), expiration=now - timedelta(hours=1))
    assert_fault(login_fault(sim, clients.sign(content, issuer)), "xml.expirationTime.expired")


def test_unknown_service(sim, issuer):
    assert_fault(login_fault(sim, clients.sign(clients.tra(service="wsfex"), issuer)), "wsn.notFound")


def test_faults_follow_axis_shape(sim):
    envelope = (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
        "<loginCms><in0>%%%</in0></loginCms></soapenv:Body></soapenv:Envelope>"
    )
    response = requests.post(sim.wsaa_url, data=envelope, headers={"SOAPAction": "", "Content-Type": "text/xml"})

    assert response.status_code == 500
    fault = etree.fromstring(response.content).find(".//{http://schemas.xmlsoap.org/soap/envelope/}Fault")
    code = fault.find("faultcode")
    assert code.text == "ns1:cms.bad.base64"
    assert code.nsmap["ns1"] == "http://xml.apache.org/axis/"
    assert fault.findtext("faultstring") == "No se puede decodificar el BASE64"
    exception = fault.find("detail/{http://xml.apache.org/axis/}exceptionName")
    assert exception.text == "gov.afip.desein.dvadac.sua.view.wsaa.LoginFault"


def test_soap_11_without_soap_action_is_refused(sim, issuer):
    envelope = (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
        f"<loginCms><in0>{clients.sign(clients.tra(), issuer)}</in0></loginCms></soapenv:Body></soapenv:Envelope>"
    )
    response = requests.post(sim.wsaa_url, data=envelope, headers={"Content-Type": "text/xml"})

    assert response.status_code == 500
    assert b"ns1:Client.NoSOAPAction" in response.content
