"""HTTP transport on 127.0.0.1: homologation's WSAA at /ws/services/LoginCms, WSFEv1 at /wsfev1/service.asmx and
the registry at /sr-padron/webservices/personaServiceA5 and personaServiceA13, production's at the same paths under
/production (POST for SOAP, GET ?wsdl for the WSDL), and the control API under
/__simulator/ (control.py).

HTTP/1.1 with keep-alive, like ARCA's servers; a thread per connection. A call under a timeout_after_commit fault
gets no answer: the connection is held until the client gives up (or dropped at once).
"""

from __future__ import annotations

import contextlib
import select
import socket
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from local.arca import control, faults, padron, wsdl
from local.arca.endpoints import HTML, Reply, internal_error, padron_reply, wsaa_reply, wsfe_reply

WSAA_PATH = "/ws/services/LoginCms"
WSFE_PATH = "/wsfev1/service.asmx"
PADRON_PATH = "/sr-padron/webservices"
PADRON_PATHS = {f"{PADRON_PATH}/personaServiceA5": padron.A5, f"{PADRON_PATH}/personaServiceA13": padron.A13}
HOLD_POLL_SECONDS = 0.05
AXIS_PAGE = b"<h1>LoginCms</h1><p>Hi there, this is an AXIS service!</p>"
ASMX_PAGE = b"<html><body><h1>Service</h1><p>WSFEv1 (simulator). The WSDL is at ?WSDL.</p></body></html>"


class ArcaServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app, port: int):
        self.app = app
        self.stopping = False
        super().__init__(("127.0.0.1", port), ArcaHandler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class ArcaHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 300  # an idle keep-alive connection does not hold its thread forever
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall between them
    server: ArcaServer

    def do_GET(self) -> None:
        path, query = self._target()
        app = self.server.app
        if path.startswith(control.PREFIX):
            self._send(control.handle(app, "GET", path, query, b""))
            return
        environment, path = app.environment_at(path)
        production = environment is app.production
        if path in (WSAA_PATH, WSFE_PATH) and query.lower() == "wsdl":
            name, address = (wsdl.WSAA_FILE, app.production_wsaa_url if production else app.wsaa_url)
            if path == WSFE_PATH:
                name = wsdl.WSFE_PRODUCTION_FILE if production else wsdl.WSFE_FILE
                address = app.production_wsfe_url if production else app.wsfe_url
            self._send(Reply(200, "text/xml; charset=utf-8", wsdl.load(app.wsdl_dir, name, address)))
        elif path in PADRON_PATHS and query.lower() == "wsdl":
            service = PADRON_PATHS[path]
            name = (padron.PRODUCTION_FILES if production else padron.FILES)[service]
            address = (app.production_padron_url if production else app.padron_url) + path[len(PADRON_PATH) :]
            self._send(Reply(200, "text/xml; charset=utf-8", wsdl.load(app.wsdl_dir, name, address)))
        elif path == WSAA_PATH:
            self._send(Reply(200, HTML, AXIS_PAGE))
        elif path == WSFE_PATH:
            self._send(Reply(200, HTML, ASMX_PAGE))
        else:
            self._send(Reply(404, HTML, b"<h1>404 Not Found</h1>"))

    def do_POST(self) -> None:
        path, query = self._target()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        app = self.server.app
        if path.startswith(control.PREFIX):
            self._send(control.handle(app, "POST", path, query, body))
            return
        environment, path = app.environment_at(path)
        if path not in (WSAA_PATH, WSFE_PATH, *PADRON_PATHS):
            self._send(Reply(404, HTML, b"<h1>404 Not Found</h1>"))
            return
        self._wait(app.faults.latency_seconds)
        service = "wsaa" if path == WSAA_PATH else "wsfe" if path == WSFE_PATH else PADRON_PATHS[path]
        try:
            if service == "wsaa":
                reply = wsaa_reply(environment, self.headers, body)
            elif service == "wsfe":
                reply = wsfe_reply(environment, self.headers, body)
            else:
                reply = padron_reply(environment, service, self.headers, body)
        except Exception as error:  # a simulator bug: answer like a server in trouble, and say why in the log
            app.log(f"{service} failed:\n{traceback.format_exc()}")
            reply = internal_error(service, self.headers, error)
        app.log(f"{environment.name} {service} {reply.operation or '?'} -> {self._outcome(reply)}")
        if reply.hold is not None:
            self._withhold(reply.hold)
        else:
            self._send(reply)

    def _target(self) -> tuple[str, str]:
        parts = urlsplit(self.path)
        return parts.path, parts.query

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def _withhold(self, rule: faults.FaultRule) -> None:
        """Never answer: hold the connection until the client closes it (or the hold ends), or drop it now."""
        self.close_connection = True
        if rule.mode == faults.HOLD:
            deadline = time.monotonic() + rule.hold_seconds
            while not self.server.stopping and time.monotonic() < deadline and not self._client_gone():
                pass
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _client_gone(self) -> bool:
        readable, _, _ = select.select([self.connection], [], [], HOLD_POLL_SECONDS)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.server.stopping and time.monotonic() < deadline:
            time.sleep(max(0.0, min(HOLD_POLL_SECONDS, deadline - time.monotonic())))

    @staticmethod
    def _outcome(reply: Reply) -> str:
        if reply.hold is not None:
            return f"committed, no answer ({reply.hold.mode})"
        return str(reply.status)

    def log_message(self, format: str, *args) -> None:
        pass  # one line per SOAP call goes through app.log instead
