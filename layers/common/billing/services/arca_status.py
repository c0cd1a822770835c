"""Is ARCA up, and can this tenant log in? The check to run after uploading a certificate."""

from billing.clients.arca.errors import ArcaAuthenticationError, ArcaTicketPending
from billing.domain.tenancy import Scope
from billing.schemas.arca import ArcaAuthentication, ArcaServers, ArcaStatus
from billing.services.arca import connect


def status(scope: Scope) -> ArcaStatus:
    """FEDummy, then a WSAA ticket (the shared one when it exists). ArcaUnavailable propagates (503)."""
    connection = connect(scope)
    servers = connection.wsfe.dummy()
    try:
        ticket = connection.ticket()
        authentication = ArcaAuthentication(ok=True, ticket_expires_at=ticket.expires_at.isoformat())
    except (ArcaAuthenticationError, ArcaTicketPending) as error:
        authentication = ArcaAuthentication(ok=False, code=str(error.code), message=error.message)
    return ArcaStatus(
        environment=connection.environment,
        available=servers.ok,
        servers=ArcaServers(
            app_server=servers.app_server, db_server=servers.db_server, auth_server=servers.auth_server
        ),
        authentication=authentication,
    )
