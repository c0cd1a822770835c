"""Puts ARCA's WSDL files into the layer at build time, so no function fetches them at cold start.

    python fetch_wsdl.py OUT_DIR                 download them from ARCA's published endpoints
    python fetch_wsdl.py OUT_DIR --from DIR      copy them from DIR (e.g. files obtained and reviewed beforehand)

Standard library only: it runs in whatever Python `sam build` uses.
"""

import argparse
import ssl
import sys
import urllib.request
from pathlib import Path

SOURCES = {
    "wsaa.wsdl": "https://wsaahomo.afip.gov.ar/ws/services/LoginCms?wsdl",
    "wsfev1.wsdl": "https://wswhomo.afip.gov.ar/wsfev1/service.asmx?WSDL",
    "wsfev1-production.wsdl": "https://servicios1.afip.gov.ar/wsfev1/service.asmx?WSDL",
    "padron-a5.wsdl": "https://awshomo.afip.gov.ar/sr-padron/webservices/personaServiceA5?WSDL",
    "padron-a13.wsdl": "https://awshomo.afip.gov.ar/sr-padron/webservices/personaServiceA13?WSDL",
}
# servicios1 negotiates weak Diffie-Hellman parameters (see billing/clients/arca/transport.py).
WEAK_DH_HOSTS = ("servicios1.afip.gov.ar",)
EXPECTED_OPERATIONS = {
    "wsaa.wsdl": "loginCms",
    "wsfev1.wsdl": "FECAESolicitar",
    "wsfev1-production.wsdl": "FECAESolicitar",
    "padron-a5.wsdl": "getPersona_v2",
    "padron-a13.wsdl": "getIdPersonaListByDocumento",
}


def _context(url: str) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if any(f"//{host}/" in url for host in WEAK_DH_HOSTS):
        context.set_ciphers("DEFAULT@SECLEVEL=1")
    return context


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30, context=_context(url)) as response:
        return response.read()


def fetch(out_dir: Path, source_dir: Path | None = None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, url in SOURCES.items():
        content = (source_dir / name).read_bytes() if source_dir else _download(url)
        if EXPECTED_OPERATIONS[name].encode() not in content:
            sys.exit(f"{name}: not the expected WSDL (no {EXPECTED_OPERATIONS[name]}); nothing written")
        (out_dir / name).write_bytes(content)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--from", dest="source_dir", type=Path)
    args = parser.parse_args(argv)
    fetch(args.out_dir, args.source_dir)


if __name__ == "__main__":
    main()
