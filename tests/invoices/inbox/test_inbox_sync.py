"""The recipient inbox, synced from Chorus Pro per technical account."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from chorus_client import (
    ChorusTransientError,
    InvoiceLine,
    VatLine,
)
from invoices.inbox.report import DETAILS_TASK
from invoices.inbox.scheduling import sync_lock
from invoices.inbox.services import (
    RECIPIENT,
    VALIDATOR,
    connections_due_for_inbox_sync,
    inbox_details_fetch,
    inbox_sync_for_connection,
)
from invoices.models import Invoice, Notification
from invoices.sending.submission import invoice_send
from structures.models import ChorusConnection, Structure
from tests.jobs import queued_args, task_queued

pytestmark = pytest.mark.slow

COMMUNE = "21750001600019"
BUREAU = "44306184100013"  # a supplier that does not use the portal
SEARCH = "factures/v1/rechercher/recipiendaire"
HISTORY = "factures/v1/consulter/historique"


def _calls(emulator, operation):
    return emulator.calls()["operations"].get(operation, 0)


@pytest.fixture
def commune_connection(demo_world):
    return ChorusConnection.objects.select_related("structure").get(structure__siret=COMMUNE)


# Bureau Fournitures' office supplies, as ``bureau_submits`` deposits them.
OFFICE_SUPPLIES = {
    "lines": (
        InvoiceLine(
            number=1,
            description="Ramettes A4",
            quantity=Decimal(20),
            unit="C62",
            unit_price_excl_tax=Decimal("5.00"),
            vat_rate=Decimal(20),
        ),
        InvoiceLine(
            number=2,
            description="Classeurs",
            quantity=Decimal(10),
            unit="C62",
            unit_price_excl_tax=Decimal("5.00"),
            vat_rate=Decimal("5.5"),
        ),
    ),
    "vat_lines": (
        VatLine(taxable_amount=Decimal("100.00"), vat_amount=Decimal("20.00"), rate=Decimal(20)),
        VatLine(taxable_amount=Decimal("50.00"), vat_amount=Decimal("5.50"), rate=Decimal("5.5")),
    ),
}


def test_invoices_from_a_supplier_outside_the_portal_arrive_with_their_supplier(
    commune_connection, demo_world
):
    demo_world.seed_invoices(BUREAU, COMMUNE, 3, montantTtc="120.00")
    report = inbox_sync_for_connection(connection=commune_connection)

    received = Invoice.objects.filter(recipient=commune_connection.structure)
    assert (report.seen, report.created, received.count()) == (3, 3, 3)
    supplier = Structure.objects.get(siret=BUREAU)
    assert supplier.kind == Structure.Kind.PRIVATE and supplier.name == "Bureau Fournitures SARL"
    invoice = received.first()
    assert invoice.supplier == supplier
    assert invoice.status == Invoice.Status.RECEIVED and invoice.source == Invoice.Source.CHORUS
    assert invoice.chorus_status == "MISE_A_DISPOSITION" and invoice.made_available_at
    assert invoice.service.code == "SERV_TECH"
    assert (invoice.total_excl_tax, invoice.total_vat, invoice.total_incl_tax) == (
        Decimal("100.00"),
        Decimal("20.00"),
        Decimal("120.00"),
    )
    assert invoice.number.startswith("BENCH-") and invoice.deposited_on
    # One search page per kind of payment request (invoices, works pieces); no history is read
    # in the cycle for invoices new to the portal.
    assert _calls(demo_world, SEARCH) == 2 and _calls(demo_world, HISTORY) == 0
    commune_connection.refresh_from_db()
    assert commune_connection.received_synced_until is not None



def test_an_invoice_from_a_supplier_without_a_siret_still_reaches_the_inbox(
    commune_connection, demo_world
):
    demo_world.seed_invoices("DE811569869", COMMUNE, 1, montantTtc="120.00")
    report = inbox_sync_for_connection(connection=commune_connection)

    assert (report.created, report.skipped) == (1, 0)
    invoice = Invoice.objects.get(recipient=commune_connection.structure)
    assert invoice.supplier.siret == "DE811569869"
    assert invoice.supplier.identifier_type == Structure.IdentifierType.OTHER
    assert invoice.supplier.name == "Werkstatt Berlin GmbH"

def test_an_empty_inbox_is_not_an_error(commune_connection, demo_world):
    report = inbox_sync_for_connection(connection=commune_connection)
    assert (report.seen, report.created) == (0, 0)
    commune_connection.refresh_from_db()
    assert commune_connection.received_synced_until is not None


def test_a_second_cycle_creates_nothing_twice_and_reads_history_only_for_changes(
    commune_connection, demo_world
):
    seeded = demo_world.seed_invoices(BUREAU, COMMUNE, 5)
    inbox_sync_for_connection(connection=commune_connection)
    demo_world.set_status(seeded["firstId"], "SERVICE_FAIT")
    demo_world.clear_calls()
    commune_connection.refresh_from_db()

    report = inbox_sync_for_connection(connection=commune_connection)

    assert Invoice.objects.filter(recipient=commune_connection.structure).count() == 5
    assert (report.created, report.histories_read, report.changed) == (0, 1, 1)
    assert _calls(demo_world, HISTORY) == 1
    changed = Invoice.objects.get(chorus_invoice_id=seeded["firstId"])
    assert changed.chorus_status == "SERVICE_FAIT"
    assert changed.events.first().status == "SERVICE_FAIT"


def test_a_failed_cycle_keeps_the_watermark_so_the_next_one_asks_again(
    commune_connection, demo_world
):
    demo_world.seed_invoices(BUREAU, COMMUNE, 2)
    demo_world.add_fault("http_error", operation=SEARCH, status=503)
    with pytest.raises(ChorusTransientError):
        inbox_sync_for_connection(connection=commune_connection)
    commune_connection.refresh_from_db()
    assert commune_connection.received_synced_until is None

    report = inbox_sync_for_connection(connection=commune_connection)
    assert report.created == 2


def test_the_details_step_stores_lines_vat_breakdown_and_history(
    commune_connection, demo_world, bureau_submits
):
    chorus_id = bureau_submits("BF-2026-001", **OFFICE_SUPPLIES)
    demo_world.advance(10)
    report = inbox_sync_for_connection(connection=commune_connection)
    invoice = Invoice.objects.get(chorus_invoice_id=chorus_id)
    assert report.created_ids == [invoice.pk] and not invoice.lines.exists()

    stored = inbox_details_fetch(
        connection=commune_connection, invoice_ids=report.created_ids, side=RECIPIENT
    )

    assert stored == 1
    lines = list(invoice.lines.values_list("description", "quantity", "unit_price", "vat_rate"))
    assert lines == [
        ("Ramettes A4", Decimal("20.0000"), Decimal("5.000000"), Decimal("20.00")),
        ("Classeurs", Decimal("10.0000"), Decimal("5.000000"), Decimal("5.50")),
    ]
    breakdown = list(invoice.vat_lines.values_list("rate", "taxable_amount", "vat_amount"))
    assert breakdown == [
        (Decimal("5.50"), Decimal("50.00"), Decimal("5.50")),
        (Decimal("20.00"), Decimal("100.00"), Decimal("20.00")),
    ]
    statuses = list(invoice.events.values_list("status", flat=True))
    assert statuses[:3] == ["MISE_A_DISPOSITION", "EN_COURS_ACHEMINEMENT", "DEPOSEE"]
    # Run twice (a redelivered task): still one copy of everything.
    inbox_details_fetch(connection=commune_connection, invoice_ids=[invoice.pk], side=RECIPIENT)
    assert invoice.lines.count() == 2 and invoice.events.count() == len(statuses)
    # Each read is filed under its invoice for support.
    assert invoice.exchanges.filter(operation="factures/v1/consulter/recipiendaire").exists()


def test_an_invoice_sent_by_a_portal_supplier_stays_one_row(
    commune_connection, demo_world, ready_invoice
):
    Invoice.objects.filter(pk=ready_invoice.pk).update(status=Invoice.Status.QUEUED)
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
    demo_world.advance(10)

    report = inbox_sync_for_connection(connection=commune_connection)

    assert report.created == 0 and Invoice.objects.count() == 1
    ready_invoice.refresh_from_db()
    assert ready_invoice.status == Invoice.Status.SUBMITTED  # still "sent" for its supplier
    assert ready_invoice.chorus_status == "MISE_A_DISPOSITION"


def test_agents_are_told_of_new_invoices_once_the_inbox_was_imported(
    commune_connection, demo_world, django_capture_on_commit_callbacks
):
    demo_world.seed_invoices(BUREAU, COMMUNE, 30)
    with django_capture_on_commit_callbacks(execute=True):
        inbox_sync_for_connection(connection=commune_connection)
    assert not Notification.objects.exists() and not mail.outbox  # the import is not news

    demo_world.seed_invoices(BUREAU, COMMUNE, 2, prefix="NEW")
    commune_connection.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        report = inbox_sync_for_connection(connection=commune_connection)

    assert report.created == 2
    # The commune's recipient agent: one notice per invoice, one e-mail for the cycle.
    notices = Notification.objects.filter(user__username="commune")
    assert notices.count() == 2 and "Bureau Fournitures SARL" in notices.first().message
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["commune@demo.portail.test"]
    assert "NEW-" in mail.outbox[0].body
    # The overlap re-reads them next cycle; nobody is told twice.
    commune_connection.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        inbox_sync_for_connection(connection=commune_connection)
    assert notices.count() == 2 and len(mail.outbox) == 1


def test_the_first_cycle_looks_back_and_later_ones_overlap_the_watermark(
    commune_connection, demo_world, settings
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from structures.models import ChorusExchange

    def asked_since() -> datetime:
        search = ChorusExchange.objects.filter(operation=SEARCH).order_by("-pk").first()
        sent = datetime.fromisoformat(search.request["periodeDateHeureEtatCourantDu"])
        return sent.replace(tzinfo=ZoneInfo("Europe/Paris"))  # Chorus Pro's zone

    settings.INBOX_FIRST_SYNC_LOOKBACK_DAYS = 7
    inbox_sync_for_connection(connection=commune_connection)
    assert abs(asked_since() - (timezone.now() - timedelta(days=7))) < timedelta(minutes=1)

    commune_connection.refresh_from_db()
    inbox_sync_for_connection(connection=commune_connection)
    watermark = commune_connection.received_synced_until
    assert abs(asked_since() - (watermark - timedelta(minutes=5))) < timedelta(seconds=1)


def test_a_cycle_already_running_for_the_account_is_not_run_twice(commune_connection, demo_world):
    with sync_lock(commune_connection, RECIPIENT) as acquired:
        assert acquired
        report = inbox_sync_for_connection(connection=commune_connection)
    assert report.locked_out and _calls(demo_world, SEARCH) == 0
    assert not inbox_sync_for_connection(connection=commune_connection).locked_out


def test_accounts_are_due_often_while_invoices_move_towards_them_and_else_every_ten_minutes(
    commune_connection, make_invoice
):
    due = connections_due_for_inbox_sync(side=RECIPIENT)
    # The commune and the Direction régionale have recipient agents; the Ministère and the
    # Rectorat (second validation level) their validators' queues.
    assert {c.structure.siret for c in due} == {COMMUNE, "13000261100015"}
    assert [c.structure.siret for c in connections_due_for_inbox_sync(side=VALIDATOR)] == [
        "11000201100010",
        "17590001800011",
    ]
    now = timezone.now()
    ChorusConnection.objects.update(received_synced_until=now)
    assert connections_due_for_inbox_sync(side=RECIPIENT) == []
    assert len(connections_due_for_inbox_sync(side=RECIPIENT, now=now + timedelta(minutes=11))) == 2
    supplier = Structure.objects.get(siret="12345678200010")
    make_invoice(
        supplier,
        commune_connection.structure,
        status=Invoice.Status.SUBMITTED,
        chorus_invoice_id=1,
        chorus_status="EN_COURS_ACHEMINEMENT",
    )
    soon = connections_due_for_inbox_sync(side=RECIPIENT, now=now + timedelta(minutes=2))
    assert [c.structure.siret for c in soon] == [COMMUNE]


def test_the_beat_task_queues_one_sync_per_due_account(commune_connection, monkeypatch):
    from invoices.inbox import tasks as tasks_inbox

    queued = queued_args(monkeypatch, tasks_inbox.INBOX_SYNC_TASK)
    assert tasks_inbox.inbox_sync_all() == 4  # two recipient accounts, two validator accounts
    assert (commune_connection.pk, RECIPIENT) in queued
    # Queued again only after a while, however often the beat runs.
    assert tasks_inbox.inbox_sync_all() == 0


def test_details_whose_task_was_lost_are_queued_again(
    commune_connection, demo_world, bureau_submits, django_capture_on_commit_callbacks
):

    from invoices.inbox.services import inbox_details_lost, inbox_details_resume
    from invoices.retries import LOST_AFTER

    chorus_id = bureau_submits("BF-2026-001", **OFFICE_SUPPLIES)
    demo_world.advance(10)
    inbox_sync_for_connection(connection=commune_connection)
    invoice = Invoice.objects.get(chorus_invoice_id=chorus_id)
    # Just synced: its details task may still be on its way.
    assert inbox_details_lost() == {}

    # A minute later it has not run: the broker lost it.
    Invoice.objects.filter(pk=invoice.pk).update(
        details_next_attempt_at=timezone.now() - LOST_AFTER - timedelta(seconds=1)
    )
    with (
        task_queued(DETAILS_TASK) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert inbox_details_resume() == 1
    delay.assert_called_once_with(commune_connection.pk, RECIPIENT, [invoice.pk])
    assert inbox_details_lost() == {}  # handed out once, not on every sweep

    inbox_details_fetch(connection=commune_connection, invoice_ids=[invoice.pk], side=RECIPIENT)
    later = timezone.now() + timedelta(hours=1)
    assert inbox_details_lost(now=later) == {}


def test_details_waiting_for_their_retry_are_left_to_it_by_the_sweep(
    commune_connection, demo_world, bureau_submits
):
    from invoices.inbox.services import inbox_details_lost
    from invoices.retries import LOST_AFTER, RetryLater

    chorus_id = bureau_submits("BF-2026-001", **OFFICE_SUPPLIES)
    demo_world.advance(10)
    inbox_sync_for_connection(connection=commune_connection)
    invoice = Invoice.objects.get(chorus_invoice_id=chorus_id)
    demo_world.add_fault(
        "rate_limit", operation="factures/v1/consulter/recipiendaire", retry_after=1200
    )

    with pytest.raises(RetryLater) as later:
        inbox_details_fetch(connection=commune_connection, invoice_ids=[invoice.pk], side=RECIPIENT)

    assert later.value.delay == 1200  # Chorus Pro asked for 20 minutes
    now = timezone.now()
    for minutes in (1, 5, 16, 20):
        assert inbox_details_lost(now=now + timedelta(minutes=minutes)) == {}
    # A redelivered task finds its read not due yet, and asks Chorus Pro nothing.
    demo_world.clear_calls()
    assert inbox_details_fetch(
        connection=commune_connection, invoice_ids=[invoice.pk], side=RECIPIENT
    ) == 0
    assert demo_world.calls()["operations"] == {}
    lost_at = now + timedelta(seconds=1200) + LOST_AFTER + timedelta(seconds=1)
    assert inbox_details_lost(now=lost_at) == {commune_connection.pk: [invoice.pk]}
