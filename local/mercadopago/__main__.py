"""`python -m local.mercadopago [--port 4568]`: the Mercado Pago simulator alone, until Ctrl-C or SIGTERM.

Prints `READY api=<url> control=<url>/__simulator/` and the demo seller's credentials.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from local import logs
from local.mercadopago.accounts import DEMO
from local.mercadopago.simulator import DEFAULT_PORT, MercadoPagoSimulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.mercadopago", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 = any free port")
    args = parser.parse_args(argv)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        simulator = MercadoPagoSimulator(log=lambda line: logs.log("mercadopago", line)).start(args.port)
    except OSError as error:
        logs.log("mercadopago", f"cannot start the Mercado Pago simulator: {error}")
        return 1
    print(f"demo seller {DEMO['user_id']}: access token {DEMO['access_token']}", flush=True)
    print(f"READY api={simulator.base_url} control={simulator.base_url}/__simulator/", flush=True)
    stopping.wait()
    simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
