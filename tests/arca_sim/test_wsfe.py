"""WSFEv1 through a zeep client built from the shared wsfev1.wsdl: numbering, CAE issue, consultation, the rules
applied to a request, and the parameter tables."""

from datetime import datetime, timedelta
from decimal import Decimal

from tests.arca_sim import clients


def err_codes(result) -> list[int]:
    return [err.Code for err in result.Errors.Err] if result.Errors else []


def obs_codes(detail) -> list[int]:
    return [obs.Code for obs in detail.Observaciones.Obs] if detail.Observaciones else []


def last_number(wsfe, ticket, pto_vta=5, cbte_tipo=11) -> int:
    return wsfe.FECompUltimoAutorizado(Auth=clients.auth(ticket), PtoVta=pto_vta, CbteTipo=cbte_tipo).CbteNro


def test_dummy_needs_no_ticket(wsfe):
    result = wsfe.FEDummy()
    assert (result.AppServer, result.DbServer, result.AuthServer) == ("OK", "OK", "OK")


def test_soap_12_binding(sim):
    result = clients.wsfe(sim, binding=clients.WSFE12_BINDING).FEDummy()
    assert result.AppServer == "OK"


def test_authorizing_a_voucher_issues_a_cae_and_advances_the_numbering(sim, wsfe, ticket, today):
    assert last_number(wsfe, ticket) == 0

    result = wsfe.FECAESolicitar(Auth=clients.auth(ticket), FeCAEReq=clients.cae_request(clients.invoice_c(1, today)))

    cab = result.FeCabResp
    assert (cab.Cuit, cab.PtoVta, cab.CbteTipo, cab.CantReg, cab.Resultado, cab.Reproceso) == (
        clients.CUIT,
        5,
        11,
        1,
        "A",
        "N",
    )
    assert len(cab.FchProceso) == 14 and cab.FchProceso.startswith(today)
    detail = result.FeDetResp.FECAEDetResponse[0]
    assert detail.Resultado == "A"
    assert len(detail.CAE) == 14 and detail.CAE.isdigit()
    due = datetime.strptime(today, "%Y%m%d").date() + timedelta(days=10)
    assert detail.CAEFchVto == due.strftime("%Y%m%d")
    assert result.Errors is None
    assert last_number(wsfe, ticket) == 1
    assert last_number(wsfe, ticket, cbte_tipo=6) == 0  # numbering is per (CUIT, PtoVta, CbteTipo)
    assert last_number(wsfe, ticket, pto_vta=6) == 0
    [voucher] = sim.vouchers(cuit=clients.CUIT)
    assert (voucher.cae, voucher.detail["ImpTotal"]) == (detail.CAE, Decimal("100"))


def test_every_cae_is_different(wsfe, ticket, today):
    details = [clients.invoice_c(n, today) for n in (1, 2, 3)]
    result = wsfe.FECAESolicitar(Auth=clients.auth(ticket), FeCAEReq=clients.cae_request(*details))

    caes = [d.CAE for d in result.FeDetResp.FECAEDetResponse]
    assert result.FeCabResp.Resultado == "A"
    assert len(set(caes)) == 3
    assert last_number(wsfe, ticket) == 3


def test_without_cbte_fch_the_processing_date_is_used(wsfe, ticket, today):
    result = wsfe.FECAESolicitar(
        Auth=clients.auth(ticket), FeCAEReq=clients.cae_request(clients.invoice_c(1, today, CbteFch=None))
    )
    assert result.FeDetResp.FECAEDetResponse[0].CbteFch == today


def test_the_same_request_twice_is_rejected_as_not_the_next_number(wsfe, ticket, today):
    request = clients.cae_request(clients.invoice_c(1, today))
    wsfe.FECAESolicitar(Auth=clients.auth(ticket), FeCAEReq=request)

    again = wsfe.FECAESolicitar(Auth=clients.auth(ticket), FeCAEReq=request)

    assert again.FeCabResp.Resultado == "R"
    detail = again.FeDetResp.FECAEDetResponse[0]
    assert (detail.Resultado, detail.CAE, detail.CAEFchVto) == ("R", None, None)  # <CAE />: empty
    assert err_codes(again) == [10016]


