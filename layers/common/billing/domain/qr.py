"""The official voucher QR (RG 4892/2020, docs/arca-rules.md 7): a URL carrying the voucher's data as base64 JSON,
version 1.

Numbers are JSON numbers; `importe` and `ctz` are written from their exact Decimal with only the digits the value
needs (12100, 65, 1234.5), never through a binary float. The JSON is compact, so the official example reproduces
byte for byte.
"""

import base64
import binascii
import json
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from billing.domain.money import RATE_QUANTUM, round_money

# The spec's own example and every library use this host (docs/arca-rules.md 7).
QR_URL = "https://www.afip.gob.ar/fe/qr/"
QR_VERSION = 1
AUTHORIZATION_CAE = "E"
AUTHORIZATION_CAEA = "A"


def qr_payload(
    *,
    issue_date: date,
    issuer_cuit: int | str,
    point_of_sale: int,
    voucher_type: int,
    number: int,
    total: Decimal,
    currency: str,
    exchange_rate: Decimal,
    authorization_code: int | str,
    receiver_doc_type: int | None = None,
    receiver_doc_number: int | str | None = None,
    authorization_type: str = AUTHORIZATION_CAE,
) -> dict:
    """The v1 payload in the spec's field order; the receiver fields only when there is a receiver document."""
    payload = {
        "ver": QR_VERSION,
        "fecha": issue_date.isoformat(),
        "cuit": int(issuer_cuit),
        "ptoVta": point_of_sale,
        "tipoCmp": voucher_type,
        "nroCmp": number,
        "importe": round_money(total),
        "moneda": currency,
        "ctz": exchange_rate.quantize(RATE_QUANTUM),
    }
    if receiver_doc_type is not None:
        payload["tipoDocRec"] = receiver_doc_type
        payload["nroDocRec"] = int(receiver_doc_number or 0)
    payload["tipoCodAut"] = authorization_type
    payload["codAut"] = int(authorization_code)
    return payload


def qr_payload_from_detail(
    detail: dict, *, issuer_cuit: int | str, point_of_sale: int, voucher_type: int, authorization_code: int | str
) -> dict:
    """The payload of an authorized voucher from the FECAEDetRequest it was authorized with."""
    raw_date = detail["CbteFch"]
    return qr_payload(
        issue_date=date(int(raw_date[:4]), int(raw_date[4:6]), int(raw_date[6:])),
        issuer_cuit=issuer_cuit,
        point_of_sale=point_of_sale,
        voucher_type=voucher_type,
        number=detail["CbteDesde"],
        total=detail["ImpTotal"],
        currency=detail["MonId"],
        exchange_rate=detail["MonCotiz"],
        authorization_code=authorization_code,
        receiver_doc_type=detail["DocTipo"],
        receiver_doc_number=detail["DocNro"],
    )


def payload_json(payload: dict) -> str:
    """Compact JSON (no spaces), Decimals as exact numbers without trailing zeros."""
    members = (f"{json.dumps(key)}:{_json_value(value)}" for key, value in payload.items())
    return "{" + ",".join(members) + "}"


def _json_value(value: object) -> str:
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, float):
        raise TypeError("QR amounts must be Decimal, never float")
    return json.dumps(value)


def json_number(value: Decimal) -> str:
    """12100.00 -> "12100", 65.000000 -> "65", 1234.50 -> "1234.5"."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def qr_url(payload: dict) -> str:
    """The text the QR encodes: URL?p=standard base64 with padding of the compact JSON."""
    encoded = base64.b64encode(payload_json(payload).encode()).decode("ascii")
    return f"{QR_URL}?p={encoded}"


def decode_qr_url(url: str) -> dict:
    """The payload a QR URL carries; decimals come back as Decimal. Raises ValueError for anything else."""
    values = parse_qs(urlsplit(url).query).get("p")
    if not values:
        raise ValueError("not a voucher QR URL: no p parameter")
    encoded = values[0].replace(" ", "+")  # a '+' of base64 read as a space when the URL was not percent-encoded
    try:
        text = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise ValueError(f"the p parameter is not base64 JSON: {error}") from None
    payload = json.loads(text, parse_float=Decimal)
    if not isinstance(payload, dict):
        raise ValueError("the QR payload is not a JSON object")
    return payload
