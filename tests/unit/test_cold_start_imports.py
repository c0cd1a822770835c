"""Each function imports only what it uses: the HTTP functions never load the SOAP or PDF stacks."""

import pytest

from local.cold_start import handler_import
from local.template import load_stack

STACK = load_stack()


@pytest.mark.parametrize("function", ["ApiFunction", "MercadoPagoWebhookFunction", "AuthorizerFunction"])
def test_http_functions_do_not_import_soap_or_pdf_libraries(function):
    profile = handler_import(STACK.functions[function], STACK.deployment)
    assert profile.imports("aws_lambda_powertools")
    assert [p for p in ("zeep", "reportlab", "qrcode") if profile.imports(p)] == []


def test_the_cae_worker_does_not_import_the_pdf_stack():
    profile = handler_import(STACK.functions["CaeWorkerFunction"], STACK.deployment)
    assert not profile.imports("reportlab") and not profile.imports("qrcode")
