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


def test_the_cae_worker_loads_the_soap_stack_and_the_invoice_view_with_its_first_run_that_has_work():
    """A wake-up that finds no work, or a live worker holding the lease, never talks to ARCA nor records an event."""
    profile = handler_import(STACK.functions["CaeWorkerFunction"], STACK.deployment)
    later = ("zeep", "lxml", "requests", "billing.services.invoice_mapping", "billing.schemas.invoices")
    assert [name for name in later if profile.imports(name)] == []


@pytest.mark.parametrize("function", ["ApiFunction", "AuthorizerFunction", "CaeWorkerFunction", "PdfRendererFunction"])
def test_what_the_first_request_may_not_need_loads_on_first_use(function):
    """The OpenAPI models (only for the document), boto3 and its S3 transfer manager (botocore does the calls),
    the X-Ray SDK (Lambda's active tracing traces the invocations) and cryptography (certificates, logins)."""
    profile = handler_import(STACK.functions[function], STACK.deployment)
    late = ("aws_lambda_powertools.event_handler.openapi.models", "boto3", "s3transfer", "aws_xray_sdk", "cryptography")
    assert [name for name in late if profile.imports(name)] == []


def test_the_mercado_pago_webhook_verifies_and_queues_with_botocore_alone():
    """Issue 17: its signature check and queueing need neither PynamoDB nor pydantic nor the resolver's OpenAPI."""
    profile = handler_import(STACK.functions["MercadoPagoWebhookFunction"], STACK.deployment)
    heavy = ("pynamodb", "pydantic", "boto3", "mercadopago", "requests", "aws_xray_sdk", "cryptography")
    assert [name for name in heavy if profile.imports(name)] == []
    assert not profile.imports("aws_lambda_powertools.event_handler.openapi.models")
    assert not profile.imports("aws_lambda_powertools.utilities.parameters")


@pytest.mark.parametrize("function", ["ApiFunction", "PdfRendererFunction", "CaeWorkerFunction"])
def test_the_mercado_pago_sdk_loads_only_for_a_call_to_mercado_pago(function):
    """They import payment links (a link made on request or by auto_link) but most starts call no one."""
    profile = handler_import(STACK.functions[function], STACK.deployment)
    assert not profile.imports("mercadopago")


@pytest.mark.parametrize("function", ["MercadoPagoWorkerFunction", "MercadoPagoPollerFunction"])
def test_the_mercado_pago_worker_and_poller_load_no_xray_sdk_nor_boto3(function):
    profile = handler_import(STACK.functions[function], STACK.deployment)
    assert not profile.imports("aws_xray_sdk") and not profile.imports("boto3")


def test_the_authorizer_loads_no_resolver():
    profile = handler_import(STACK.functions["AuthorizerFunction"], STACK.deployment)
    assert not profile.imports("aws_lambda_powertools.event_handler")


def test_the_authorizer_finds_the_key_and_its_tenant_with_botocore_alone():
    """Issue 17: it reads two items per cache miss; PynamoDB and pydantic would double its cold start."""
    profile = handler_import(STACK.functions["AuthorizerFunction"], STACK.deployment)
    assert [name for name in ("pynamodb", "pydantic", "boto3") if profile.imports(name)] == []


@pytest.mark.parametrize("function", sorted(STACK.functions))
def test_every_handler_collects_again_once_imported_with_what_it_loaded_frozen(function):
    """The collector is off while a handler imports (its objects live as long as the container) and on afterwards."""
    profile = handler_import(STACK.functions[function], STACK.deployment)
    assert profile.collecting
    assert profile.frozen > 10_000