def test_consulting_an_authorized_voucher_returns_what_was_sent(wsfe, ticket, today):
    detail = clients.invoice_c(1, today, total="121.5")
    cae = wsfe.FECAESolicitar(Auth=clients.auth(ticket), FeCAEReq=clients.cae_request(detail))
    issued = cae.FeDetResp.FECAEDetResponse[0]

    found = wsfe.FECompConsultar(Auth=clients.auth(ticket), FeCompConsReq={"CbteTipo": 11, "CbteNro": 1, "PtoVta": 5})

    result = found.ResultGet
    assert (result.CodAutorizacion, result.FchVto, result.EmisionTipo) == (issued.CAE, issued.CAEFchVto, "CAE")
    assert (result.Resultado, result.PtoVta, result.CbteTipo, result.CbteDesde) == ("A", 5, 11, 1)
    assert (result.ImpTotal, result.ImpNeto, result.MonId, result.CondicionIVAReceptorId) == (121.5, 121.5, "PES", 5)
    assert result.FchProceso == cae.FeCabResp.FchProceso
    assert found.Errors is None


def test_consulting_a_voucher_never_issued_is_602(wsfe, ticket):
    found = wsfe.FECompConsultar(Auth=clients.auth(ticket), FeCompConsReq={"CbteTipo": 11, "CbteNro": 1, "PtoVta": 5})
    assert found.ResultGet is None
    assert err_codes(found) == [602]
    assert found.Errors.Err[0].Msg == "No existen datos en nuestros registros para los parametros ingresados."


def test_a_batch_with_a_rejected_voucher_is_partial(sim, wsfe, ticket, today):
    details = [
        clients.invoice_c(1, today),
        clients.invoice_c(2, today, total="100", ImpNeto="90"),  # ImpTotal != ImpNeto + ImpTrib (10048)
        clients.invoice_c(3, today),
    ]
    result = wsfe.FECAESolicitar(Auth=clients.auth(ticket), FeCAEReq=clients.cae_request(*details))

    assert result.FeCabResp.Resultado == "P"
    first, second, third = result.FeDetResp.FECAEDetResponse
    assert (first.Resultado, second.Resultado, third.Resultado) == ("A", "R", "R")
    assert first.CAE and not second.CAE and not third.CAE
    assert 10048 in obs_codes(second)  # the rejection reason, on the voucher
    assert 10016 in err_codes(result)  # what follows a rejection is not the next number either
    assert last_number(wsfe, ticket) == 1
    assert [v.detail["CbteDesde"] for v in sim.vouchers()] == [1]


def test_request_level_errors_reject_every_voucher(wsfe, ticket, today):
    request = clients.cae_request(clients.invoice_c(1, today), clients.invoice_c(2, today))
    request["FeCabReq"]["CantReg"] = 3

    result = wsfe.FECAESolicitar(Auth=clients.auth(ticket), FeCAEReq=request)

    assert result.FeCabResp.Resultado == "R"
    assert [d.Resultado for d in result.FeDetResp.FECAEDetResponse] == ["R", "R"]
    assert err_codes(result) == [10002]


def test_observations_come_with_an_approved_voucher(wsfe, ticket, today):
    invoice_a_to_a_monotributista = clients.invoice_c(
        1,
        today,
        total="121",
        DocTipo=80,
        DocNro=20111111112,
        ImpNeto="100",
        ImpIVA="21",
        Iva={"AlicIva": [{"Id": 5, "BaseImp": "100", "Importe": "21"}]},
        CondicionIVAReceptorId=6,
    )
    result = wsfe.FECAESolicitar(
        Auth=clients.auth(ticket), FeCAEReq=clients.cae_request(invoice_a_to_a_monotributista, cbte_tipo=1)
    )

    approved = result.FeDetResp.FECAEDetResponse[0]
    assert (result.FeCabResp.Resultado, approved.Resultado) == ("A", "A")
    assert approved.CAE
    assert obs_codes(approved) == [10217]
    found = wsfe.FECompConsultar(Auth=clients.auth(ticket), FeCompConsReq={"CbteTipo": 1, "CbteNro": 1, "PtoVta": 5})
    assert [obs.Code for obs in found.ResultGet.Observaciones.Obs] == [10217]
    assert [(iva.Id, iva.BaseImp, iva.Importe) for iva in found.ResultGet.Iva.AlicIva] == [(5, 100, 21)]


def test_records_per_request(sim, wsfe, ticket):
    assert wsfe.FECompTotXRequest(Auth=clients.auth(ticket)).RegXReq == 250
    sim.settings.reg_x_req = 10
    assert wsfe.FECompTotXRequest(Auth=clients.auth(ticket)).RegXReq == 10


