"""The commitment panel of the invoice page, for the supplier and the recipient: read by a
worker (the page polls meanwhile), then its status, amount, what the other invoices consumed and
what this invoice leaves; against the emulator over HTTP."""

from decimal import Decimal

import pytest
from django.urls import reverse

from chorus_client import CommitmentOperation
from invoices.commitments import tasks
from invoices.commitments.reading import COMMITMENT_READ_TASK
from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice, InvoiceLine
from invoices.sending.submission import invoice_send
from structures.chorus import chorus_client_for
from structures.models import Membership, Structure
from structures.selectors import connection_for_structure

DRFIP = "13000261100015"
NBSP = "\u00a0"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def queued(monkeypatch):
    """The readings the pages queue (portal.jobs.enqueue, which waits for a commit that a test's
    transaction never makes), caught; nothing reaches a broker."""
    calls = []

    def enqueue(name, *args, countdown=None):
        if name == COMMITMENT_READ_TASK:
            calls.append(args)

    monkeypatch.setattr("invoices.commitments.reading.enqueue", enqueue)
    return calls


@pytest.fixture
def charged(ready_invoice):
    """The ready invoice (1 646,38 incl. VAT) sent to the Direction régionale on EJ-2026-0001
    (12 000, of which 4 500 consumed by earlier invoices), and made available to it."""
    drfip = Structure.objects.get(siret=DRFIP)
    Invoice.objects.filter(pk=ready_invoice.pk).update(
        recipient=drfip, service=None, commitment_number="EJ-2026-0001", status="queued"
    )
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
    Invoice.objects.filter(pk=ready_invoice.pk).update(chorus_status="MISE_A_DISPOSITION")
    ready_invoice.refresh_from_db()
    assert ready_invoice.total_incl_tax == Decimal("1646.38")
    return ready_invoice


@pytest.fixture
def recipient_client(client, django_user_model, demo_world):
    client.force_login(django_user_model.objects.get(username="etat"))
    return client


def _page(client, invoice):
    response = client.get(reverse("invoices:detail", args=[invoice.pk]))
    assert response.status_code == 200
    return response.text


def _panel(text):
    start = text.index('id="commitment-panel"')
    return text[start : text.index("</section>", start)]


def _read(queued):
    for args in queued:
        tasks.commitment_read_task(*args)
    queued.clear()


def test_the_supplier_sees_the_panel_load_then_what_the_invoice_leaves(
    supplier_client, charged, queued
):
    loading = _panel(_page(supplier_client, charged))
    assert 'data-commitment="loading"' in loading and 'hx-trigger="every 2s"' in loading
    assert len(queued) == 1

    _read(queued)
    polled = supplier_client.get(
        reverse("invoices:commitment_panel", args=[charged.pk]), headers=HTMX
    ).text

    assert 'data-commitment="found"' in polled and "every 2s" not in polled
    assert 'data-commitment-status="COMMANDE"' in polled
    assert f'data-figure="total">12{NBSP}000,00{NBSP}EUR' in polled
    # The invoice itself is charged on the commitment in Chorus Pro: not among "the others".
    assert f'data-figure="consumed">4{NBSP}500,00{NBSP}EUR' in polled
    assert f'data-figure="this">1{NBSP}646,38{NBSP}EUR' in polled
    assert f"5{NBSP}853,62{NBSP}EUR" in polled  # 12 000 - 4 500 - 1 646,38
    assert 'data-warning="exceeded"' not in polled
    assert "AN-2026-0012" in polled and 'data-chorus-status="MISE_EN_PAIEMENT"' in polled


def test_the_recipient_sees_the_same_commitment_read_with_its_own_account(
    recipient_client, charged, queued, demo_world
):
    _page(recipient_client, charged)
    _read(queued)

    panel = _panel(_page(recipient_client, charged))

    assert f'data-figure="remaining"><strong>5{NBSP}853,62{NBSP}EUR' in panel
    drfip_login = demo_world.accounts[DRFIP][0]
    assert demo_world.calls()["accounts"][drfip_login]["operations"].get(
        "engagements/v1/engagement/recherche"
    )


def test_an_invoice_above_what_remains_is_warned_about(supplier_client, charged, queued):
    InvoiceLine.objects.filter(invoice=charged, position=1).update(quantity=Decimal(20))
    invoice_totals_refresh(invoice=charged)
    _page(supplier_client, charged)
    _read(queued)

    panel = _panel(_page(supplier_client, charged))

    # 20 days: 10 826,38 incl. VAT, for 7 500 left.
    assert 'data-warning="exceeded"' in panel
    assert f"3{NBSP}326,38{NBSP}EUR" in panel
    assert f'data-figure="remaining"><strong>-3{NBSP}326,38{NBSP}EUR' in panel


