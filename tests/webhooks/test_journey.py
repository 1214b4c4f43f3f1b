"""From Chorus Pro to the integrator: an invoice sent by the portal, routed and paid in the
(emulated) Chorus Pro, its statuses read by the status sync, each delivered signed to the
supplier's and the recipient's software."""

from datetime import date
from decimal import Decimal

import pytest

from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice, InvoiceLine
from invoices.sending.status_sync import status_sync_for_connection
from invoices.sending.submission import invoice_send
from structures.models import ChorusConnection, Structure
from tests.jobs import queued_ids
from webhooks.delivery import delivery_attempt
from webhooks.events import DELIVER_TASK

pytestmark = pytest.mark.slow


def _sent_invoice() -> Invoice:
    supplier = Structure.objects.get(siret="12345678200010")
    commune = Structure.objects.get(siret="21750001600019")
    invoice = Invoice.objects.create(
        supplier=supplier,
        recipient=commune,
        service=commune.services.get(code="SERV_TECH"),
        number="F-2026-0777",
        issue_date=date(2026, 11, 20),
        due_date=date(2026, 12, 20),
        payment_mode="transfer",
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        description="Maintenance",
        quantity=Decimal(2),
        unit="DAY",
        unit_price=Decimal("450.00"),
        vat_rate=Decimal(20),
    )
    invoice_totals_refresh(invoice=invoice)
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.QUEUED)
    assert invoice_send(invoice_id=invoice.pk) == "submitted"
    invoice.refresh_from_db()
    return invoice


def test_statuses_read_from_chorus_pro_reach_both_sides_software(
    demo_world, receiver, endpoint_for, monkeypatch, django_capture_on_commit_callbacks
):
    queued = queued_ids(monkeypatch, DELIVER_TASK)
    supplier = Structure.objects.get(siret="12345678200010")
    commune = Structure.objects.get(siret="21750001600019")
    _endpoint, supplier_secret = endpoint_for(supplier, receiver.url + "/supplier")
    _endpoint, commune_secret = endpoint_for(commune, receiver.url + "/commune")
    connection = ChorusConnection.objects.get(structure=supplier)

    with django_capture_on_commit_callbacks(execute=True):
        invoice = _sent_invoice()
        demo_world.advance(10)  # routed: EN_COURS_ACHEMINEMENT, then MISE_A_DISPOSITION
        status_sync_for_connection(connection=connection)
        demo_world.set_status(invoice.chorus_invoice_id, "MISE_EN_PAIEMENT")
        status_sync_for_connection(connection=ChorusConnection.objects.get(pk=connection.pk))
    assert receiver.requests == []  # nothing left during the syncs: workers deliver
    assert {delivery_attempt(delivery_id=pk) for pk in queued} == {"delivered"}

    secrets = {"/hooks/supplier": supplier_secret, "/hooks/commune": commune_secret}
    told: dict[str, list] = {"/hooks/supplier": [], "/hooks/commune": []}
    for request in receiver.requests:
        event = receiver.verified(request, secrets[request["path"]])
        assert event["data"]["invoice"]["number"] == "F-2026-0777"
        told[request["path"]].append((event["type"], event["data"]["status"]))
    supplier_told = told["/hooks/supplier"]
    assert ("invoice.status_changed", "submitted") in supplier_told
    assert ("invoice.status_changed", "MISE_A_DISPOSITION") in supplier_told
    assert ("invoice.paid", "MISE_EN_PAIEMENT") in supplier_told
    # The recipient's software hears of Chorus Pro's statuses once the invoice reached it.
    assert ("invoice.status_changed", "submitted") not in told["/hooks/commune"]
    assert ("invoice.status_changed", "MISE_A_DISPOSITION") in told["/hooks/commune"]
    assert ("invoice.paid", "MISE_EN_PAIEMENT") in told["/hooks/commune"]
