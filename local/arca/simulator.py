"""ArcaSimulator: WSAA and WSFEv1 with their state, on a local port, driven from Python or over HTTP.

sim = ArcaSimulator(tmp_path).start()      # port 0: any free port
sim.wsaa_url, sim.wsfe_url                 # service addresses for a zeep client built from the shared WSDLs
sim.ca.issue("30712345671")                # a certificate WSAA trusts
sim.faults.inject("timeout_after_commit", times=1)
sim.vouchers(cuit=30712345671)
sim.stop()
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from pathlib import Path

from local.arca import wsdl
from local.arca.ca import TestCA
from local.arca.clock import Clock
from local.arca.faults import Faults
from local.arca.ledger import IssuedVoucher, Ledger
from local.arca.server import WSAA_PATH, WSFE_PATH, ArcaServer
from local.arca.settings import DEFAULT_REG_X_REQ, DEFAULT_REUSE_WINDOW_SECONDS, Settings
from local.arca.tickets import TicketBook
from local.arca.wsaa import Wsaa
from local.arca.wsfe import Wsfe

DEFAULT_PORT = 4567  # the local stack's (moto is on 4566, the API on 3000)


class ArcaSimulator:
    def __init__(
        self,
        state_dir: Path,
        *,
        wsdl_dir: Path = wsdl.DEFAULT_WSDL_DIR,
        reuse_window_seconds: float = DEFAULT_REUSE_WINDOW_SECONDS,
        reg_x_req: int = DEFAULT_REG_X_REQ,
        seed: int | None = None,
        log: Callable[[str], None] | None = None,
    ):
        wsdl.check(wsdl_dir)
        self.wsdl_dir = Path(wsdl_dir)
        self.clock = Clock()
        self.ca = TestCA(Path(state_dir), now=self.clock.now)
        self.settings = Settings(reuse_window_seconds=reuse_window_seconds, reg_x_req=reg_x_req)
        self._initial_settings = copy.deepcopy(self.settings)
        self.faults = Faults(seed)
        self.tickets = TicketBook()
        self.ledger = Ledger(seed)
        self.wsaa = Wsaa(self.ca, self.tickets, self.clock, self.settings)
        self.wsfe = Wsfe(self.ledger, self.tickets, self.clock, self.settings)
        self.log = log or (lambda line: None)
        self._seed = seed
        self._server: ArcaServer | None = None
        self._thread: threading.Thread | None = None

    def start(self, port: int = 0) -> ArcaSimulator:
        """Serve on 127.0.0.1:<port> (0 = any free port) in a background thread; OSError if the port is taken."""
        self._server = ArcaServer(self, port)
        self._thread = threading.Thread(target=self._server.serve_forever, name="arca-simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping = True  # releases held connections and latency waits
        server.shutdown()
        server.server_close()
        self._thread.join(5)

    def __enter__(self) -> ArcaSimulator:
        return self if self._server else self.start()

    def __exit__(self, *_) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the simulator is not running: call start()")
        return self._server.base_url

    @property
    def wsaa_url(self) -> str:
        return self.base_url + WSAA_PATH

    @property
    def wsfe_url(self) -> str:
        return self.base_url + WSFE_PATH

    def stack_parameters(self) -> dict[str, str]:
        """template.yaml parameter overrides that point both ARCA environments of a stack at this simulator."""
        return {
            "ArcaHomologationWsaaUrl": self.wsaa_url,
            "ArcaProductionWsaaUrl": self.wsaa_url,
            "ArcaHomologationWsfeUrl": self.wsfe_url,
            "ArcaProductionWsfeUrl": self.wsfe_url,
            "ArcaWsdlDir": str(self.wsdl_dir.resolve()),
        }

    def vouchers(self, cuit: int | None = None, pto: int | None = None, tipo: int | None = None) -> list[IssuedVoucher]:
        return self.ledger.vouchers(cuit, pto, tipo)

    def reset(self) -> None:
        """A fresh ARCA: no vouchers, tickets, faults, clock shift or setting changes (the CA stays)."""
        self.ledger.reset(self._seed)
        self.tickets.reset()
        self.faults.clear()
        if self._seed is not None:
            self.faults.seed(self._seed)
        self.clock.reset()
        restored = copy.deepcopy(self._initial_settings)
        for name, value in vars(restored).items():
            setattr(self.settings, name, value)  # in place: Wsaa and Wsfe hold this object
