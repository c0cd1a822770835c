"""Cold-start import time of every handler next to a bare Powertools import, measured in the same run.

    make bench          (or: .venv/bin/python -m bench.cold_start --runs 7)

Each figure is the median over fresh processes of the import of the handler module (what Lambda's init
phase pays before the first invocation); the rightmost column lists heavy packages a handler pulls in.
"""

import argparse
import statistics

from local.cold_start import baseline_import, handler_import
from local.template import load_stack

HEAVY = ("zeep", "reportlab", "qrcode", "mercadopago", "lxml", "cryptography", "pynamodb", "pydantic")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    stack = load_stack()
    functions = sorted(stack.functions.values(), key=lambda f: f.logical_id)
    baseline = statistics.median(baseline_import(functions[0], stack.deployment).seconds for _ in range(runs))
    print(f"{'function':<30} {'import ms':>10} {'x baseline':>11}  heavy packages")
    print(f"{'(bare Powertools import)':<30} {baseline * 1000:>10.1f} {1:>11.1f}")
    for function in functions:
        profiles = [handler_import(function, stack.deployment) for _ in range(runs)]
        seconds = statistics.median(p.seconds for p in profiles)
        heavy = ", ".join(name for name in HEAVY if profiles[0].imports(name)) or "-"
        print(f"{function.logical_id:<30} {seconds * 1000:>10.1f} {seconds / baseline:>11.1f}  {heavy}")


if __name__ == "__main__":
    main()
