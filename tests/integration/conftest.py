import pytest

from billing.services import tenants


@pytest.fixture(autouse=True)
def _fresh_aws(aws):
    """Every integration test starts from the template's resources, empty."""
    return aws


class Account:
    def __init__(self, name: str, cuit: str):
        self.tenant = tenants.create_tenant(name, cuit)
        self.test_key = tenants.create_api_key(self.tenant.tenant_id, "test").secret
        self.live_key = tenants.create_api_key(self.tenant.tenant_id, "live").secret


@pytest.fixture
def account() -> Account:
    return Account("Demo SRL", "30712345671")


@pytest.fixture
def other_account() -> Account:
    return Account("Otra SA", "20123456786")
