"""One API client process for race tests: imports everything first, waits for the common start time, then sends its
requests through the API function as API Gateway would, and prints the replies as JSON lines.

    python tests/support/racing_client.py <start epoch seconds>      (the requests as a JSON list on stdin)

Each process has its own API function (its own container, as in Lambda), so requests from several processes reach
DynamoDB truly in parallel.
"""

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Not this script's own directory (Python puts it first): tests/support/mercadopago.py would shadow the SDK.
sys.path[:] = [str(ROOT), str(ROOT / "layers" / "common")] + [
    entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent
]

from tests.support.api import call  # noqa: E402
from tests.support.handlers import load_function  # noqa: E402


def main() -> None:
    requests = json.load(sys.stdin)
    load_function("api"), load_function("authorizer")  # cold starts happen before the race, not in it
    time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
    for request in requests:
        reply = call(request["method"], request["path"], key=request["key"], body=request.get("body"))
        print(json.dumps({"status": int(reply.status), "body": reply.body}), flush=True)


if __name__ == "__main__":
    main()
