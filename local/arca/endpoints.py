"""The two SOAP endpoints, from request bytes to a Reply: envelope and routing rules of each server (Axis for WSAA,
ASMX for WSFEv1; arcasim wsaa.md 1.3/6.3, wsfev1.md 1.2), injected faults, then the service itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from local.arca import faults, padron, soap
from local.arca.wsaa import LoginFault
from local.arca.wsfe import OPERATIONS
from local.arca.wsfe_request import NS as WSFE_NS
from local.arca.wsfe_request import MalformedRequest
from local.arca.wsfe_response import header_info

AXIS = "http://xml.apache.org/axis/"
WSAA_NS = "http://wsaa.view.sua.dvadac.desein.afip.gov"
WSAA_HOSTNAME = "arca-sim.local"  # real faults name the WSAA node (wsaaext0.homo.afip.gov.ar)
LOGIN_FAULT_CLASS = "gov.afip.desein.dvadac.sua.view.wsaa.LoginFault"
DEFAULT_WSAA_FAULT = "wsaa.unavailable"
DEFAULT_WSFE_FAULT = "Server was unable to process request. ---> System.Exception: Error interno del servidor."
UNREADABLE_REQUEST = (
    "Server was unable to read request. ---> System.InvalidOperationException: There is an error in XML document. "
    "---> System.FormatException: Input string was not in a correct format."
)
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str | None = None
    body: bytes = b""
    hold: faults.FaultRule | None = None  # timeout_after_commit: do not answer at all
    operation: str | None = None  # for the log line


def http_error(status: int) -> Reply:
    """What a failing load balancer or web server answers: not SOAP, not even XML."""
    text = {500: "Internal Server Error", 503: "Service Unavailable"}[status]
    return Reply(status, "text/plain; charset=utf-8", f"{status} {text}".encode())


def _injected(rule: faults.FaultRule | None) -> Reply | None:
    if rule is not None and rule.kind in (faults.HTTP_500, faults.HTTP_503):
        return http_error(500 if rule.kind == faults.HTTP_500 else 503)
    return None


# ------------------------------------------------------------------------------------------------------------ WSAA


def axis_fault(version: str, code: str, message: str, login_fault: bool = True) -> Reply:
    detail = []
    if login_fault:
        name = etree.Element(f"{{{AXIS}}}exceptionName", nsmap={"ns2": AXIS})
        name.text = LOGIN_FAULT_CLASS
        detail.append(name)
    host = etree.Element(f"{{{AXIS}}}hostname", nsmap={"ns3": AXIS})
    host.text = WSAA_HOSTNAME
    detail.append(host)
    namespaces = {"ns1": AXIS} if code.startswith("ns1:") else None
    body = soap.fault(version, code, message, code_namespaces=namespaces, detail=detail, prefix="soapenv")
    return Reply(500, soap.CONTENT_TYPES[version], body, operation="loginCms")


def wsaa_reply(app, headers, data: bytes) -> Reply:
    """loginCms over SOAP 1.1 or 1.2; every refusal is an Axis fault with HTTP 500."""
    try:
        request = soap.parse(data)
    except soap.MalformedEnvelope as error:
        return axis_fault(
            soap.version_of(headers.get("Content-Type")),
            "soapenv:Server.userException",
            f"org.xml.sax.SAXParseException: {error}",
            login_fault=False,
        )
    if request.version == soap.SOAP11 and headers.get("SOAPAction") is None:
        return axis_fault(request.version, "ns1:Client.NoSOAPAction", "no SOAPAction header!", login_fault=False)
    rule = app.faults.pick("wsaa", "loginCms", faults.BEFORE)
    if _injected(rule):
        return _injected(rule)
    if rule is not None:  # soap_fault
        code = rule.code or DEFAULT_WSAA_FAULT
        return axis_fault(request.version, f"ns1:{code}", rule.message or LoginFault(code).message)
    # Axis does not check the element's namespace, only that in0 is there.
    in0 = next((child for child in request.operation if etree.QName(child).localname == "in0"), None)
    if in0 is None:
        return axis_fault(
            request.version,
            "soapenv:Server.userException",
            "javax.ejb.EJBException: java.lang.NullPointerException",
            login_fault=False,
        )
    try:
        ticket = app.wsaa.login_cms(in0.text or "")
    except LoginFault as fault:
        return axis_fault(request.version, f"ns1:{fault.code}", fault.message)
    answer = etree.Element(f"{{{WSAA_NS}}}loginCmsResponse", nsmap={None: WSAA_NS})
    etree.SubElement(answer, f"{{{WSAA_NS}}}loginCmsReturn").text = ticket  # escaped as text, like the real one
    body = soap.envelope(request.version, answer, prefix="soapenv")
    return Reply(200, soap.CONTENT_TYPES[request.version], body, operation="loginCms")


# ---------------------------------------------------------------------------------------------------------- WSFEv1


def asmx_fault(version: str, code: str, message: str, operation: str | None = None) -> Reply:
    return Reply(500, soap.CONTENT_TYPES[version], soap.fault(version, code, message), operation=operation)


def requested_action(version: str, headers) -> str | None:
    """SOAPAction (1.1) or the Content-Type's action parameter (1.2), without quotes; None when absent."""
    if version == soap.SOAP11:
        action = headers.get("SOAPAction")
    else:
        parameters = (headers.get("Content-Type") or "").split(";")[1:]
        action = next((p.split("=", 1)[1] for p in parameters if p.strip().lower().startswith("action=")), None)
    action = (action or "").strip().strip('"')
    return action or None


