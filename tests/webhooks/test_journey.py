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


def test_a_deposited_file_settled_by_chorus_pro_is_told_with_its_invoices(
    demo_world,
    receiver,
    endpoint_for,
    monkeypatch,
    django_user_model,
    django_capture_on_commit_callbacks,
):
    from django.utils import timezone

    from invoices.flows.deposit import FLOW_SEND_TASK
    from invoices.flows.services import flow_report_poll, flow_send, flow_upload
    from invoices.models import Flow
    from tests.chorus_emulator.samples import ubl_xml
    from tests.jobs import task_queued

    supplier = Structure.objects.get(siret="12345678200010")
    _endpoint, secret = endpoint_for(supplier, receiver.url, ["flow.settled"])
    user = django_user_model.objects.get(username="fournisseur")
    with task_queued(FLOW_SEND_TASK):
        outcome = flow_upload(
            supplier=supplier, user=user, files=[("ubl.xml", ubl_xml("UBL-0777", "19350936100013"))]
        )
    [flow] = outcome.flows
    queued = queued_ids(monkeypatch, DELIVER_TASK)
    assert flow_send(flow_id=flow.pk) == "deposited"
    demo_world.advance(20)
    Flow.objects.filter(pk=flow.pk).update(next_poll_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert flow_report_poll(flow_id=flow.pk) == "integrated"
    [delivery_id] = queued
    assert delivery_attempt(delivery_id=delivery_id) == "delivered"

    event = receiver.verified(receiver.requests[0], secret)
    assert event["type"] == "flow.settled"
    settled = event["data"]["flow"]
    assert (settled["status"], settled["chorus_state"]) == ("integrated", "IN_INTEGRE")
    [linked] = settled["files"]
    assert linked["number"] == "UBL-0777" and linked["link"] == "linked"
    assert linked["invoice_id"] == Flow.objects.get(pk=flow.pk).file_names[0]["invoice_id"]
