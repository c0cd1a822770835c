"""`python -m local.arca [--port 4567] [--state-dir .local]`: the ARCA simulator alone, until Ctrl-C or SIGTERM.

Prints `READY wsaa=<url> wsfe=<url> control=<url>` (homologation's; production's are under /production); the test
CA is kept in <state-dir>/arca.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from local import logs
from local.arca import wsdl
from local.arca.settings import DEFAULT_REG_X_REQ, DEFAULT_REUSE_WINDOW_SECONDS
from local.arca.simulator import DEFAULT_PORT, ArcaSimulator
from local.state import DEFAULT_STATE_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.arca", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 = any free port")
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)
    parser.add_argument("--wsdl-dir", type=Path, default=wsdl.DEFAULT_WSDL_DIR)
    parser.add_argument("--reuse-window", type=float, default=DEFAULT_REUSE_WINDOW_SECONDS, help="seconds; 0 = none")
    parser.add_argument("--reg-x-req", type=int, default=DEFAULT_REG_X_REQ)
    parser.add_argument("--seed", type=int, default=None, help="makes CAEs and random faults reproducible")
    args = parser.parse_args(argv)

    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        simulator = ArcaSimulator(
            args.state_dir / "arca",
            wsdl_dir=args.wsdl_dir,
            reuse_window_seconds=args.reuse_window,
            reg_x_req=args.reg_x_req,
            seed=args.seed,
            log=lambda line: logs.log("arca", line),
        ).start(args.port)
    except OSError as error:  # a missing WSDL directory or a port in use
        logs.log("arca", f"cannot start the ARCA simulator: {error}")
        return 1
    print(
        f"READY wsaa={simulator.wsaa_url} wsfe={simulator.wsfe_url} control={simulator.base_url}/__simulator/",
        flush=True,
    )
    stopping.wait()
    simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
