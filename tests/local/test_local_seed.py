"""The demo tenant's certificate goes through the real flow: the API's CSR, the ARCA simulator's CA, the upload.

The API here is a stand-in that follows the contract of POST /v1/setup/certificate/csr and PUT /v1/setup/certificate
(the end-to-end tests run the real ones); the CA is the simulator's.
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from local import seed
from local.arca.ca import cuit_subject

SECRET = "sk_test_demo"


@dataclass
class Store:
    key: rsa.RSAPrivateKey | None = None
    uploads: list[dict] = field(default_factory=list)


class CertificateApi(BaseHTTPRequestHandler):
    """POST .../csr keeps a new key and answers 201 {"csr"}; PUT .../certificate takes a certificate for that key."""

    store: Store

    def do_POST(self):
        body = self._body()
        if self.path != "/v1/setup/certificate/csr" or body != {} or not self._authorized():
            return self._answer(400, {"error": "unexpected request"})
        self.store.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        builder = x509.CertificateSigningRequestBuilder().subject_name(cuit_subject("30712345671", "demo"))
        csr = builder.sign(self.store.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()
        self._answer(201, {"object": "certificate_signing_request", "csr": csr})

    def do_PUT(self):
        body = self._body()
        if self.path != "/v1/setup/certificate" or not self._authorized() or set(body) != {"certificate"}:
            return self._answer(400, {"error": "unexpected request"})
        certificate = x509.load_pem_x509_certificate(body["certificate"].encode())
        key = self.store.key
        if key is None or certificate.public_key().public_numbers() != key.public_key().public_numbers():
            return self._answer(422, {"error": "key_mismatch"})
        self.store.uploads.append(body)
        self._answer(200, {"object": "arca_certificate", "subject": certificate.subject.rfc4514_string()})

    def _authorized(self) -> bool:
        return self.headers.get("Authorization") == f"Bearer {SECRET}"

    def _body(self) -> dict:
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")

    def _answer(self, status: int, data: dict) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture
def store():
    return Store()


@pytest.fixture
def api(store):
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (CertificateApi,), {"store": store}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_certificate_is_requested_signed_and_uploaded_without_a_key(api, store, arca):
    answer = seed.certify(api, SECRET, arca.base_url)

    [upload] = store.uploads
    certificate = x509.load_pem_x509_certificate(upload["certificate"].encode())
    assert arca.ca.signed(certificate)
    assert certificate.subject == cuit_subject("30712345671", "demo")
    assert answer["object"] == "arca_certificate"


def test_a_failing_step_stops_the_seeding(api, store, arca):
    with pytest.raises(RuntimeError, match="400"):
        seed.certify(api, "sk_test_wrong", arca.base_url)
    assert store.uploads == []
