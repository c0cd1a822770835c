"""Deployment settings, read from the environment the template gives every function."""

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    table_name: str
    idempotency_table_name: str
    secrets_prefix: str
    pdf_bucket: str | None
    cae_queue_url: str | None
    pdf_queue_url: str | None
    billing_run_queue_url: str | None
    tenant_usage_plan: str | None  # the usage plan (by name) that throttles each tenant's keys
    webhook_queue_url: str | None
    mercadopago_queue_url: str | None


class MissingConfiguration(RuntimeError):
    """The template did not give this function a variable it needs: raised at import, so the cold start fails."""


def require(*names: str) -> Settings:
    """Check at cold start that the environment holds `names` (non-empty): a deployment missing one fails at init,
    not at the first S3 or SQS call of some request."""
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        raise MissingConfiguration(f"Missing configuration: {', '.join(missing)} (set by template.yaml).")
    return settings()


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings(
        table_name=table_name(),
        idempotency_table_name=os.environ.get("IDEMPOTENCY_TABLE_NAME", "billing-idempotency"),
        secrets_prefix=os.environ.get("SECRETS_PREFIX", "billing/"),
        pdf_bucket=os.environ.get("PDF_BUCKET"),
        cae_queue_url=os.environ.get("CAE_QUEUE_URL"),
        pdf_queue_url=os.environ.get("PDF_QUEUE_URL"),
        billing_run_queue_url=os.environ.get("BILLING_RUN_QUEUE_URL"),
        tenant_usage_plan=os.environ.get("TENANT_USAGE_PLAN"),
        webhook_queue_url=os.environ.get("WEBHOOK_QUEUE_URL"),
        mercadopago_queue_url=os.environ.get("MERCADOPAGO_QUEUE_URL"),
    )


@dataclass(frozen=True)
class ArcaEndpoints:
    wsaa_url: str
    wsfe_url: str
    wsaa_wsdl: str
    wsfe_wsdl: str
    padron_url: str  # the registry's base: personaServiceA5 and personaServiceA13 live under it
    padron_a5_wsdl: str
    padron_a13_wsdl: str

    @property
    def padron_a5_url(self) -> str:
        return f"{self.padron_url}/personaServiceA5"

    @property
    def padron_a13_url(self) -> str:
        return f"{self.padron_url}/personaServiceA13"


_ARCA_DEFAULTS = {
    "homologation": (
        "https://wsaahomo.afip.gov.ar/ws/services/LoginCms",
        "https://wswhomo.afip.gov.ar/wsfev1/service.asmx",
        "wsfev1.wsdl",
        "https://awshomo.afip.gov.ar/sr-padron/webservices",
    ),
    "production": (
        "https://wsaa.afip.gov.ar/ws/services/LoginCms",
        "https://servicios1.afip.gov.ar/wsfev1/service.asmx",
        "wsfev1-production.wsdl",
        "https://aws.afip.gov.ar/sr-padron/webservices",
    ),
}


def arca_endpoints(environment: str) -> ArcaEndpoints:
    """Where ARCA is for `environment` (homologation or production), and the local WSDL files describing it."""
    wsaa_default, wsfe_default, wsfe_wsdl, padron_default = _ARCA_DEFAULTS[environment]
    prefix = f"ARCA_{environment.upper()}"
    wsdl_dir = os.environ.get("ARCA_WSDL_DIR", "/opt/python/arca_wsdl")
    return ArcaEndpoints(
        wsaa_url=os.environ.get(f"{prefix}_WSAA_URL", wsaa_default),
        wsfe_url=os.environ.get(f"{prefix}_WSFE_URL", wsfe_default),
        wsaa_wsdl=os.path.join(wsdl_dir, "wsaa.wsdl"),
        wsfe_wsdl=os.path.join(wsdl_dir, wsfe_wsdl),
        padron_url=os.environ.get(f"{prefix}_PADRON_URL", padron_default).rstrip("/"),
        # The registry's WSDLs differ between environments only in their address, which the client overrides.
        padron_a5_wsdl=os.path.join(wsdl_dir, "padron-a5.wsdl"),
        padron_a13_wsdl=os.path.join(wsdl_dir, "padron-a13.wsdl"),
    )


def table_name() -> str:
    return os.environ.get("TABLE_NAME", "billing")


def events_table_name() -> str:
    return os.environ.get("EVENTS_TABLE_NAME", "billing-events")
