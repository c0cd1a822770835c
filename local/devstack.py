"""`python -m local.devstack [--api-port 3000] [--aws-port 4566] [--arca-port 4567] [--mercadopago-port 4568]
[--state-dir .local] [--parameter NAME=VALUE ...]` (`make dev`).

Starts moto and the ARCA and Mercado Pago simulators, creates the template's resources, serves the API on 127.0.0.1,
polls the queues into their functions, seeds a demo tenant (with an ARCA certificate through the CSR flow, and
connected to the Mercado Pago simulator's demo seller) and prints
`READY api=<url> aws=<endpoint> arca=<url> mercadopago=<url>`; Ctrl-C or SIGTERM stops everything.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from local import logs, resources, schedules, seed, state
from local.apigateway import ApiGateway, serve
from local.arca.simulator import DEFAULT_PORT as DEFAULT_ARCA_PORT
from local.arca.simulator import ArcaSimulator
from local.aws import start_moto
from local.console import ConsoleSite
from local.mercadopago.simulator import DEFAULT_PORT as DEFAULT_MERCADOPAGO_PORT
from local.mercadopago.simulator import MercadoPagoSimulator
from local.runtime import Runtime
from local.sqs_poller import start_pollers
from local.stream_poller import start_stream_pollers
from local.template import Deployment, Stack, load_stack


def banner(
    stack: Stack,
    api_url: str,
    state_dir: Path,
    demo: dict | None,
    arca: ArcaSimulator,
    mercadopago: MercadoPagoSimulator,
) -> str:
    api = stack.api
    lines = [f"Local stack {stack.deployment.stack_name} is up (stage {api.stage}; paths start with /v1)."]
    lines.append(f"  arca      homologation WSAA {arca.wsaa_url}, WSFEv1 {arca.wsfe_url} (simulator)")
    lines.append(f"            production WSAA {arca.production_wsaa_url}, WSFEv1 {arca.production_wsfe_url}")
    lines.append(f"            control API {arca.base_url}/__simulator/ (faults, vouchers, settings, reset)")
    lines.append(f"  mercadopago  {mercadopago.base_url} (simulator: preferences, payments, checkout pages)")
    lines.append(f"            control API {mercadopago.base_url}/__simulator/ (pay, refund, deliveries, faults)")
    for route in api.routes:
        guard = "authorizer" if route.authorizer else "public"
        lines.append(f"  route     {route.method:<6} {route.path:<40} {route.function} ({guard})")
    lines += [f"  skipped   {reason}" for reason in api.skipped]
    for mapping in stack.mappings:
        lines.append(f"  poller    {mapping.queue} -> {mapping.function} (batch {mapping.batch_size})")
    for stream in stack.streams:
        lines.append(f"  stream    {stream.table} -> {stream.function} (batch {stream.batch_size})")
    for schedule in stack.schedules:
        lines.append(f"  schedule  {schedules.describe(schedule)}")
        lines.append(f"            fire it: python -m local.fire_schedule {schedule.name}")
    if stack.console:
        lines.append(f"  console   {api_url}/ (the web console; paste the demo key below into 'Clave de API')")
    lines.append(f"  state     {state_dir}/stack.json, {state_dir}/demo.json")
    lines.append("  poll      make schedule NAME=billing-local-mercadopago-poll (the 15-minute Mercado Pago poller)")
    if demo:
        lines.append(
            f"  demo      tenant {demo['tenant_id']} (CUIT {demo['cuit']}, point of sale {demo['point_of_sale']})"
        )
        lines.append(f"  demo key  {demo['test_key']}")
        lines.append(f"  try       curl -s -H 'Authorization: Bearer {demo['test_key']}' {api_url}/v1/setup/issuer")
        auth = f"-H 'Authorization: Bearer {demo['test_key']}'"
        lines.append("  webhooks  test mode takes loopback URLs: python -m local.webhook_receiver prints what arrives")
        lines.append(f"            watch: curl -s {auth} {api_url}/v1/webhook-endpoints/<we_...>/deliveries")
        lines.append(f"                   curl -s {auth} {api_url}/v1/events")
    else:
        lines.append("  demo      NOT seeded (see the seed lines above); no test key available")
        lines.append(f"  try       curl -s {api_url}/v1/health")
    return "\n".join(lines)


def arca_state(arca: ArcaSimulator) -> dict[str, str]:
    """What stack.json records about the simulator, for tools and tests that attach to the running stack."""
    return {
        "url": arca.base_url,
        "wsaa_url": arca.wsaa_url,
        "wsfe_url": arca.wsfe_url,
        "production_wsaa_url": arca.production_wsaa_url,
        "production_wsfe_url": arca.production_wsfe_url,
        "control_url": f"{arca.base_url}/__simulator/",
        "wsdl_dir": str(arca.wsdl_dir.resolve()),
    }


def mercadopago_state(mercadopago: MercadoPagoSimulator) -> dict[str, str]:
    return {"url": mercadopago.base_url, "control_url": f"{mercadopago.base_url}/__simulator/"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.devstack", description=__doc__)
    parser.add_argument("--api-port", type=int, default=3000, help="0 = any free port")
    parser.add_argument("--aws-port", type=int, default=4566, help="moto's port; 0 = any free port")
    parser.add_argument("--arca-port", type=int, default=DEFAULT_ARCA_PORT, help="the ARCA simulator's; 0 = any free")
    parser.add_argument(
        "--mercadopago-port", type=int, default=DEFAULT_MERCADOPAGO_PORT, help="the Mercado Pago simulator's; 0 = any"
    )
    parser.add_argument("--state-dir", type=Path, default=state.DEFAULT_STATE_DIR)
    parser.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a template parameter, as `sam deploy --parameter-overrides` (e.g. TenantBurstLimit=100)",
    )
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.parameter)

    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())

    logs.quiet_moto()
    try:
        moto, endpoint = start_moto(args.aws_port)
    except OSError as error:
        logs.log("stack", f"cannot start moto on 127.0.0.1:{args.aws_port}: {error}")
        return 1
    runtime = http = arca = mercadopago = None
    pollers = []
    try:
        try:
            arca = ArcaSimulator(args.state_dir / "arca", log=lambda line: logs.log("arca", line)).start(args.arca_port)
        except OSError as error:
            logs.log("stack", f"cannot start the ARCA simulator on 127.0.0.1:{args.arca_port}: {error}")
            return 1
        logs.log("stack", f"ARCA simulator at {arca.base_url} (WSAA and WSFEv1 of homologation and, apart, production)")
        try:
            mercadopago = MercadoPagoSimulator(log=lambda line: logs.log("mercadopago", line)).start(
                args.mercadopago_port
            )
        except OSError as error:
            logs.log("stack", f"cannot start the Mercado Pago simulator on 127.0.0.1:{args.mercadopago_port}: {error}")
            return 1
        logs.log("stack", f"Mercado Pago simulator at {mercadopago.base_url}")
        parameters = {**arca.stack_parameters(), **mercadopago.stack_parameters(), **overrides}
        stack = load_stack(deployment=Deployment(endpoint=endpoint), parameters=parameters)
        resources.create_all(stack)
        logs.log("stack", f"moto at {endpoint}: {len(stack.resources)} tables, queues and buckets created")
        runtime = Runtime(stack.functions, stack.deployment)
        try:
            console = ConsoleSite(stack.console) if stack.console else None
            http = serve(ApiGateway(stack.api, runtime, stack.deployment), args.api_port, console)
        except OSError as error:
            logs.log("stack", f"cannot serve the API on 127.0.0.1:{args.api_port}: {error}")
            return 1
        threading.Thread(target=http.serve_forever, name="api", daemon=True).start()
        api_url = f"http://127.0.0.1:{http.server_address[1]}"
        state.write_stack(
            args.state_dir, stack, api_url, arca=arca_state(arca), mercadopago=mercadopago_state(mercadopago)
        )
        pollers = start_pollers(stack.mappings, runtime, stack.deployment)
        pollers += start_stream_pollers(stack.streams, runtime, stack.deployment)
        demo = seed.run(stack, api_url, args.state_dir / "demo.json", arca.base_url)
        if demo is None:
            logs.log("stack", "seeding the demo tenant failed; the stack runs without demo data")
        print(banner(stack, api_url, args.state_dir, demo, arca, mercadopago), flush=True)
        print(f"READY api={api_url} aws={endpoint} arca={arca.base_url} mercadopago={mercadopago.base_url}", flush=True)
        stopping.wait()
        logs.log("stack", "stopping")
        return 0
    finally:
        for poller in pollers:
            poller.stop()
        if http:
            http.shutdown()
            http.server_close()
        if runtime:
            runtime.close()  # also ends an invocation a poller may be waiting on
        for poller in pollers:
            poller.join(5)
        if arca:
            arca.stop()
        if mercadopago:
            mercadopago.stop()
        moto.stop()
        state.remove(args.state_dir, "stack.json", "demo.json")


if __name__ == "__main__":
    sys.exit(main())
