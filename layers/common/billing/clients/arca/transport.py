"""HTTP for zeep: bounded timeouts, and the weak-DH TLS concession scoped to ARCA's production hosts only."""

import logging
import ssl
from functools import lru_cache

import requests
from requests.adapters import HTTPAdapter
from zeep.transports import Transport

from billing.clients.arca.timeouts import CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS

# zeep logs whole SOAP messages at DEBUG: they carry tokens, signatures and CMS. Never let them through.
logging.getLogger("zeep").setLevel(logging.INFO)

# servicios1 (production WSFEv1) still negotiates Diffie-Hellman parameters that OpenSSL's default security
# level refuses ("dh key too small"); WSAA production shares the domain. Homologation is not affected.
WEAK_DH_HOSTS = ("https://servicios1.afip.gov.ar/", "https://wsaa.afip.gov.ar/")


class LegacyDhAdapter(HTTPAdapter):
    """Accepts ARCA production's small DH keys (SECLEVEL=1) while still verifying certificates and hostnames."""

    def init_poolmanager(self, *args, **kwargs):
        context = ssl.create_default_context()
        context.set_ciphers("DEFAULT@SECLEVEL=1")
        kwargs["ssl_context"] = context
        return super().init_poolmanager(*args, **kwargs)


def arca_session() -> requests.Session:
    session = requests.Session()
    for prefix in WEAK_DH_HOSTS:
        session.mount(prefix, LegacyDhAdapter())
    return session


@lru_cache(maxsize=1)
def arca_transport() -> Transport:
    """One transport (and connection pool) per container."""
    return Transport(
        session=arca_session(),
        timeout=CONNECT_TIMEOUT_SECONDS,
        operation_timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
    )
