"""The weak-DH TLS concession applies to ARCA's production hosts only, and never turns verification off."""

import ssl

from requests.adapters import HTTPAdapter

from billing.clients.arca.transport import LegacyDhAdapter, arca_session


def test_legacy_tls_only_for_arca_production_hosts():
    session = arca_session()
    for url in ("https://servicios1.afip.gov.ar/wsfev1/service.asmx", "https://wsaa.afip.gov.ar/ws/services/LoginCms"):
        assert isinstance(session.get_adapter(url), LegacyDhAdapter)
    for url in (
        "https://wswhomo.afip.gov.ar/wsfev1/service.asmx",
        "https://wsaahomo.afip.gov.ar/ws/services/LoginCms",
        "https://api.mercadopago.com/v1/payments",
        "https://servicios1.afip.gov.ar.example.com/",
    ):
        adapter = session.get_adapter(url)
        assert isinstance(adapter, HTTPAdapter) and not isinstance(adapter, LegacyDhAdapter)


def test_legacy_context_still_verifies_certificates_and_hostnames():
    adapter = arca_session().get_adapter("https://servicios1.afip.gov.ar/")
    context = adapter.poolmanager.connection_pool_kw["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.security_level == 1
