"""The invoice's one screen in the back-office: who, what, amounts, where it stands and why, and
one timeline merging every source in the order things happened."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from invoices.models import InvoiceAction, Notification, StatusEvent
from invoices.support import timeline
from invoices.support.models import SupportRecord
from invoices.support.timeline import TimelineEntry, invoice_timeline, register_timeline_source
from structures.models import ChorusExchange, Structure

pytestmark = pytest.mark.django_db
T0 = timezone.now() - timedelta(days=2)


def at(minutes: int):
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def invoice(make_structure, make_invoice, make_user):
    supplier = make_structure(name="Atelier Test")
    commune = make_structure(name="Mairie de Test", kind=Structure.Kind.PUBLIC)
    invoice = make_invoice(
        supplier,
        commune,
        number="F-2026-0901",
        status="submitted",
        chorus_invoice_id=8490901,
        chorus_status="MISE_A_DISPOSITION",
        chorus_status_changed_at=at(40),
        total_excl_tax=Decimal("1234.50"),
        total_vat=Decimal("246.90"),
        total_incl_tax=Decimal("1481.40"),
        amount_due=Decimal("1481.40"),
    )
    user = make_user(username="paul")
    # Recorded out of order on purpose: the timeline sorts them.
    SupportRecord.objects.create(
        actor_name="Sam",
        kind="invoice_resync",
        invoice=invoice,
        reason="Appel",
        outcome="queued",
        occurred_at=at(60),
    )
    StatusEvent.objects.create(
        invoice=invoice, status="MISE_A_DISPOSITION", source="chorus", occurred_at=at(40)
    )
    StatusEvent.objects.create(invoice=invoice, status="queued", source="portal", occurred_at=at(0))
    ChorusExchange.objects.create(
        invoice=invoice,
        operation="factures/v1/soumettre",
        started_at=at(10),
        duration_ms=240,
        http_status=200,
        return_code=0,
        request={"numeroFactureSaisi": "F-2026-0901", "motDePasse": "<redacted>"},
        response={"codeRetour": 0, "identifiantFactureCPP": 8490901},
    )
    ChorusExchange.objects.create(
        invoice=invoice,
        operation="factures/v1/consulter/historique",
        started_at=at(30),
        duration_ms=30000,
        error_kind="transient",
        message="timeout",
    )
    action = InvoiceAction.objects.create(
        invoice=invoice,
        kind="complete",
        status="failed",
        attempts=3,
        error_code="20002",
        finished_at=at(55),
    )
    InvoiceAction.objects.filter(pk=action.pk).update(created_at=at(50))
    notice = Notification.objects.create(
        user=user, invoice=invoice, message="Facture mise à disposition"
    )
    Notification.objects.filter(pk=notice.pk).update(created_at=at(45))
    return invoice


EXPECTED = [
    ("status", 0),
    ("exchange", 10),
    ("exchange", 30),
    ("status", 40),
    ("notification", 45),
    ("action", 50),
    ("action", 55),
    ("support", 60),
]


def test_the_timeline_merges_every_source_in_time_order(invoice):
    entries = invoice_timeline(invoice=invoice)
    assert [(entry.source, entry.at) for entry in entries] == [(s, at(m)) for s, m in EXPECTED]
    exchange = entries[1]
    assert exchange.title == "factures/v1/soumettre" and "240" in exchange.detail
    assert entries[2].level == "problem"  # no answer
    assert "3" in entries[6].detail and "20002" in entries[6].detail  # attempts and error


def test_the_overview_shows_the_timeline_in_that_order(agent_client, invoice):
    page = agent_client.get(reverse("admin:invoices_invoice_change", args=[invoice.pk])).text
    order = re.findall(r'data-timeline-entry="(\w+)"', page)
    assert order == [source for source, _minutes in EXPECTED]


def test_the_overview_says_who_what_how_much_and_where_it_stands(agent_client, invoice):
    page = agent_client.get(reverse("admin:invoices_invoice_change", args=[invoice.pk])).text
    for shown in (
        "Atelier Test",
        "Mairie de Test",
        "F-2026-0901",
        "8490901",
        "1\u00a0481,40\u00a0EUR",
    ):
        assert shown in page
    assert 'data-chorus-status="MISE_A_DISPOSITION"' in page
    assert 'data-diagnosis="waiting_for_recipient"' in page
    assert 'data-diagnosis="action_failed"' in page
    assert reverse("admin:support_action", args=["invoice_resync", invoice.pk]) in page


def test_an_exchange_opens_its_redacted_request_and_answer_on_demand(agent_client, invoice):
    exchange = ChorusExchange.objects.get(operation="factures/v1/soumettre")
    url = reverse("admin:support_exchange", args=[invoice.pk, exchange.pk])
    overview = agent_client.get(reverse("admin:invoices_invoice_change", args=[invoice.pk])).text
    assert url in overview and "numeroFactureSaisi" not in overview  # not until asked
    full = agent_client.get(url)
    assert "numeroFactureSaisi" in full.text and "&lt;redacted&gt;" in full.text
    fragment = agent_client.get(url, headers={"HX-Request": "true"})
    assert "identifiantFactureCPP" in fragment.text and "<html" not in fragment.text
    other = ChorusExchange.objects.create(
        operation="x", started_at=at(1), duration_ms=1
    )  # another invoice's (none): not reachable through this invoice
    assert (
        agent_client.get(reverse("admin:support_exchange", args=[invoice.pk, other.pk])).status_code
        == 404
    )


def test_a_new_source_joins_the_timeline_with_one_line(invoice, monkeypatch):
    monkeypatch.setattr(timeline, "SOURCES", list(timeline.SOURCES))
    monkeypatch.setattr(timeline, "SOURCE_LABELS", dict(timeline.SOURCE_LABELS))

    def webhook_deliveries(invoice):
        yield TimelineEntry(at(35), "webhook", "POST https://erp.example/hook", "200")

    register_timeline_source(webhook_deliveries, key="webhook", label="Webhook")
    sources = [entry.source for entry in invoice_timeline(invoice=invoice)]
    assert sources.index("webhook") == 3  # between the exchange at 30 and the status at 40