def test_a_closed_commitment_is_said_so_on_the_page(supplier_client, charged, queued):
    drfip = Structure.objects.get(siret=DRFIP)
    with chorus_client_for(connection_for_structure(structure=drfip)) as client:
        client.engagements.change_commitment_status(41000001, CommitmentOperation.CLOTURER)
    _page(supplier_client, charged)
    _read(queued)

    panel = _panel(_page(supplier_client, charged))

    assert 'data-commitment-status="CLOTURE"' in panel and 'class="message message-error"' in panel


def test_when_chorus_pro_cannot_be_reached_the_panel_says_so_and_stops_polling(
    supplier_client, charged, queued, demo_world
):
    demo_world.add_fault("http_error", operation="*", status=503, count=20)
    _page(supplier_client, charged)
    [args] = queued
    queued.clear()
    # The task's last try (its retries are Celery's business): Chorus Pro never answered.
    tasks.commitment_read_task.push_request(retries=tasks.commitment_read_task.max_retries)
    try:
        tasks.commitment_read_task(*args)
    finally:
        tasks.commitment_read_task.pop_request()

    panel = _panel(_page(supplier_client, charged))

    assert 'data-commitment="error"' in panel and "every 2s" not in panel
    assert queued == []  # the failure is kept a while: no new reading at each view


def test_without_the_engagements_api_the_panel_shows_the_legacy_figures(
    supplier_client, charged, queued, demo_world
):
    demo_world.configure(unsubscribedApis=["engagements"])
    _page(supplier_client, charged)
    _read(queued)

    panel = _panel(_page(supplier_client, charged))

    assert 'data-commitment-status="COMMANDE"' in panel
    assert f'data-figure="total">12{NBSP}000,00{NBSP}EUR' in panel
    assert 'data-figure="consumed"' not in panel


def test_a_fresh_reading_is_not_asked_again_and_the_page_asks_chorus_pro_nothing(
    supplier_client, charged, queued, demo_world, django_assert_max_num_queries
):
    _page(supplier_client, charged)
    _read(queued)
    demo_world.clear_calls()

    with django_assert_max_num_queries(16):
        _page(supplier_client, charged)
    with django_assert_max_num_queries(8):
        supplier_client.get(reverse("invoices:commitment_panel", args=[charged.pk]), headers=HTMX)

    assert queued == []
    assert demo_world.calls()["total"] == 0


def test_an_invoice_without_commitment_has_no_panel(supplier_client, ready_invoice, queued):
    assert 'id="commitment-panel"' not in _page(supplier_client, ready_invoice)
    assert queued == []
    panel = supplier_client.get(reverse("invoices:commitment_panel", args=[ready_invoice.pk]))
    assert panel.status_code == 404


def test_a_user_of_another_structure_gets_a_404(client, charged, make_structure, make_user):
    other = make_structure(name="Autre Fournisseur")
    client.force_login(make_user((other, Membership.Role.SUPPLIER_AGENT)))

    assert client.get(reverse("invoices:detail", args=[charged.pk])).status_code == 404
    assert client.get(reverse("invoices:commitment_panel", args=[charged.pk])).status_code == 404


def test_an_earlier_invoice_counts_only_what_came_before_it(supplier_client, charged, queued):
    later = Invoice.objects.get(pk=charged.pk)
    later.pk, later.number, later.chorus_invoice_id, later.status = (
        None,
        "F-2026-0043",
        None,
        "queued",
    )
    later.save()
    InvoiceLine.objects.create(
        invoice=later,
        position=1,
        description="Suite",
        quantity=Decimal(1),
        unit_price=Decimal("1000.00"),
        vat_rate=Decimal(20),
    )
    invoice_totals_refresh(invoice=later)
    assert invoice_send(invoice_id=later.pk) == "submitted"

    _page(supplier_client, charged)
    _read(queued)
    first = _panel(_page(supplier_client, charged))
    _page(supplier_client, later)
    _read(queued)
    second = _panel(_page(supplier_client, later))

    assert f'data-figure="consumed">4{NBSP}500,00{NBSP}EUR' in first
    assert f'data-figure="remaining"><strong>5{NBSP}853,62{NBSP}EUR' in first
    assert f'data-figure="consumed">6{NBSP}146,38{NBSP}EUR' in second  # 4 500 + 1 646,38
    assert f'data-figure="remaining"><strong>4{NBSP}653,62{NBSP}EUR' in second


def test_an_order_reference_where_no_commitment_is_required_is_no_error(
    supplier_client, ready_invoice, queued
):
    # The Commune requires a service code only: the number is the buyer's order reference.
    Invoice.objects.filter(pk=ready_invoice.pk).update(commitment_number="BC-42")
    _page(supplier_client, ready_invoice)
    _read(queued)

    panel = _panel(_page(supplier_client, ready_invoice))

    assert 'data-commitment="not_found"' in panel and "message-error" not in panel


def test_an_unknown_commitment_where_one_is_required_is_an_error(supplier_client, charged, queued):
    Invoice.objects.filter(pk=charged.pk).update(commitment_number="EJ-INCONNU")
    _page(supplier_client, charged)
    _read(queued)

    panel = _panel(_page(supplier_client, charged))

    assert 'data-commitment="not_found"' in panel and "message-error" in panel
