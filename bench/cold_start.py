"""Cold-start import time of every handler next to the floor, a minimal Powertools REST API, measured in one run.

    make bench          (or: .venv/bin/python -m bench.cold_start --runs 7)
    .venv/bin/python -m bench.cold_start --function MercadoPagoWebhookFunction     (one function and the floor)

Each figure is the median over fresh processes of the import of the handler module (what Lambda's init phase pays
before the first invocation). The floor is `APIGatewayRestResolver(enable_validation=True)` with one pydantic
route; the runs of all the functions and of the floor are interleaved, so a slower moment of the machine weighs on
all of them alike: read the ratios. The rightmost column lists heavy packages a handler pulls in. The API imports a
route module on the first request for its paths, so its last rows add what such a first request loads.
"""

import argparse
import statistics

from local.cold_start import floor_import, handler_import, routes_import
from local.template import load_stack

HEAVY = (
    "zeep",
    "reportlab",
    "qrcode",
    "mercadopago",
    "lxml",
    "cryptography",
    "pynamodb",
    "boto3",
    "aws_xray_sdk",
)
# Ratio to the floor each function must stay within (issue "Cold starts and render time").
TARGETS = {
    "ApiFunction": 1.5,
    "MercadoPagoWebhookFunction": 1.5,
    "AuthorizerFunction": 1.0,
    "CaeWorkerFunction": 2.0,
    "PdfRendererFunction": 2.0,
}
FLOOR = "(floor: minimal REST API)"
# The API imports a route module on the first request for its paths: what a cold start with such a request pays.
FIRST_REQUESTS = ("/v1/invoices", "/v1/customers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--function", action="append", help="only this function (logical id; may repeat)")
    args = parser.parse_args()
    runs = args.runs
    stack = load_stack()
    functions = sorted(stack.functions.values(), key=lambda f: f.logical_id)
    if args.function:
        unknown = set(args.function) - {f.logical_id for f in functions}
        if unknown:
            parser.error(f"no such function: {', '.join(sorted(unknown))}")
        functions = [f for f in functions if f.logical_id in args.function]
    seconds: dict[str, list[float]] = {FLOOR: []} | {f.logical_id: [] for f in functions}
    heavy: dict[str, str] = {}
    api = stack.functions["ApiFunction"]
    first_requests = FIRST_REQUESTS if api in functions else ()
    seconds |= {f"ApiFunction + {path}": [] for path in first_requests}
    for _ in range(runs):
        seconds[FLOOR].append(floor_import(functions[0], stack.deployment).seconds)
        for function in functions:
            profile = handler_import(function, stack.deployment)
            seconds[function.logical_id].append(profile.seconds)
            heavy[function.logical_id] = ", ".join(name for name in HEAVY if profile.imports(name)) or "-"
        for path in first_requests:
            profile = routes_import(api, stack.deployment, path)
            seconds[f"ApiFunction + {path}"].append(profile.seconds)
            heavy[f"ApiFunction + {path}"] = ", ".join(name for name in HEAVY if profile.imports(name)) or "-"
    floor = statistics.median(seconds[FLOOR])
    print(f"{'function':<30} {'import ms':>10} {'x floor':>8} {'target':>7}  heavy packages")
    print(f"{FLOOR:<30} {floor * 1000:>10.1f} {1:>8.2f} {'':>7}")
    missed = []
    for name, times in seconds.items():
        if name == FLOOR:
            continue
        ratio = statistics.median(times) / floor
        target = TARGETS.get(name)
        verdict = "" if target is None else f"{target:.1f}x" + (" MISSED" if ratio > target else "")
        if target is not None and ratio > target:
            missed.append(name)
        print(f"{name:<30} {statistics.median(times) * 1000:>10.1f} {ratio:>8.2f} {verdict:>7}  {heavy[name]}")
    print(f"\ntargets: {'all met' if not missed else 'MISSED by ' + ', '.join(missed)}")


if __name__ == "__main__":
    main()
