import base64
from datetime import date
from decimal import Decimal

import pytest

from billing.domain.qr import decode_qr_url, json_number, payload_json, qr_payload, qr_payload_from_detail, qr_url

# docs/arca-rules.md 7: the official example of the QR specification (also TEST_QR_DATA in pyafipws pyqr.py)
OFFICIAL_JSON = (
    '{"ver":1,"fecha":"2020-10-13","cuit":30000000007,"ptoVta":10,"tipoCmp":1,"nroCmp":94,"importe":12100,'
    '"moneda":"DOL","ctz":65,"tipoDocRec":80,"nroDocRec":20000000001,"tipoCodAut":"E","codAut":70417054367476}'
)
OFFICIAL_URL = (
    "https://www.afip.gob.ar/fe/qr/?p=eyJ2ZXIiOjEsImZlY2hhIjoiMjAyMC0xMC0xMyIsImN1aXQiOjMwMDAwMDAwMDA3LCJwdG9WdGEiOjEw"
    "LCJ0aXBvQ21wIjoxLCJucm9DbXAiOjk0LCJpbXBvcnRlIjoxMjEwMCwibW9uZWRhIjoiRE9MIiwiY3R6Ijo2NSwidGlwb0RvY1JlYyI6ODAsIm5y"
    "b0RvY1JlYyI6MjAwMDAwMDAwMDEsInRpcG9Db2RBdXQiOiJFIiwiY29kQXV0Ijo3MDQxNzA1NDM2NzQ3Nn0="
)


def official_payload(**changes) -> dict:
    arguments = {
        "issue_date": date(2020, 10, 13),
        "issuer_cuit": "30000000007",
        "point_of_sale": 10,
        "voucher_type": 1,
        "number": 94,
        "total": Decimal("12100.00"),
        "currency": "DOL",
        "exchange_rate": Decimal("65.000000"),
        "receiver_doc_type": 80,
        "receiver_doc_number": "20000000001",
        "authorization_code": "70417054367476",
    }
    return qr_payload(**(arguments | changes))


def test_reproduces_the_official_example_byte_for_byte():
    payload = official_payload()
    assert payload_json(payload) == OFFICIAL_JSON
    assert qr_url(payload) == OFFICIAL_URL


def test_decodes_the_official_example():
    payload = decode_qr_url(OFFICIAL_URL)
    assert payload["importe"] == 12100
    assert payload["ctz"] == 65
    assert payload["codAut"] == 70417054367476
    assert payload["fecha"] == "2020-10-13"


def test_decimals_are_exact_json_numbers_without_trailing_zeros():
    payload = official_payload(total=Decimal("1234.50"), exchange_rate=Decimal("1045.123400"))
    text = payload_json(payload)
    assert '"importe":1234.5,' in text
    assert '"ctz":1045.1234,' in text
    decoded = decode_qr_url(qr_url(payload))
    assert decoded["importe"] == Decimal("1234.5")
    assert decoded["ctz"] == Decimal("1045.1234")


def test_a_float_total_would_carry_artefacts_so_it_is_refused():
    payload = official_payload()
    payload["importe"] = 0.1 + 0.2
    with pytest.raises(TypeError):
        payload_json(payload)


def test_amounts_that_floats_get_wrong_stay_exact():
    payload = official_payload(total=Decimal("0.30"), exchange_rate=Decimal("1"))
    assert '"importe":0.3,"moneda":"DOL","ctz":1,' in payload_json(payload)


@pytest.mark.parametrize(
    ("value", "text"), [("12100.00", "12100"), ("0.00", "0"), ("0.10", "0.1"), ("65.000000", "65"), ("-0", "0")]
)
def test_json_number(value, text):
    assert json_number(Decimal(value)) == text


def test_base64_is_standard_with_padding():
    encoded = qr_url(official_payload()).split("?p=", 1)[1]
    assert encoded.endswith("=")
    assert base64.b64decode(encoded, validate=True).decode() == OFFICIAL_JSON


def test_receiver_fields_are_left_out_without_a_receiver_document():
    payload = official_payload(receiver_doc_type=None, receiver_doc_number=None)
    assert "tipoDocRec" not in payload
    assert "nroDocRec" not in payload
    assert list(payload)[-2:] == ["tipoCodAut", "codAut"]


def test_anonymous_consumidor_final_is_doc_99_number_0():
    payload = official_payload(receiver_doc_type=99, receiver_doc_number=None)
    assert (payload["tipoDocRec"], payload["nroDocRec"]) == (99, 0)


def test_caea_authorization_type():
    assert official_payload(authorization_type="A")["tipoCodAut"] == "A"


def test_payload_from_the_arca_detail():
    detail = {
        "CbteDesde": 94,
        "CbteFch": "20201013",
        "DocTipo": 80,
        "DocNro": 20000000001,
        "ImpTotal": Decimal("12100.00"),
        "MonId": "DOL",
        "MonCotiz": Decimal("65.000000"),
    }
    payload = qr_payload_from_detail(
        detail, issuer_cuit=30000000007, point_of_sale=10, voucher_type=1, authorization_code="70417054367476"
    )
    assert qr_url(payload) == OFFICIAL_URL


@pytest.mark.parametrize(
    "url", ["https://www.afip.gob.ar/fe/qr/", "https://www.afip.gob.ar/fe/qr/?p=%%%", "https://x/?p=WzFd"]
)
def test_decoder_rejects_what_is_not_a_voucher_qr(url):
    with pytest.raises(ValueError):
        decode_qr_url(url)
