"""Every WSFEv1 operation but FEDummy checks the ticket: error 600 with WSFEv1's texts, in WSFEv1's order."""

import base64

import pytest

from tests.arca_sim import clients


def only_error(result) -> tuple[int, str]:
    [err] = result.Errors.Err
    return err.Code, err.Msg


def test_a_good_ticket_is_accepted(wsfe, ticket):
    result = wsfe.FECompUltimoAutorizado(Auth=clients.auth(ticket), PtoVta=5, CbteTipo=11)
    assert (result.CbteNro, result.Errors) == (0, None)


def test_without_auth(wsfe):
    result = wsfe.FECompTotXRequest()
    assert only_error(result) == (500, "Campo Auth no fue ingresado o esta mal formado.")
    assert result.RegXReq == 0


@pytest.mark.parametrize(
    ("token", "sign", "message"),
    [
        (None, "x", "ValidacionDeToken: Parametro nulo o vacio (token)"),
        ("x", None, "ValidacionDeToken: Parametro nulo o vacio (sign)"),
        ("bm8gZXMgWE1M", "x", "ValidacionDeToken: No valido token."),  # base64 of "no es XML"
    ],
)
def test_unusable_credentials(wsfe, token, sign, message):
    auth = {"Token": token, "Sign": sign, "Cuit": clients.CUIT}
    result = wsfe.FECompUltimoAutorizado(Auth=auth, PtoVta=5, CbteTipo=11)
    code, text = only_error(result)
    assert code == 600 and text.startswith(message)
    assert (result.PtoVta, result.CbteTipo, result.CbteNro) == (0, 0, 0)


def test_a_sign_that_is_not_the_tokens(wsfe, ticket):
    forged = {**ticket, "sign": base64.b64encode(b"\0" * 128).decode()}
    result = wsfe.FECompTotXRequest(Auth=clients.auth(forged))
    assert only_error(result) == (600, "ValidacionDeToken: Error al verificar hash: ")


def test_a_token_this_simulator_did_not_issue(sim, wsfe, ticket):
    sim.reset()  # forgets the tickets, like a token from another WSAA
    result = wsfe.FECompTotXRequest(Auth=clients.auth(ticket))
    assert only_error(result) == (600, "ValidacionDeToken: Error al verificar hash: ")


def test_an_expired_ticket(sim, wsfe, ticket):
    sim.clock.advance(12 * 3600 + 1)
    code, text = only_error(wsfe.FECompTotXRequest(Auth=clients.auth(ticket)))
    assert code == 600
    assert text.startswith("ValidacionDeToken: No validaron las fechas del token. GenTime=")


def test_a_cuit_the_ticket_does_not_represent(wsfe, ticket):
    result = wsfe.FECAESolicitar(Auth=clients.auth(ticket, cuit=20111111112), FeCAEReq=clients.cae_request())
    assert only_error(result) == (600, "ValidacionDeToken: No apareció CUIT en lista de relaciones: 20111111112")
    assert result.FeCabResp is None  # auth errors come without FeCabResp


def test_every_operation_checks_the_ticket(wsfe):
    bad = {"Token": "x", "Sign": "x", "Cuit": clients.CUIT}
    for operation in ("FEParamGetTiposCbte", "FEParamGetPtosVenta", "FEParamGetActividades", "FECompTotXRequest"):
        code, _ = only_error(getattr(wsfe, operation)(Auth=bad))
        assert code == 600, operation
