"""Taxpayer lookups per second, cold (every CUIT asked of ARCA's registry) and warm (answered by the cache), through
the API function the way API Gateway calls it (authorizer included), against the ARCA simulator at 300 ms latency.

    .venv/bin/python -m bench.padron_lookups [--taxpayers 50] [--rounds 5] [--latency 0.3]

Everything is embedded, as in bench/cae_throughput.py. Setup (not measured): a tenant with its certificate, the
WSAA ticket for padrón A5 taken by one lookup, and --taxpayers people seeded into the simulator's registry.
Measured, one request after the other: the cold pass (each CUIT once, cache empty) and --rounds warm passes.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.cae_throughput import CUIT, Embedded

FIRST_SERIAL = 30_000_000


def _cuits(count: int) -> list[str]:
    from billing.domain.tax_ids import check_digit

    found, serial = [], FIRST_SERIAL
    while len(found) < count:
        serial += 1
        digit = check_digit(f"20{serial}")
        if digit is not None:
            found.append(f"20{serial}{digit}")
    return found


def _set_up(embedded: Embedded, cuits: list[str]) -> str:
    from billing.domain.modes import Mode
    from billing.domain.tenancy import Scope
    from billing.schemas.setup import CertificateUpload, CsrCreate
    from billing.services import setup, tenants
    from local.arca.padron import Person

    tenant = tenants.create_tenant("Demo SRL", CUIT)
    scope = Scope(tenant.tenant_id, Mode.TEST)
    csr = setup.create_csr(scope, CsrCreate()).csr
    setup.put_certificate(scope, CertificateUpload(certificate=embedded.arca.ca.sign_csr(csr)))
    for index, cuit in enumerate(cuits):
        embedded.arca.padron.registry.add(
            Person(int(cuit), apellido=f"PERSONA{index}", nombre="TEST", impuestos=[30], direccion="CALLE 1",
                   localidad="CORDOBA", cod_postal="5000", id_provincia=3)
        )  # fmt: skip
    return tenants.create_api_key(tenant.tenant_id, "test").secret


def _lookup(key: str, number: str) -> float:
    from tests.support.events import authorizer_event, rest_event
    from tests.support.handlers import Context, load_function

    headers = {"Authorization": f"Bearer {key}"}
    path = f"/v1/taxpayers/{number}"
    started = time.perf_counter()
    decision = load_function("authorizer").handler(authorizer_event(headers, "GET", path), Context())
    authorizer = {**decision["context"], "principalId": decision["principalId"]}
    response = load_function("api").handler(rest_event("GET", path, headers=headers, authorizer=authorizer), Context())
    elapsed = time.perf_counter() - started
    if response["statusCode"] != 200:
        raise SystemExit(f"lookup {number}: {response['statusCode']} {response['body']}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.padron_lookups", description=__doc__)
    parser.add_argument("--taxpayers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.3)
    args = parser.parse_args(argv)
    embedded = Embedded.start(args.latency)
    embedded.reset()
    cuits = _cuits(args.taxpayers + 1)
    key = _set_up(embedded, cuits)
    _lookup(key, cuits.pop())  # the A5 ticket, imports and the first container's clients
    calls = embedded.arca.padron.calls
    cold = [_lookup(key, cuit) for cuit in cuits]
    cold_calls = embedded.arca.padron.calls - calls
    warm = [_lookup(key, cuit) for _ in range(args.rounds) for cuit in cuits]
    warm_calls = embedded.arca.padron.calls - calls - cold_calls
    for label, times, asked in (("cold", cold, cold_calls), ("warm", warm, warm_calls)):
        print(
            f"{label}: {len(times)} lookups, {len(times) / sum(times):.1f}/s, "
            f"median {statistics.median(times) * 1000:.0f} ms, "
            f"p90 {sorted(times)[int(len(times) * 0.9)] * 1000:.0f} ms, ARCA registry calls {asked} "
            f"(simulator latency {args.latency * 1000:.0f} ms)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