def wsfe_reply(app, headers, data: bytes) -> Reply:
    """A WSFEv1 call; business errors are answers (HTTP 200), only unreadable requests are faults."""
    try:
        request = soap.parse(data)
    except soap.MalformedEnvelope:
        return Reply(400)  # ASMX answers malformed XML with an empty 400
    action = requested_action(request.version, headers)
    if action is not None:
        operation = action.rsplit("/", 1)[-1]
        if not action.startswith(WSFE_NS) or operation not in OPERATIONS:
            return asmx_fault(
                request.version,
                soap.client_code(request.version),
                f"System.Web.Services.Protocols.SoapException: Server did not recognize the value of HTTP Header "
                f"SOAPAction: {action}.",
            )
    else:  # ASMX routes by the body element when there is no action
        operation = etree.QName(request.operation).localname
        if operation not in OPERATIONS:
            return asmx_fault(
                request.version,
                soap.client_code(request.version),
                f"Server did not recognize the value of HTTP Header SOAPAction: {operation}.",
            )
    rule = app.faults.pick("wsfe", operation, faults.BEFORE)
    if _injected(rule):
        return _injected(rule)
    if rule is not None and rule.kind == faults.SOAP_FAULT:
        return asmx_fault(
            request.version, soap.server_code(request.version), rule.message or DEFAULT_WSFE_FAULT, operation
        )
    try:
        if rule is not None:  # error_501 / error_502
            answer = app.wsfe.internal_error(operation, 501 if rule.kind == faults.ERROR_501 else 502)
        else:
            answer = app.wsfe.answer(operation, request.operation)
    except MalformedRequest:
        return asmx_fault(request.version, soap.client_code(request.version), UNREADABLE_REQUEST, operation)
    if app.settings.misencoded_messages:
        _misencode_messages(answer)
    hold = app.faults.pick("wsfe", operation, faults.AFTER)
    body = soap.envelope(request.version, answer, header=header_info(app.clock.now()))
    return Reply(200, soap.CONTENT_TYPES[request.version], body, hold=hold, operation=operation)


def _misencode_messages(answer: etree._Element) -> None:
    """Every Msg as its UTF-8 bytes read as latin-1: "Número" arrives as "NÃºmero"."""
    for element in answer.iter(f"{{{WSFE_NS}}}Msg"):
        if element.text:
            element.text = element.text.encode("utf-8").decode("latin-1")


def internal_error(service: str, headers, error: Exception) -> Reply:
    """What each server answers when it breaks: Axis's wsaa.internalError, ASMX's soap:Server fault."""
    version = soap.version_of(headers.get("Content-Type"))
    if service == "wsaa":
        return axis_fault(version, "ns1:wsaa.internalError", LoginFault("wsaa.internalError").message)
    message = f"Server was unable to process request. ---> {type(error).__name__}: {error}"
    return asmx_fault(version, soap.server_code(version), message)


# --------------------------------------------------------------------------------------------------- padrón A5/A13


def cxf_fault(version: str, service: str, message: str, operation: str | None = None) -> Reply:
    """An SRValidationException the way the registry's CXF servers send it: soap:Server, the text, the detail."""
    namespace = padron.NAMESPACES[service]
    detail = etree.Element(f"{{{namespace}}}SRValidationException", nsmap={"ns1": namespace})
    body = soap.fault(version, soap.server_code(version), message, detail=[detail])
    return Reply(500, soap.CONTENT_TYPES[version], body, operation=operation)


def padron_reply(app, service: str, headers, data: bytes) -> Reply:
    """A registry call (SOAP 1.1 only, like the WSDLs' bindings); faults are SRValidationException."""
    try:
        request = soap.parse(data)
    except soap.MalformedEnvelope as error:
        return cxf_fault(soap.version_of(headers.get("Content-Type")), service, f"Unmarshalling Error: {error}")
    operation = etree.QName(request.operation).localname
    if (
        etree.QName(request.operation).namespace != padron.NAMESPACES[service]
        or operation not in padron.OPERATIONS[service]
    ):
        return cxf_fault(request.version, service, f"Unexpected wrapper element {request.operation.tag} found.")
    rule = app.faults.pick(service, operation, faults.BEFORE)
    if _injected(rule):
        return _injected(rule)
    if rule is not None:  # soap_fault
        return cxf_fault(request.version, service, rule.message or padron.UNAVAILABLE, operation)
    try:
        answer = app.padron.answer(service, request.operation)
    except padron.SRValidationException as refusal:
        return cxf_fault(request.version, service, str(refusal), operation)
    return Reply(200, soap.CONTENT_TYPES[request.version], soap.envelope(request.version, answer), operation=operation)
