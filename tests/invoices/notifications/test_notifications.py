"""Notices of status changes: one per person and change, in each person's language, with links
that open from a mail client."""

import pytest
from django.core import mail
from django.db import IntegrityError

from invoices.models import Invoice, Notification, StatusEvent
from invoices.notifications.services import notify_inbox_arrivals, notify_status_change
from invoices.sending.status_sync import history_record
from portal.languages import language_for_user_set
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection, Membership


@pytest.mark.slow
def test_a_change_recorded_by_two_syncs_at_once_is_told_once_per_person(
    sent_invoice, demo_world, django_capture_on_commit_callbacks
):
    # The supplier's status sync and the recipient's inbox sync each load the invoice (one row
    # for both sides), then each reads its history from Chorus Pro and records it.
    demo_world.advance(10)
    supplier_copy = Invoice.objects.get(pk=sent_invoice.pk)
    recipient_copy = Invoice.objects.get(pk=sent_invoice.pk)
    connection = ChorusConnection.objects.get(structure=sent_invoice.supplier)
    with chorus_client_for(connection) as client:
        history = client.supplier.history(sent_invoice.chorus_invoice_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert history_record(supplier_copy, history) is True
        assert history_record(recipient_copy, history) is False

    # fournisseur and fournisseur2: one notice and one e-mail each.
    notices = Notification.objects.filter(invoice=sent_invoice)
    assert sorted(notices.values_list("user__username", flat=True)) == [
        "fournisseur",
        "fournisseur2",
    ]
    assert len(mail.outbox) == 2


def test_the_database_keeps_one_notice_per_person_and_change(make_structure, make_user):
    supplier = make_structure()
    invoice = Invoice.objects.create(supplier=supplier, number="F-1")
    event = StatusEvent.objects.create(
        invoice=invoice,
        status="MISE_A_DISPOSITION",
        occurred_at="2026-03-01T10:00Z",
        source="chorus",
    )
    user = make_user((supplier, Membership.Role.SUPPLIER_AGENT))
    Notification.objects.create(user=user, invoice=invoice, status_event=event, message="a")
    with pytest.raises(IntegrityError):
        Notification.objects.create(user=user, invoice=invoice, status_event=event, message="b")


@pytest.fixture
def supplier_invoice(make_structure, make_user, make_invoice):
    supplier = make_structure(name="Atelier Test")
    invoice = make_invoice(
        supplier,
        number="F-2026-0042",
        status="submitted",
        chorus_invoice_id=4242,
        chorus_status="MISE_A_DISPOSITION",
    )
    french = make_user((supplier, Membership.Role.SUPPLIER_AGENT), username="marie")
    english = make_user((supplier, Membership.Role.STRUCTURE_MANAGER), username="john")
    language_for_user_set(user=english, language="en")
    return invoice, french, english


def test_each_person_is_told_in_their_own_language_with_a_link_that_opens(
    supplier_invoice, settings
):
    settings.PORTAL_BASE_URL = "https://portail.example.fr/"
    invoice, french, english = supplier_invoice

    assert notify_status_change(invoice_id=invoice.pk, status="MISE_A_DISPOSITION") == 2

    assert Notification.objects.get(user=french).message == (
        "La facture F-2026-0042 est maintenant\u00a0: Mise à disposition."
    )
    assert Notification.objects.get(user=english).message == (
        "Invoice F-2026-0042 is now: Made available."
    )
    link = f"https://portail.example.fr/factures/{invoice.pk}/"
    by_address = {message.to[0]: message for message in mail.outbox}
    assert link in by_address["marie@example.test"].body
    assert "Ouvrir la facture" in by_address["marie@example.test"].body
    assert by_address["john@example.test"].subject == "Invoice F-2026-0042 is now: Made available."
    assert f"Open the invoice: {link}" in by_address["john@example.test"].body


def test_agents_learn_of_arrivals_in_their_own_language_with_a_link_to_their_list(
    make_structure, make_user, make_invoice, settings
):
    settings.PORTAL_BASE_URL = "https://portail.example.fr"
    commune = make_structure(name="Commune", kind="public")
    invoice = make_invoice(make_structure(name="Bureau SARL"), commune, number="B-7")
    make_user((commune, Membership.Role.RECIPIENT_AGENT), username="agent")
    english = make_user((commune, Membership.Role.RECIPIENT_AGENT), username="agent_en")
    language_for_user_set(user=english, language="en")

    notify_inbox_arrivals(structure_id=commune.pk, side="recipient", new_ids=[invoice.pk])

    assert Notification.objects.get(user=english).message == "New invoice B-7 from Bureau SARL."
    assert Notification.objects.get(user__username="agent").message == (
        "Nouvelle facture B-7 de Bureau SARL."
    )
    for message in mail.outbox:
        assert "https://portail.example.fr/destinataire/" in message.body
