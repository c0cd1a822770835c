"""Every model of the billing table, and the transactions, go through the container's one DynamoDB client: PynamoDB
would build one per model class, each loading DynamoDB's service model again on a cold container."""

from concurrent.futures import ThreadPoolExecutor

from billing.data import models
from billing.data.events import EventRecord
from billing.data.invoices import InvoiceRecord
from billing.data.models import TenantRecord
from billing.data.receivables import AccountRecord
from billing.data.taxpayers import RegistryRecord


def test_models_and_transactions_share_one_client_built_once_even_by_threads_at_once():
    with ThreadPoolExecutor(max_workers=4) as pool:
        clients = list(
            pool.map(
                lambda model: model._get_connection().connection.client,
                [TenantRecord, InvoiceRecord, AccountRecord, EventRecord, RegistryRecord],
            )
        )
    clients.append(models.transactions().client)
    assert len({id(client) for client in clients}) == 1


def test_a_model_still_reads_and_writes_its_own_items_through_the_shared_client():
    TenantRecord(pk="TENANT#t1", tenant_id="t1", name="Uno", cuit="20123456786", gsi1sk="t1", created_at="now").save()
    assert TenantRecord.get("TENANT#t1", "TENANT").name == "Uno"
    assert [t.tenant_id for t in TenantRecord.by_listing.query("TENANTS")] == ["t1"]
