"""The key generated for a CSR lives in Secrets Manager only while it waits for its certificate: it is removed,
every version of it, once a certificate completes it or another key replaces it."""

import json

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.support import certificates as certs
from tests.support.api import call


def stored_public_keys() -> list:
    """The public half of every private key kept in any version of any secret."""
    client = boto3.client("secretsmanager")
    found = []
    for secret in client.list_secrets()["SecretList"]:
        for version in client.list_secret_version_ids(SecretId=secret["ARN"], IncludeDeprecated=True)["Versions"]:
            value = json.loads(
                client.get_secret_value(SecretId=secret["ARN"], VersionId=version["VersionId"])["SecretString"]
            )
            key = serialization.load_pem_private_key(value["private_key_pem"].encode(), None)
            found.append(key.public_key().public_numbers())
    return found


def new_csr(account) -> str:
    created = call("POST", "/v1/setup/certificate/csr", key=account.test_key, body={})
    assert created.status == 201, created.body
    return created.body["csr"]


def public_key_of_csr(pem: str):
    return x509.load_pem_x509_csr(pem.encode()).public_key().public_numbers()


def test_a_new_csr_removes_the_key_of_the_one_it_replaces(account):
    first = new_csr(account)
    assert stored_public_keys() == [public_key_of_csr(first)]
    second = new_csr(account)
    assert stored_public_keys() == [public_key_of_csr(second)]  # no version of any secret keeps the first
    reply = call("PUT", "/v1/setup/certificate", key=account.test_key, body={"certificate": certs.sign_csr(first)})
    assert (reply.status, reply.error["code"]) == (422, "key_mismatch")  # the first CSR cannot be completed anymore
    reply = call("PUT", "/v1/setup/certificate", key=account.test_key, body={"certificate": certs.sign_csr(second)})
    assert reply.status == 200, reply.body


def test_the_certificate_that_completes_a_csr_leaves_only_the_pair(account):
    csr = new_csr(account)
    reply = call("PUT", "/v1/setup/certificate", key=account.test_key, body={"certificate": certs.sign_csr(csr)})
    assert reply.status == 200, reply.body
    names = [s["Name"] for s in boto3.client("secretsmanager").list_secrets()["SecretList"]]
    assert [name.rsplit("/", 1)[-1] for name in names] == ["arca-certificate"]
    assert stored_public_keys() == [public_key_of_csr(csr)]
    again = call("PUT", "/v1/setup/certificate", key=account.test_key, body={"certificate": certs.sign_csr(csr)})
    assert (again.status, again.error["code"]) == (422, "missing_field")  # the pending key is gone


def test_a_certificate_uploaded_with_its_own_key_removes_the_pending_one(account):
    csr = new_csr(account)
    other = certs.issue("30712345671")
    body = {"certificate": other.certificate_pem, "private_key": other.private_key_pem}
    reply = call("PUT", "/v1/setup/certificate", key=account.test_key, body=body)
    assert reply.status == 200, reply.body
    assert public_key_of_csr(csr) not in stored_public_keys()


def test_a_refused_certificate_keeps_the_pending_key(account):
    csr = new_csr(account)
    other = certs.issue("30712345671")
    reply = call("PUT", "/v1/setup/certificate", key=account.test_key, body={"certificate": other.certificate_pem})
    assert reply.status == 422
    assert stored_public_keys() == [public_key_of_csr(csr)]