def test_configured_points_of_sale(sim, wsfe, ticket, today):
    assert err_codes(wsfe.FEParamGetPtosVenta(Auth=clients.auth(ticket))) == [602]  # homologation has none
    sim.settings.points_of_sale = {clients.CUIT: [5, 7]}

    listed = wsfe.FEParamGetPtosVenta(Auth=clients.auth(ticket)).ResultGet.PtoVenta
    assert [(p.Nro, p.Bloqueado, p.FchBaja) for p in listed] == [(5, "N", "NULL"), (7, "N", "NULL")]
    other = wsfe.FECompUltimoAutorizado(Auth=clients.auth(ticket), PtoVta=6, CbteTipo=11)
    assert (other.CbteNro, err_codes(other)) == (0, [11002])
    refused = wsfe.FECAESolicitar(
        Auth=clients.auth(ticket), FeCAEReq=clients.cae_request(clients.invoice_c(1, today), pto_vta=6)
    )
    assert refused.FeCabResp.Resultado == "R"
    assert err_codes(refused) == [10005]


def test_parameter_tables(wsfe, ticket):
    auth = clients.auth(ticket)
    tables = {
        "FEParamGetTiposCbte": ("CbteTipo", 11),
        "FEParamGetTiposDoc": ("DocTipo", 80),
        "FEParamGetTiposIva": ("IvaTipo", "5"),
        "FEParamGetTiposMonedas": ("Moneda", "DOL"),
        "FEParamGetTiposTributos": ("TributoTipo", 99),
        "FEParamGetTiposOpcional": ("OpcionalTipo", "2101"),
        "FEParamGetTiposConcepto": ("ConceptoTipo", 2),
        "FEParamGetTiposPaises": ("PaisTipo", 200),
        "FEParamGetActividades": ("ActividadesTipo", 620100),
        "FEParamGetCondicionIvaReceptor": ("CondicionIvaReceptor", 5),
    }
    for operation, (item, expected_id) in tables.items():
        result = getattr(wsfe, operation)(Auth=auth)
        assert result.Errors is None, operation
        assert expected_id in [row.Id for row in getattr(result.ResultGet, item)], operation
    iva = wsfe.FEParamGetTiposIva(Auth=auth).ResultGet.IvaTipo
    assert [(row.Id, row.Desc, row.FchHasta) for row in iva][2] == ("5", "21%", "NULL")


def test_receiver_conditions_by_voucher_class(wsfe, ticket):
    auth = clients.auth(ticket)
    for_a = wsfe.FEParamGetCondicionIvaReceptor(Auth=auth, ClaseCmp="A").ResultGet.CondicionIvaReceptor
    assert sorted(row.Id for row in for_a) == [1, 6, 13, 16]
    used = wsfe.FEParamGetCondicionIvaReceptor(Auth=auth, ClaseCmp="49").ResultGet.CondicionIvaReceptor
    assert [row.Id for row in used] == [5]
    assert err_codes(wsfe.FEParamGetCondicionIvaReceptor(Auth=auth, ClaseCmp="M")) == [10244]


def test_rates(sim, wsfe, ticket):
    auth = clients.auth(ticket)
    dollar = wsfe.FEParamGetCotizacion(Auth=auth, MonId="DOL").ResultGet
    assert (dollar.MonId, dollar.MonCotiz) == ("DOL", 1450.5)
    assert datetime.strptime(dollar.FchCotiz, "%Y%m%d").weekday() < 5  # the previous business day
    sim.settings.rates = {"DOL": Decimal("1000.25")}
    assert wsfe.FEParamGetCotizacion(Auth=auth, MonId="DOL", FchCotiz="20260105").ResultGet.FchCotiz == "20260105"
    assert wsfe.FEParamGetCotizacion(Auth=auth, MonId="DOL").ResultGet.MonCotiz == 1000.25
    assert err_codes(wsfe.FEParamGetCotizacion(Auth=auth, MonId="XXX")) == [12000]
    assert err_codes(wsfe.FEParamGetCotizacion(Auth=auth)) == [12001]
    assert err_codes(wsfe.FEParamGetCotizacion(Auth=auth, MonId="DOL", FchCotiz="2026-01-05")) == [12002]


def test_last_authorized_validates_its_input(wsfe, ticket):
    auth = clients.auth(ticket)
    assert err_codes(wsfe.FECompUltimoAutorizado(Auth=auth, PtoVta=0, CbteTipo=11)) == [11000]
    assert err_codes(wsfe.FECompUltimoAutorizado(Auth=auth, PtoVta=5, CbteTipo=14)) == [11001]


def test_events_are_added_to_every_answer(sim, wsfe, ticket):
    sim.settings.events = [(39, "Aviso de prueba")]
    result = wsfe.FECompTotXRequest(Auth=clients.auth(ticket))
    assert [(e.Code, e.Msg) for e in result.Events.Evt] == [(39, "Aviso de prueba")]
