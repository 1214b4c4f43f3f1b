"""The demo history: four months of invoicing played through the product's own services against
the Chorus Pro emulator, so that each demo login's first screen shows the product at work."""

import re
from datetime import timedelta

import pytest
import requests
from django.contrib.auth.models import User
from django.utils import timezone

from invoices.models import Flow, Invoice, Notification
from invoices.selectors import invoice_timeline
from portal.demo.history import demo_history_load

INVOICE_LINK = re.compile(r'href="/factures/\d+/"')
MINISTERE, RECTORAT = "11000201100010", "17590001800011"

pytestmark = pytest.mark.slow


def _first_screen(client, username: str) -> str:
    client.force_login(User.objects.get(username=username))
    return client.get("/", follow=True).content.decode()


def test_every_demo_login_finds_a_lived_in_first_screen_and_a_second_load_adds_nothing(
    demo_world, transactional_db, client
):
    report = demo_history_load()

    assert report.loaded and report.invoices >= 25
    for username in ("fournisseur", "fournisseur2", "commune", "etat", "valideur", "rectorat"):
        page = _first_screen(client, username)
        # A validator's first screen lists only what waits for its decision.
        least = {"valideur": 2, "rectorat": 1}.get(username, 3)
        assert len(INVOICE_LINK.findall(page)) >= least, f"{username}: empty first screen"
        unread = Notification.objects.filter(user__username=username, read_at__isnull=True)
        assert unread.exists(), f"{username}: nothing new"
    client.force_login(User.objects.get(username="support"))
    back_office = client.get("/back-office/invoices/invoice/").content.decode()
    assert back_office.count("AN-20") >= 10

    # Each answer the product has for an invoice's life, as the demo supplier sees it.
    supplier = Invoice.objects.filter(supplier__siret="12345678200010")
    statuses = set(supplier.values_list("chorus_status", flat=True))
    assert {"MISE_EN_PAIEMENT", "SUSPENDUE", "REJETEE", "REFUSEE_1", "A_VALIDER_1"} <= statuses
    assert supplier.filter(status=Invoice.Status.DRAFT).count() == 2
    assert supplier.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()
    assert supplier.filter(replaces__isnull=False).exists()  # a rejected invoice, corrected
    # Two validation levels: validated by both, and waiting for the Rectorat.
    assert supplier.filter(events__status="VALIDEE_2", second_validator__siret=RECTORAT).exists()
    assert supplier.filter(chorus_status="A_VALIDER_2", second_validator__siret=RECTORAT).exists()
    # Refused by the wrong validator, then sent back to validation with the right one.
    corrected = supplier.get(actions__kind="fix_validator", actions__status="done")
    assert corrected.chorus_status == "A_VALIDER_1" and corrected.validator.siret == MINISTERE
    assert corrected.events.filter(status="REFUSEE_1").exists()
    assert Flow.objects.get().status == Flow.Status.PARTIALLY_INTEGRATED
    received = Invoice.objects.filter(source=Invoice.Source.CHORUS)
    assert received.exclude(supplier__siret="12345678200010").count() >= 5  # outside suppliers

    # Dated over the last months, each side's stamps in the order things happened.
    now = timezone.now()
    oldest = Invoice.objects.order_by("created_at").first()
    assert now - timedelta(days=150) < oldest.created_at < now - timedelta(days=90)
    completed = Invoice.objects.filter(events__status="COMPLETEE", chorus_status="MISE_EN_PAIEMENT")
    assert completed.filter(supplier__siret="12345678200010").exists()
    for invoice in completed.distinct():
        timeline = [event.status for event in reversed(invoice_timeline(invoice=invoice))]
        assert (
            timeline.index("SUSPENDUE")
            < timeline.index("COMPLETEE")
            < timeline.index("MISE_EN_PAIEMENT")
        ), timeline
    assert not Invoice.objects.filter(created_at__gt=now).exists()
    overdue = supplier.filter(payment_due_by__lt=timezone.localdate()).exclude(
        chorus_status="MISE_EN_PAIEMENT"
    )
    assert overdue.exists()  # the payment clock has something to say
    clock = requests.get(f"{demo_world.base_url}/_emulator/clock", timeout=5).json()["now"]
    assert abs((timezone.datetime.fromisoformat(clock) - timezone.now()).total_seconds()) < 60

    count, in_chorus = Invoice.objects.count(), len(demo_world.invoices())
    again = demo_history_load()
    assert not again.loaded and again.complete
    assert (Invoice.objects.count(), len(demo_world.invoices())) == (count, in_chorus)


def test_the_works_contract_has_a_statement_paid_one_with_the_moe_and_a_draft(
    demo_world, transactional_db, client
):
    demo_history_load()
    statements = Invoice.objects.filter(
        works__contract__number="MT-2026-014", works__answers__isnull=True
    ).order_by("works__sequence")
    assert [s.status for s in statements] == ["submitted", "submitted", "draft"]
    assert statements[1].chorus_status == "A_ASSOCIER_MOE"
    payable = Invoice.objects.get(works__answers__answers=statements[0].works)
    assert payable.chorus_status == "MISE_EN_PAIEMENT"
    page = _first_screen(client, "moe")
    assert statements[1].number in page
