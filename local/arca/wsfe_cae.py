"""FECAESolicitar: evaluate a request with `local.arca.rules`, authorize what it approves (a CAE, its due date, the
ledger's numbering) and answer the way WSFEv1 does (docs/arca-rules.md 3.3-3.5).

Resultado is A, P or R; rejected vouchers carry an empty CAE. Numbering problems (10016 "not the next number") come
as Errors of the request and other rejections as Observaciones of their voucher, as homologation answers them
(arcasim wsfev1-codigos.md section 1).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from lxml import etree

from local.arca import rules
from local.arca import wsfe_request as request
from local.arca import wsfe_response as response
from local.arca.clock import ARGENTINA, Clock
from local.arca.ledger import IssuedVoucher, Key, Ledger
from local.arca.settings import Settings

OPERATION = "FECAESolicitar"
CAE_VALIDITY = timedelta(days=10)  # CAEFchVto = CbteFch + 10 days in every observed case (docs/arca-rules.md 3.3)
POINT_OF_SALE_NOT_RECE = (10005, "El punto de venta informado debe estar dado de alta y ser del tipo RECE.")
ECHOED = ("Concepto", "DocTipo", "DocNro", "CbteDesde", "CbteHasta")


class CaeIssuer:
    def __init__(self, ledger: Ledger, clock: Clock, settings: Settings):
        self.ledger = ledger
        self.clock = clock
        self.settings = settings

    def answer(self, operation: etree._Element, cuit: int) -> etree._Element:
        header, details = request.cae_request(operation)
        key = (cuit, header["PtoVta"], header["CbteTipo"])
        now = self.clock.now()
        with self.ledger.transaction():  # evaluated against the numbering it then advances
            evaluation = rules.evaluate(header, details, self._context(key, now))
            request_errors = [(f.code, f.message) for f in evaluation.errors]
            if not self.settings.point_of_sale_enabled(cuit, header["PtoVta"]):
                request_errors.append(POINT_OF_SALE_NOT_RECE)
            issued = [
                self._authorize(key, detail, verdict, now) if verdict.approved and not request_errors else None
                for detail, verdict in zip(details, evaluation.verdicts, strict=True)
            ]
        return self._answer(key, header, details, evaluation.verdicts, request_errors, issued, now)

    def _context(self, key: Key, now: datetime) -> rules.Context:
        cuit = key[0]
        last_number, last_date = self.ledger.last(key)
        return rules.Context(
            issuer_cuit=cuit,
            today=now.astimezone(ARGENTINA).date(),
            last_number=last_number,
            last_date=last_date,
            reg_x_req=self.settings.reg_x_req,
            rates=dict(self.settings.rates),
            issued=lambda tipo, pto_vta, number: self._issued(cuit, tipo, pto_vta, number),
        )

    def _authorize(self, key: Key, detail: dict[str, Any], verdict: rules.Verdict, now: datetime) -> IssuedVoucher:
        today = now.astimezone(ARGENTINA).date()
        voucher_date: date = rules.parse_date(detail["CbteFch"]) or today  # absent CbteFch: the processing date
        voucher = IssuedVoucher(
            cuit=key[0],
            pto_vta=key[1],
            cbte_tipo=key[2],
            detail={**detail, "CbteFch": voucher_date.strftime("%Y%m%d")},
            cae=self.ledger.new_cae(),
            cae_due=(voucher_date + CAE_VALIDITY).strftime("%Y%m%d"),
            processed_at=response.processing_time(now),
            observations=[(f.code, f.message) for f in verdict.observations],
        )
        self.ledger.record(voucher, voucher_date)
        return voucher

    def _issued(self, cuit: int, tipo: int, pto_vta: int, number: int) -> dict[str, Any] | None:
        """The rules' lookup of associated vouchers of the same issuer."""
        voucher = self.ledger.find((cuit, pto_vta, tipo), number)
        if voucher is None:
            return None
        return {**voucher.detail, "CbteTipo": tipo, "PtoVta": pto_vta, "CAE": voucher.cae}

    def _answer(self, key, header, details, verdicts, request_errors, issued, now) -> etree._Element:
        approved = sum(voucher is not None for voucher in issued)
        root, result = response.operation_result(OPERATION)
        cab = response.add(result, "FeCabResp", "")
        response.add(cab, "Cuit", key[0])
        response.add(cab, "PtoVta", header["PtoVta"])
        response.add(cab, "CbteTipo", header["CbteTipo"])
        response.add(cab, "FchProceso", response.processing_time(now))
        response.add(cab, "CantReg", header["CantReg"])
        response.add(cab, "Resultado", "A" if approved and approved == len(details) else "P" if approved else "R")
        response.add(cab, "Reproceso", "N")
        det = response.add(result, "FeDetResp", "")
        errors: list[response.Message] = list(request_errors)
        for detail, verdict, voucher in zip(details, verdicts, issued, strict=True):
            numbering = [(f.code, f.message) for f in verdict.errors if _is_numbering(f)]
            errors += [error for error in numbering if error not in errors]
            rejections = [(f.code, f.message) for f in verdict.errors if not _is_numbering(f)]
            observations = rejections + [(f.code, f.message) for f in verdict.observations]
            _detail_answer(det, detail, voucher, observations)
        response.finish(OPERATION, result, errors, self.settings.events)
        return root


def _detail_answer(parent, detail: dict[str, Any], voucher: IssuedVoucher | None, observations) -> None:
    item = response.add(parent, "FECAEDetResponse", "")
    for name in ECHOED:
        response.add(item, name, detail[name])
    response.add(item, "CbteFch", voucher.detail["CbteFch"] if voucher else detail["CbteFch"])
    response.add(item, "Resultado", "A" if voucher else "R")
    response.observations(item, observations)
    response.add(item, "CAE", voucher.cae if voucher else "")  # rejected: an empty <CAE />
    response.add(item, "CAEFchVto", voucher.cae_due if voucher else "")


def _is_numbering(finding: rules.Finding) -> bool:
    return finding.message.startswith(rules.NUMBER_OR_DATE_MESSAGE)
