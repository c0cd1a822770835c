"""Seeds the demo tenant: a tenant and test key through the shared package, then issuer, point of sale, the ARCA
certificate and the Mercado Pago connection (the simulator's demo seller, auto_link on) via HTTP, and the tenant itself
in the simulator's taxpayer registry (beside its test people). The certificate goes through the real flow: the API
generates the key and a CSR, the ARCA simulator's CA signs the CSR (as ARCA's WSASS would), and the certificate alone
is uploaded.

`run()` starts `python -m local.seed` in a subprocess with a function's environment, because the shared package
(PynamoDB models) binds table names and the endpoint when it is imported.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from local import logs
from local.mercadopago.accounts import DEMO as MERCADOPAGO_DEMO
from local.runtime import LAYER_DIR, function_environment
from local.state import write_json
from local.template import REPO_ROOT, Stack

TENANT = {"name": "Demo SRL", "cuit": "30712345671"}
ISSUER = {
    "legal_name": "Demo SRL",
    "iva_condition": "responsable_inscripto",
    "fiscal_address": {
        "street": "Av. Corrientes 1234",
        "city": "Ciudad Autónoma de Buenos Aires",
        "province": "AR-C",
        "postal_code": "C1043",
    },
    "iibb_number": "901-123456-7",
    "activity_start_date": "2020-03-01",
}


def last_month_services() -> dict[str, str]:
    """A services voucher's dates for a voucher issued today in Argentina: last month as the service period and a
    due date ten days ahead. Fixed dates would go stale once the due date fell behind the voucher date (10036)."""
    today = datetime.now(ZoneInfo("America/Argentina/Buenos_Aires")).date()
    end: date = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    return {
        "service_start": start.isoformat(),
        "service_end": end.isoformat(),
        "payment_due": (today + timedelta(days=10)).isoformat(),
    }


POINT_OF_SALE = {"number": 5, "enabled_for_web_services": True, "description": "Web services"}
# The demo tenant as ARCA's registry has it (the simulator's padrón), from its setup: a responsable inscripto in CABA.
DEMO_TAXPAYER = {
    "id": int(TENANT["cuit"]),
    "tipo_persona": "JURIDICA",
    "razon_social": ISSUER["legal_name"].upper(),
    "direccion": ISSUER["fiscal_address"]["street"].upper(),
    "localidad": ISSUER["fiscal_address"]["city"].upper(),
    "cod_postal": ISSUER["fiscal_address"]["postal_code"],
    "id_provincia": 0,  # ARCA's number for AR-C
    "impuestos": [10, 30],
    "actividad": [620100, "SERVICIOS DE CONSULTORES EN INFORMATICA Y SUMINISTROS DE PROGRAMAS DE INFORMATICA"],
}
MERCADOPAGO = {
    "access_token": MERCADOPAGO_DEMO["access_token"],
    "public_key": MERCADOPAGO_DEMO["public_key"],
    "webhook_secret": MERCADOPAGO_DEMO["webhook_secret"],
    "auto_link": True,
}


def request_json(method: str, url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{method} {url} -> {error.code}: {error.read().decode(errors='replace')}") from None


def call(api_url: str, method: str, path: str, secret: str, body: dict[str, Any]) -> dict[str, Any]:
    return request_json(method, api_url + path, body, {"Authorization": f"Bearer {secret}"})


def certify(api_url: str, secret: str, arca_url: str) -> dict[str, Any]:
    """CSR from the API (which keeps the new key), signed by the simulator's CA, certificate uploaded without a key."""
    csr = call(api_url, "POST", "/v1/setup/certificate/csr", secret, {})["csr"]
    certificate = request_json("POST", f"{arca_url}/__simulator/certificates", {"csr": csr})["certificate"]
    return call(api_url, "PUT", "/v1/setup/certificate", secret, {"certificate": certificate})


def seed(api_url: str, arca_url: str) -> dict[str, Any]:
    sys.path.insert(0, str(LAYER_DIR))  # the environment is already the function's
    from billing.services import tenants

    tenant = tenants.create_tenant(**TENANT)
    issued = tenants.create_api_key(tenant.tenant_id, mode="test")
    call(api_url, "PUT", "/v1/setup/issuer", issued.secret, ISSUER)
    call(api_url, "POST", "/v1/setup/points-of-sale", issued.secret, POINT_OF_SALE)
    certify(api_url, issued.secret, arca_url)
    for environment in ("homologation", "production"):  # each registry is its own, as at ARCA
        request_json("POST", f"{arca_url}/__simulator/taxpayers?environment={environment}", DEMO_TAXPAYER)
    mercadopago = call(api_url, "PUT", "/v1/setup/mercadopago", issued.secret, MERCADOPAGO)
    return {
        "api_url": api_url,
        "test_key": issued.secret,
        "key_id": issued.key_id,
        "tenant_id": tenant.tenant_id,
        "cuit": TENANT["cuit"],
        "point_of_sale": POINT_OF_SALE["number"],
        "mercadopago_account": mercadopago["account_id"],
    }


def seed_function(stack: Stack) -> str:
    """The function behind the authorized routes: its environment is the one the tenant data lives under."""
    return next(r.function for r in stack.api.routes if r.authorizer)


def run(stack: Stack, api_url: str, demo_path: Path, arca_url: str) -> dict[str, Any] | None:
    """Seed in a subprocess; returns the demo data, or None (after logging why) if seeding failed."""
    env = function_environment(stack.functions[seed_function(stack)], stack.deployment)
    done = subprocess.run(
        [sys.executable, "-m", "local.seed", "--api-url", api_url, "--arca-url", arca_url, "--out", str(demo_path)],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    for line in (done.stdout + done.stderr).splitlines():
        logs.function_output("seed", line)
    if done.returncode != 0:
        return None
    return json.loads(demo_path.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.seed")
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--arca-url", required=True, help="the ARCA simulator, whose CA signs the demo certificate")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    write_json(args.out, seed(args.api_url, args.arca_url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
