"""The loop closes: a recipient's decision reaches the supplier through the status sync, and a
supplier's completion reaches the recipient's inbox through the inbox sync. Both sides look at
one row."""

import pytest
from django.core import mail

from chorus_client import InvoiceStatus
from invoices.inbox.services import inbox_sync_for_connection
from invoices.models import Invoice, Notification
from invoices.selectors import invoice_list_for_space
from invoices.sending.status_sync import status_sync_for_connection
from invoices.sending.submission import invoice_send
from portal.spaces import Space
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection, Membership

pytestmark = pytest.mark.slow


def _space(username: str, role: str, siret: str) -> Space:
    return Space(Membership.objects.get(user__username=username, role=role, structure__siret=siret))


def _connection(siret: str) -> ChorusConnection:
    return ChorusConnection.objects.select_related("structure").get(structure__siret=siret)


def test_decisions_and_completions_travel_both_ways_on_one_shared_row(
    ready_invoice, demo_world, django_capture_on_commit_callbacks
):
    supplier = _connection("12345678200010")  # Atelier Numérique, a portal supplier
    commune = _connection("21750001600019")  # Commune de Villeneuve, a portal recipient
    supplier_space = _space("fournisseur", Membership.Role.SUPPLIER_AGENT, "12345678200010")
    commune_space = _space("commune", Membership.Role.RECIPIENT_AGENT, "21750001600019")

    def both_syncs() -> None:
        for connection in (supplier, commune):
            connection.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            status_sync_for_connection(connection=supplier)
            inbox_sync_for_connection(connection=commune)

    both_syncs()  # the commune's first cycle: its (empty) inbox is imported
    Invoice.objects.filter(pk=ready_invoice.pk).update(status=Invoice.Status.QUEUED)
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
    invoice = Invoice.objects.get(pk=ready_invoice.pk)

    # Chorus Pro routes it: the commune sees it in its inbox, the very row the supplier sent.
    demo_world.advance(10)
    both_syncs()
    assert list(invoice_list_for_space(space=commune_space)) == [invoice]
    assert list(invoice_list_for_space(space=supplier_space)) == [invoice]
    invoice.refresh_from_db()
    assert invoice.chorus_status == "MISE_A_DISPOSITION"
    assert Notification.objects.filter(user__username="commune", invoice=invoice).count() == 1

    # The commune suspends it in Chorus Pro: the supplier sees why.
    demo_world.set_status(invoice.chorus_invoice_id, "SUSPENDUE", motif="Bon de livraison absent")
    both_syncs()
    invoice.refresh_from_db()
    assert invoice.chorus_status == "SUSPENDUE"
    assert "Bon de livraison absent" in invoice.events.first().comment
    assert Notification.objects.filter(user__username="fournisseur", invoice=invoice).exists()

    # The supplier completes it: back on the commune's desk, and the commune is told.
    with chorus_client_for(supplier) as client:
        client.supplier.complete(invoice.chorus_invoice_id, comment="Bon de livraison joint")
    mail.outbox.clear()
    both_syncs()
    invoice.refresh_from_db()
    assert invoice.chorus_status == "COMPLETEE"
    told = Notification.objects.filter(user__username="commune", invoice=invoice)
    assert [n.message for n in told.order_by("pk")] == [
        "Nouvelle facture F-2026-0042 de Atelier Numérique SAS.",
        "La facture F-2026-0042 de Atelier Numérique SAS a été complétée par le fournisseur.",
    ]
    assert any("commune@demo.portail.test" in m.to for m in mail.outbox)

    # The commune orders the payment in Chorus Pro: the supplier's view follows.
    with chorus_client_for(commune) as client:
        client.recipient.treat(
            invoice.chorus_invoice_id, InvoiceStatus.MANDATEE, mandate_number="M-2026-17"
        )
    both_syncs()
    invoice.refresh_from_db()
    assert invoice.chorus_status == "MANDATEE"
    assert Invoice.objects.count() == 1
    timeline = list(invoice.events.filter(source="chorus").values_list("status", flat=True))
    assert timeline[:4] == ["MANDATEE", "COMPLETEE", "SUSPENDUE", "MISE_A_DISPOSITION"]
