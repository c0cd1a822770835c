"""SOAP 1.1 and 1.2 envelopes: read a request's body element, write answers and faults in the request's version."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
CONTENT_TYPES = {SOAP11: "text/xml; charset=utf-8", SOAP12: "application/soap+xml; charset=utf-8"}
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
# Refuse entities and network access: requests come from tests, but the parser should not do either anyway.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


class MalformedEnvelope(ValueError):
    pass


@dataclass(frozen=True)
class Request:
    version: str  # SOAP11 or SOAP12, the envelope namespace
    operation: etree._Element  # the first element of the Body


def parse(data: bytes) -> Request:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise MalformedEnvelope(str(error)) from None
    version = etree.QName(root).namespace
    if etree.QName(root).localname != "Envelope" or version not in CONTENT_TYPES:
        raise MalformedEnvelope("not a SOAP envelope")
    body = root.find(f"{{{version}}}Body")
    operation = next((child for child in body if isinstance(child.tag, str)), None) if body is not None else None
    if operation is None:
        raise MalformedEnvelope("empty SOAP body")
    return Request(version, operation)


def version_of(content_type: str) -> str:
    """The SOAP version a Content-Type announces (for answers to requests that could not be parsed)."""
    return SOAP12 if "application/soap+xml" in (content_type or "") else SOAP11


def envelope(version: str, body: etree._Element, header: etree._Element | None = None, prefix: str = "soap") -> bytes:
    root = etree.Element(f"{{{version}}}Envelope", nsmap={prefix: version, "xsi": XSI, "xsd": XSD})
    if header is not None:
        etree.SubElement(root, f"{{{version}}}Header").append(header)
    etree.SubElement(root, f"{{{version}}}Body").append(body)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def fault(
    version: str,
    code: str,
    message: str,
    *,
    code_namespaces: dict[str, str] | None = None,
    detail: list[etree._Element] = (),
    prefix: str = "soap",
) -> bytes:
    """A Fault whose code is a QName text (`ns1:cms.bad`); its prefix is declared on the code element."""
    element = etree.Element(f"{{{version}}}Fault", nsmap={prefix: version})
    if version == SOAP11:
        etree.SubElement(element, "faultcode", nsmap=code_namespaces).text = code
        etree.SubElement(element, "faultstring").text = message
        if detail:
            etree.SubElement(element, "detail").extend(detail)
    else:
        code_element = etree.SubElement(element, f"{{{version}}}Code", nsmap=code_namespaces)
        etree.SubElement(code_element, f"{{{version}}}Value").text = code
        reason = etree.SubElement(element, f"{{{version}}}Reason")
        text = etree.SubElement(reason, f"{{{version}}}Text")
        text.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
        text.text = message
        if detail:
            etree.SubElement(element, f"{{{version}}}Detail").extend(detail)
    return envelope(version, element, prefix=prefix)


def client_code(version: str) -> str:
    """The standard 'the request is wrong' fault code of each version, with the envelope's prefix."""
    return "soap:Client" if version == SOAP11 else "soap:Sender"


def server_code(version: str) -> str:
    return "soap:Server" if version == SOAP11 else "soap:Receiver"
