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


@pytest.mark.parametrize("function", ["ApiFunction", "AuthorizerFunction", "CaeWorkerFunction", "PdfRendererFunction"])
def test_what_the_first_request_may_not_need_loads_on_first_use(function):
    """The OpenAPI models (only for the document), boto3 and its S3 transfer manager (botocore does the calls),
    the X-Ray SDK (Lambda's active tracing traces the invocations) and cryptography (certificates, logins)."""
    profile = handler_import(STACK.functions[function], STACK.deployment)
    late = ("aws_lambda_powertools.event_handler.openapi.models", "boto3", "s3transfer", "aws_xray_sdk", "cryptography")
    assert [name for name in late if profile.imports(name)] == []


def test_the_authorizer_loads_no_resolver():
    profile = handler_import(STACK.functions["AuthorizerFunction"], STACK.deployment)
    assert not profile.imports("aws_lambda_powertools.event_handler")
