"""Following sent invoices: one batch query per account, history only for what changed."""

import pytest
from django.core import mail

from invoices.models import Invoice, Notification
from invoices.sending.status_sync import status_sync_for_connection
from structures.models import ChorusConnection

pytestmark = pytest.mark.slow

HISTORY = "factures/v1/consulter/historique"
SEARCH = "factures/v1/rechercher/fournisseur"


def _calls(emulator, operation):
    return emulator.calls()["operations"].get(operation, 0)


def test_statuses_reached_in_chorus_pro_arrive_with_their_history(
    sent_invoice, demo_world, django_capture_on_commit_callbacks
):
    connection = ChorusConnection.objects.get(structure=sent_invoice.supplier)
    demo_world.advance(10)  # two steps: EN_COURS_ACHEMINEMENT, then MISE_A_DISPOSITION
    with django_capture_on_commit_callbacks(execute=True):
        report = status_sync_for_connection(connection=connection)
    sent_invoice.refresh_from_db()
    assert sent_invoice.chorus_status == "MISE_A_DISPOSITION"
    assert sent_invoice.made_available_at is not None
    statuses = list(sent_invoice.events.filter(source="chorus").values_list("status", flat=True))
    assert statuses[:2] == ["MISE_A_DISPOSITION", "EN_COURS_ACHEMINEMENT"]
    assert (report.changed, report.histories_read) == (1, 1)
    # Both supplier users are told, in the portal and by e-mail.
    assert Notification.objects.filter(invoice=sent_invoice).count() == 2
    assert len(mail.outbox) == 2 and "F-2026-0042" in mail.outbox[0].subject


def test_a_cycle_without_change_reads_no_history(sent_invoice, demo_world):
    connection = ChorusConnection.objects.get(structure=sent_invoice.supplier)
    demo_world.advance(10)
    status_sync_for_connection(connection=connection)
    events = sent_invoice.events.count()
    histories = _calls(demo_world, HISTORY)
    connection.refresh_from_db()
    report = status_sync_for_connection(connection=connection)
    assert report.histories_read == 0
    assert _calls(demo_world, HISTORY) == histories
    assert sent_invoice.events.count() == events


def test_a_suspension_by_the_recipient_reaches_the_supplier_with_its_motive(
    sent_invoice, demo_world
):
    connection = ChorusConnection.objects.get(structure=sent_invoice.supplier)
    demo_world.advance(10)
    demo_world.set_status(
        sent_invoice.chorus_invoice_id, "SUSPENDUE", motif="Bon de livraison manquant"
    )
    status_sync_for_connection(connection=connection)
    sent_invoice.refresh_from_db()
    assert sent_invoice.chorus_status == "SUSPENDUE"
    assert not sent_invoice.is_final
    latest = sent_invoice.events.first()
    assert latest.status == "SUSPENDUE" and "Bon de livraison manquant" in latest.comment


def test_accounts_are_due_often_while_invoices_travel_and_never_once_all_are_final(sent_invoice):
    from datetime import timedelta

    from django.utils import timezone

    from invoices.sending.status_sync import connections_due_for_sync

    connection = ChorusConnection.objects.get(structure=sent_invoice.supplier)
    assert connections_due_for_sync() == [connection]
    ChorusConnection.objects.filter(pk=connection.pk).update(statuses_synced_until=timezone.now())
    assert connections_due_for_sync() == []
    assert connections_due_for_sync(now=timezone.now() + timedelta(minutes=2)) == [connection]
    Invoice.objects.filter(pk=sent_invoice.pk).update(chorus_status="MANDATEE")
    assert connections_due_for_sync(now=timezone.now() + timedelta(minutes=2)) == []
    assert connections_due_for_sync(now=timezone.now() + timedelta(minutes=31)) == [connection]
    Invoice.objects.filter(pk=sent_invoice.pk).update(chorus_status="MISE_EN_PAIEMENT")
    assert connections_due_for_sync(now=timezone.now() + timedelta(days=1)) == []
