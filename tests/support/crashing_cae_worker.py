"""The CAE worker, dying between ARCA's answer and the database write: its own process kills itself (SIGKILL) on
entering the Nth `Authorizer.settle` (the write of the Nth batch ARCA answered, which starts once the next batch is on
its way to ARCA), so nothing after it runs (no `finally`, no lease release), as when Lambda kills a worker for time
or memory.

    python tests/support/crashing_cae_worker.py <settle call to die at>      (the SQS event as JSON on stdin)

Run by test_cae_faults.py with the CAE worker function's environment; it exits normally if it never gets there.
"""

import json
import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]

from billing.services import cae_authorization  # noqa: E402
from tests.support.handlers import Context, load_function  # noqa: E402


def die_on_settle(call_number: int) -> None:
    settle = cae_authorization.Authorizer.settle
    calls = 0

    def settle_or_die(self, *args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == call_number:
            os.kill(os.getpid(), signal.SIGKILL)
        return settle(self, *args, **kwargs)

    cae_authorization.Authorizer.settle = settle_or_die


def main() -> None:
    die_on_settle(int(sys.argv[1]))
    load_function("cae_worker").handler(json.load(sys.stdin), Context())


if __name__ == "__main__":
    main()
