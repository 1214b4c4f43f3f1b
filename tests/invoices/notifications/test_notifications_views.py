"""In-app notifications: the header counts the unread ones, the page lists them, opening one
marks it read and shows its invoice in a space that can see it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from invoices.models import Notification
from structures.models import Membership


@pytest.fixture
def supplier_and_recipient(make_structure, make_user, make_invoice):
    supplier = make_structure(name="Atelier Test")
    commune = make_structure(name="Commune Test", kind="public")
    invoice = make_invoice(
        supplier, commune, status="submitted", chorus_invoice_id=987654, chorus_status="SUSPENDUE"
    )
    # One person working for both sides, recipient space active first.
    user = make_user(
        (commune, Membership.Role.RECIPIENT_AGENT), (supplier, Membership.Role.SUPPLIER_AGENT)
    )
    return user, invoice


def test_the_header_counts_unread_notifications(client, supplier_and_recipient):
    user, invoice = supplier_and_recipient
    Notification.objects.create(user=user, invoice=invoice, message="Facture suspendue.")
    Notification.objects.create(user=user, invoice=invoice, message="Lue.", read_at=timezone.now())
    client.force_login(user)
    page = client.get(reverse("invoices:notifications")).content.decode()
    assert 'class="badge badge-count">1<' in page
    assert "Facture suspendue." in page


def test_opening_a_notification_marks_it_read_and_shows_the_invoice(client, supplier_and_recipient):
    user, invoice = supplier_and_recipient
    invoice.recipient = None  # only the supplier space can see it now
    invoice.save()
    notice = Notification.objects.create(user=user, invoice=invoice, message="Suspendue.")
    client.force_login(user)
    response = client.post(reverse("invoices:notification_read", args=[notice.pk]), follow=True)
    assert response.status_code == 200
    assert response.context["invoice"] == invoice
    assert response.context["space"].kind == "supplier"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_someone_elses_notification_is_not_found(client, supplier_and_recipient, make_user):
    user, invoice = supplier_and_recipient
    notice = Notification.objects.create(user=user, invoice=invoice, message="Privée.")
    client.force_login(make_user())
    response = client.post(reverse("invoices:notification_read", args=[notice.pk]))
    assert response.status_code == 404


def test_mark_all_read_empties_the_counter(client, supplier_and_recipient):
    user, invoice = supplier_and_recipient
    for n in range(3):
        Notification.objects.create(user=user, invoice=invoice, message=f"Message {n}")
    client.force_login(user)
    client.post(reverse("invoices:notifications_read_all"))
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    page = client.get(reverse("invoices:notifications")).content.decode()
    assert "badge-count" not in page


def test_each_notification_shows_its_invoice_number_counterpart_amount_and_status(
    client, make_structure, make_user, make_invoice
):
    supplier = make_structure(name="Atelier Test")
    commune = make_structure(name="Commune Test", kind="public")
    invoice = make_invoice(
        supplier, commune, status="submitted", chorus_invoice_id=987655, chorus_status="SUSPENDUE"
    )
    people = {
        "supplier": make_user((supplier, Membership.Role.SUPPLIER_AGENT)),
        "recipient": make_user((commune, Membership.Role.RECIPIENT_AGENT)),
    }
    for user in people.values():
        Notification.objects.create(user=user, invoice=invoice, message="Facture suspendue.")
    for side, counterpart in (("supplier", "Commune Test"), ("recipient", "Atelier Test")):
        client.force_login(people[side])
        page = client.get(reverse("invoices:notifications")).text
        item = page.split('<li class="notification')[1]
        assert f'<span class="notification-number">{invoice.number}</span>' in item
        assert f'<span class="notification-party">{counterpart}</span>' in item
        assert '<span class="notification-amount">120,00 EUR</span>' in item
        assert ">Suspendue</span>" in item
