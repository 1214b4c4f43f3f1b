"""Notifications people can sort through: filtered by kind and by invoice, repeated notices about
one invoice grouped under the newest, and e-mails as each person chooses (each notice, a daily
digest, or none)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from invoices.models import Invoice, Notification, StatusEvent
from invoices.notifications.preferences import notice_emails_set
from invoices.notifications.services import notice_digests_send, notify_status_change
from invoices.notifications.tasks import notifications_digest, notifications_weekly_recap
from portal.celery import app
from structures.models import Membership


@pytest.fixture
def supplier_user(make_structure, make_user):
    supplier = make_structure(name="Atelier")
    return make_user((supplier, Membership.Role.SUPPLIER_AGENT)), supplier


def _event(invoice, status, minutes_ago=0):
    return StatusEvent.objects.create(
        invoice=invoice,
        status=status,
        occurred_at=timezone.now() - timedelta(minutes=minutes_ago),
        source="chorus",
    )


def test_notices_are_filtered_by_kind_and_invoice_and_grouped_by_invoice(client, supplier_user):
    user, supplier = supplier_user
    first = Invoice.objects.create(supplier=supplier, number="F-2026-0001")
    second = Invoice.objects.create(supplier=supplier, number="F-2026-0002")
    for status in ("DEPOSEE", "MISE_A_DISPOSITION", "SUSPENDUE"):
        Notification.objects.create(
            user=user, invoice=first, status_event=_event(first, status), message=f"F1 {status}"
        )
    Notification.objects.create(user=user, invoice=second, message="Nouvelle facture F2")
    client.force_login(user)
    notices = reverse("invoices:notifications")

    page = client.get(notices).text
    assert page.count("data-group-size=") == 2
    assert 'data-group-size="3"' in page
    assert "2 notifications antérieures sur cette facture" in page
    assert page.index("F1 SUSPENDUE") < page.index("F1 DEPOSEE")  # the newest heads its group

    only_status = client.get(notices, {"kind": "status"}).text
    assert "F1 SUSPENDUE" in only_status and "Nouvelle facture F2" not in only_status
    only_arrivals = client.get(notices, {"kind": "arrival"}).text
    assert "Nouvelle facture F2" in only_arrivals and "F1 SUSPENDUE" not in only_arrivals
    by_number = client.get(notices, {"invoice": "0002"}).text
    assert "Nouvelle facture F2" in by_number and "F1 " not in by_number
    assert "Aucune notification ne correspond" in client.get(notices, {"invoice": "X"}).text


def test_each_person_chooses_their_e_mails(client, supplier_user, make_user, settings):
    user, supplier = supplier_user
    colleague = make_user((supplier, Membership.Role.SUPPLIER_AGENT))
    quiet = make_user((supplier, Membership.Role.SUPPLIER_AGENT))
    client.force_login(user)
    client.post(reverse("invoices:notification_emails"), {"notice_emails": "daily"})
    notice_emails_set(user=quiet, choice="none")
    page = client.get(reverse("invoices:notifications")).text
    assert re.search(r'value="daily"[^>]*checked', page)
    assert "Votre choix de courriels est enregistré." in page

    invoice = Invoice.objects.create(supplier=supplier, number="F-2026-0003")
    notify_status_change(
        invoice_id=invoice.pk, status="SUSPENDUE", event_id=_event(invoice, "SUSPENDUE").pk
    )
    # Everyone has the notice in the portal; only the colleague (immediate) gets an e-mail now.
    assert Notification.objects.filter(invoice=invoice).count() == 3
    assert [message.to for message in mail.outbox] == [[colleague.email]]

    mail.outbox.clear()
    assert notice_digests_send() == 1
    (digest,) = mail.outbox
    assert digest.to == [user.email]
    assert "1 notification" in digest.subject
    assert "F-2026-0003" in digest.body and "/notifications/" in digest.body


def test_the_digest_tells_of_the_last_day_only_and_runs_daily(supplier_user):
    user, supplier = supplier_user
    notice_emails_set(user=user, choice="daily")
    invoice = Invoice.objects.create(supplier=supplier, number="F-OLD")
    old = Notification.objects.create(user=user, invoice=invoice, message="Ancienne")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert notifications_digest() == 0
    assert mail.outbox == []
    entry = app.conf.beat_schedule["notifications-digest"]
    assert entry["task"] == "invoices.notifications_digest"
    assert entry["schedule"].hour == {7}


def test_a_manager_who_asks_gets_a_weekly_recap_of_their_structures(
    client, make_structure, make_user, make_invoice
):
    from structures.models import Structure

    commune = make_structure(name="Commune de Valfleuri", kind=Structure.Kind.PUBLIC)
    supplier = make_structure(name="Atelier")
    make_invoice(
        supplier,
        commune,
        status=Invoice.Status.SUBMITTED,
        chorus_invoice_id=991,
        chorus_status="SUSPENDUE",
    )
    manager = make_user((commune, Membership.Role.STRUCTURE_MANAGER))
    agent = make_user((commune, Membership.Role.RECIPIENT_AGENT))
    client.force_login(manager)
    page = client.get(reverse("invoices:notifications")).text
    assert "Un récapitulatif hebdomadaire" in page
    client.post(
        reverse("invoices:notification_emails"),
        {"notice_emails": "immediate", "weekly_recap": "on"},
    )
    client.force_login(agent)
    assert "Un récapitulatif hebdomadaire" not in client.get(reverse("invoices:notifications")).text

    assert notifications_weekly_recap() == 1
    (recap,) = mail.outbox
    assert recap.to == [manager.email]
    assert recap.subject == "Votre récapitulatif hebdomadaire sur le portail"
    assert "Commune de Valfleuri" in recap.body
    assert "Suspendues, en attente du fournisseur\u00a0: 1" in recap.body
    entry = app.conf.beat_schedule["notifications-weekly-recap"]
    assert entry["task"] == "invoices.notifications_weekly_recap"
    assert entry["schedule"].day_of_week == {1}
