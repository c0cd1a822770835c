"""ArcaSimulator: WSAA, WSFEv1 and the taxpayer registry (padrón A5/A13) with their state, on a local port, driven
from Python or over HTTP.

sim = ArcaSimulator(tmp_path).start()      # port 0: any free port
sim.wsaa_url, sim.wsfe_url                 # homologation's service addresses, for a zeep client from the shared WSDLs
sim.production_wsaa_url, sim.production_wsfe_url   # production's, under /production
sim.padron_url, sim.production_padron_url          # the registry's bases (personaServiceA5/A13 under them)
sim.ca.issue("30712345671")                # a certificate WSAA trusts
sim.faults.inject("timeout_after_commit", times=1)
sim.vouchers(cuit=30712345671)             # homologation's; environment="production" for the other
sim.stop()

Homologation and production are two environments, as at ARCA: each has its own tickets, its own voucher
numbering and its own registry (both seeded with the same test people), so a production login, voucher or added
taxpayer never sees homologation's. The test CA, the clock, the settings and the injected faults are the simulator's
and apply to both.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from local.arca import wsdl
from local.arca.ca import TestCA
from local.arca.clock import Clock
from local.arca.faults import Faults
from local.arca.ledger import IssuedVoucher, Ledger
from local.arca.padron import Padron
from local.arca.server import PADRON_PATH, WSAA_PATH, WSFE_PATH, ArcaServer
from local.arca.settings import DEFAULT_REG_X_REQ, DEFAULT_REUSE_WINDOW_SECONDS, Settings
from local.arca.tickets import TicketBook
from local.arca.wsaa import Wsaa
from local.arca.wsfe import Wsfe

DEFAULT_PORT = 4567  # the local stack's (moto is on 4566, the API on 3000)
HOMOLOGATION = "homologation"
PRODUCTION = "production"
PRODUCTION_PREFIX = "/production"  # production's services; homologation's keep ARCA's plain paths


@dataclass
class Environment:
    """One ARCA environment: its tickets and numbering, with the simulator's clock and faults."""

    name: str
    ledger: Ledger
    tickets: TicketBook
    wsaa: Wsaa
    wsfe: Wsfe
    padron: Padron
    faults: Faults
    clock: Clock
    settings: Settings

    def reset(self, seed: int | None) -> None:
        self.ledger.reset(seed)
        self.tickets.reset()
        self.padron.registry.reset()
        self.padron.calls = 0


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
        self.environments = {name: self._environment(name, seed) for name in (HOMOLOGATION, PRODUCTION)}
        self.log = log or (lambda line: None)
        self._seed = seed
        self._server: ArcaServer | None = None
        self._thread: threading.Thread | None = None

    def _environment(self, name: str, seed: int | None) -> Environment:
        tickets, ledger = TicketBook(), Ledger(None if seed is None else seed + (name == PRODUCTION))
        wsaa = Wsaa(self.ca, tickets, self.clock, self.settings)
        wsfe = Wsfe(ledger, tickets, self.clock, self.settings)
        padron = Padron(self.wsdl_dir, tickets, self.clock)
        return Environment(name, ledger, tickets, wsaa, wsfe, padron, self.faults, self.clock, self.settings)

    @property
    def homologation(self) -> Environment:
        return self.environments[HOMOLOGATION]

    @property
    def production(self) -> Environment:
        return self.environments[PRODUCTION]

    # Homologation's parts, where most tests look.
    @property
    def tickets(self) -> TicketBook:
        return self.homologation.tickets

    @property
    def ledger(self) -> Ledger:
        return self.homologation.ledger

    @property
    def wsaa(self) -> Wsaa:
        return self.homologation.wsaa

    @property
    def wsfe(self) -> Wsfe:
        return self.homologation.wsfe

    @property
    def padron(self) -> Padron:
        return self.homologation.padron

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

    @property
    def production_wsaa_url(self) -> str:
        return self.base_url + PRODUCTION_PREFIX + WSAA_PATH

    @property
    def production_wsfe_url(self) -> str:
        return self.base_url + PRODUCTION_PREFIX + WSFE_PATH

    @property
    def padron_url(self) -> str:
        """Homologation's registry base: personaServiceA5 and personaServiceA13 under it."""
        return self.base_url + PADRON_PATH

    @property
    def production_padron_url(self) -> str:
        return self.base_url + PRODUCTION_PREFIX + PADRON_PATH

    def environment_at(self, path: str) -> tuple[Environment, str]:
        """The environment a request path addresses, and the service path within it."""
        if path.startswith(PRODUCTION_PREFIX + "/"):
            return self.production, path[len(PRODUCTION_PREFIX) :]
        return self.homologation, path

    def stack_parameters(self) -> dict[str, str]:
        """template.yaml parameter overrides that point each ARCA environment of a stack at its simulated one."""
        return {
            "ArcaHomologationWsaaUrl": self.wsaa_url,
            "ArcaProductionWsaaUrl": self.production_wsaa_url,
            "ArcaHomologationWsfeUrl": self.wsfe_url,
            "ArcaProductionWsfeUrl": self.production_wsfe_url,
            "ArcaHomologationPadronUrl": self.padron_url,
            "ArcaProductionPadronUrl": self.production_padron_url,
            "ArcaWsdlDir": str(self.wsdl_dir.resolve()),
        }

    def vouchers(
        self,
        cuit: int | None = None,
        pto: int | None = None,
        tipo: int | None = None,
        environment: str = HOMOLOGATION,
    ) -> list[IssuedVoucher]:
        return self.environments[environment].ledger.vouchers(cuit, pto, tipo)

    def reset(self) -> None:
        """A fresh ARCA: no vouchers, tickets, faults, clock shift or setting changes, each registry with its test
        people only (the CA stays)."""
        for environment in self.environments.values():
            environment.reset(self._seed)
        self.faults.clear()
        if self._seed is not None:
            self.faults.seed(self._seed)
        self.clock.reset()
        restored = copy.deepcopy(self._initial_settings)
        for name, value in vars(restored).items():
            setattr(self.settings, name, value)  # in place: Wsaa and Wsfe hold this object
