"""A tenant's connection to ARCA in its mode (test: homologation, live: production): tickets and WSFEv1 calls."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from billing.clients import secrets
from billing.clients.arca import wsaa
from billing.clients.arca.errors import ArcaAuthenticationError, ArcaTokenRejected
from billing.clients.arca.wsaa import Ticket
from billing.clients.arca.wsfe import Auth, WsfeClient
from billing.data.tickets import TicketKey
from billing.domain.calendar import now_ar
from billing.domain.tenancy import Scope
from billing.services import arca_tickets
from billing.services.tenants import get_tenant

WSFE_SERVICE = "wsfe"
T = TypeVar("T")


def _credentials(scope: Scope) -> dict:
    credentials = secrets.arca_credentials(scope)
    if credentials is None:
        raise ArcaAuthenticationError(
            "No ARCA certificate is set up for this mode: PUT /v1/setup/certificate.", code="certificate_not_configured"
        )
    return credentials


@dataclass(frozen=True)
class ArcaConnection:
    scope: Scope
    cuit: int
    service: str = WSFE_SERVICE  # the WSAA service id the tickets are for: each service has its own

    @property
    def environment(self) -> str:
        return self.scope.mode.arca_environment

    @property
    def wsfe(self) -> WsfeClient:
        return WsfeClient(self.environment)

    @property
    def _ticket_key(self) -> TicketKey:
        return TicketKey(cuit=self.cuit, service=self.service, environment=self.environment)

    def _login(self) -> Ticket:
        credentials = _credentials(self.scope)
        tra = wsaa.build_tra(self.service, now_ar())
        cms = wsaa.sign_tra(tra, credentials["certificate_pem"], credentials["private_key_pem"])
        return wsaa.login(cms, self.environment, self.service)

    def ticket(self) -> Ticket:
        return arca_tickets.get_ticket(self._ticket_key, self._login)

    def call(self, operation: Callable[[Auth], T]) -> T:
        """Run an operation of the service with the shared ticket; a rejected ticket (WSFEv1's 600, the registry's
        token faults) is renewed once and retried."""
        ticket = self.ticket()
        try:
            return operation(Auth(ticket.token, ticket.sign, self.cuit))
        except ArcaTokenRejected:
            arca_tickets.discard(self._ticket_key, ticket)
            ticket = self.ticket()
            return operation(Auth(ticket.token, ticket.sign, self.cuit))


def connect(scope: Scope, service: str = WSFE_SERVICE) -> ArcaConnection:
    return ArcaConnection(scope=scope, cuit=int(get_tenant(scope.tenant_id).cuit), service=service)
