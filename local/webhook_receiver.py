"""`python -m local.webhook_receiver [--port 8765] [--secret whsec_...] [--fail N]`: a webhook receiver for the local
stack. Prints each delivery (event id, type, whether its signature verifies with the secret) and answers 200, or
500 to the first N, to watch the retries. Register http://127.0.0.1:<port>/ with a test key."""

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.webhook_receiver", description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--secret", help="the endpoint's whsec_... (without it, signatures are not checked)")
    parser.add_argument("--fail", type=int, default=0, help="answer 500 to this many deliveries first")
    args = parser.parse_args(argv)
    failures = [args.fail]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            verdict = "not checked"
            if args.secret:
                try:
                    Webhook(args.secret).verify(body, dict(self.headers))
                    verdict = "signature ok"
                except WebhookVerificationError as error:
                    verdict = f"signature BAD ({error})"
            status = 500 if failures[0] > 0 else 200
            failures[0] -= 1
            event = json.loads(body)
            print(f"{status} {self.headers.get('webhook-id')} {event.get('type')} {verdict}", flush=True)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
