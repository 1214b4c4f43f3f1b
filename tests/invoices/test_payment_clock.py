"""The payment-delay clock: days since the invoice was made available, paused while suspended,
against the recipient's legal deadline, with the interest and indemnity owed once late."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from invoices.models import Invoice, StatusEvent
from invoices.payment_clock import (
    ClockState,
    late_payment_interest,
    payment_clock_for,
    payment_clock_refresh,
)
from structures.models import Structure

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def invoice(make_structure, make_invoice):
    supplier = make_structure()
    commune = make_structure(
        kind=Structure.Kind.PUBLIC, public_category=Structure.PublicCategory.LOCAL
    )
    return make_invoice(
        supplier,
        commune,
        total_excl_tax=Decimal("10000.00"),
        total_vat=Decimal("2000.00"),
        total_incl_tax=Decimal("12000.00"),
        amount_due=Decimal("12000.00"),
    )


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=PARIS)


def record(invoice: Invoice, *timeline: tuple[str, datetime]) -> None:
    for status, occurred_at in timeline:
        StatusEvent.objects.create(
            invoice=invoice, status=status, occurred_at=occurred_at, source="chorus"
        )


def test_an_invoice_not_yet_made_available_has_no_clock(invoice):
    record(invoice, ("DEPOSEE", at("2026-03-01")), ("EN_COURS_ACHEMINEMENT", at("2026-03-01")))
    clock = payment_clock_for(invoice=invoice, today=date(2026, 6, 1))
    assert clock.state == ClockState.NOT_STARTED
    assert (clock.elapsed_days, clock.overdue, clock.due_by) == (0, False, None)
    payment_clock_refresh(invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.payment_due_by is None and invoice.made_available_at is None


def test_the_clock_counts_calendar_days_from_the_day_it_was_made_available(invoice):
    record(invoice, ("DEPOSEE", at("2026-03-02", 9)), ("MISE_A_DISPOSITION", at("2026-03-02")))
    clock = payment_clock_for(invoice=invoice, today=date(2026, 3, 20))
    assert clock.state == ClockState.RUNNING
    assert (clock.elapsed_days, clock.days_left, clock.percent) == (18, 12, 60)
    assert clock.due_by == date(2026, 4, 1)
    assert not clock.overdue and clock.interest == Decimal("0.00") and clock.indemnity == 0


def test_the_deadline_crosses_month_ends_by_calendar_days(invoice):
    record(invoice, ("MISE_A_DISPOSITION", at("2026-01-31", 23)))
    on_time = payment_clock_for(invoice=invoice, today=date(2026, 3, 2))
    assert on_time.due_by == date(2026, 3, 2)
    assert (on_time.elapsed_days, on_time.overdue) == (30, False)
    late = payment_clock_for(invoice=invoice, today=date(2026, 3, 3))
    assert (late.days_late, late.overdue) == (1, True)


def test_a_late_invoice_accrues_interest_at_the_ecb_rate_plus_eight_points_and_the_indemnity(
    invoice, settings
):
    settings.LATE_PAYMENT_ECB_RATE = Decimal("2.15")
    settings.LATE_PAYMENT_MARGIN_POINTS = Decimal("8")
    settings.LATE_PAYMENT_INDEMNITY = Decimal("40")
    record(invoice, ("MISE_A_DISPOSITION", at("2026-03-01")))
    clock = payment_clock_for(invoice=invoice, today=date(2026, 4, 10))
    assert (clock.elapsed_days, clock.days_late) == (40, 10)
    # 12 000.00 × 10.15 % × 10 / 365 = 33.3698… → 33.37
    assert clock.interest == Decimal("33.37")
    assert clock.indemnity == Decimal("40.00")
    assert clock.total_due_for_lateness == Decimal("73.37")
    assert clock.percent == 100


def test_the_interest_follows_the_configured_rate_and_rounds_half_up_to_the_cent(settings):
    settings.LATE_PAYMENT_ECB_RATE = Decimal("4.00")
    settings.LATE_PAYMENT_MARGIN_POINTS = Decimal("8")
    # 365.00 × 12 % × 1 / 365 = 0.12 exactly; 1 000.00 × 12 % × 3 / 365 = 0.98630… → 0.99
    assert late_payment_interest(amount=Decimal("365.00"), days_late=1) == Decimal("0.12")
    assert late_payment_interest(amount=Decimal("1000.00"), days_late=3) == Decimal("0.99")
    assert late_payment_interest(amount=Decimal("1000.00"), days_late=0) == Decimal("0.00")


def test_days_spent_suspended_do_not_count(invoice):
    record(
        invoice,
        ("MISE_A_DISPOSITION", at("2026-03-01")),
        ("SUSPENDUE", at("2026-03-10")),
        ("COMPLETEE", at("2026-03-20")),
    )
    clock = payment_clock_for(invoice=invoice, today=date(2026, 4, 5))
    assert clock.state == ClockState.RUNNING
    assert (clock.elapsed_days, clock.paused_days) == (25, 10)
    assert clock.due_by == date(2026, 4, 10)


def test_a_suspended_invoice_stops_the_clock_until_the_supplier_completes_it(invoice):
    record(invoice, ("MISE_A_DISPOSITION", at("2026-03-01")), ("SUSPENDUE", at("2026-03-10")))
    clock = payment_clock_for(invoice=invoice, today=date(2026, 5, 1))
    assert clock.state == ClockState.PAUSED
    assert clock.elapsed_days == 9
    assert clock.suspended_since == at("2026-03-10")
    assert not clock.overdue and clock.due_by is None


def test_several_suspensions_add_up(invoice):
    record(
        invoice,
        ("MISE_A_DISPOSITION", at("2026-03-01")),
        ("SUSPENDUE", at("2026-03-05")),
        ("COMPLETEE", at("2026-03-08")),
        ("SUSPENDUE", at("2026-03-15")),
        ("SUSPENDUE", at("2026-03-16")),  # the same suspension seen twice pauses once
        ("COMPLETEE", at("2026-03-25")),
        ("SERVICE_FAIT", at("2026-03-26")),
    )
    clock = payment_clock_for(invoice=invoice, today=date(2026, 4, 20))
    assert clock.paused_days == 3 + 10
    assert clock.elapsed_days == 50 - 13
    assert clock.days_late == 7
    assert clock.due_by == date(2026, 4, 13)


def test_a_public_health_establishment_has_fifty_days(invoice):
    Structure.objects.filter(pk=invoice.recipient_id).update(
        public_category=Structure.PublicCategory.HEALTH
    )
    invoice.refresh_from_db()
    record(invoice, ("MISE_A_DISPOSITION", at("2026-03-01")))
    clock = payment_clock_for(invoice=invoice, today=date(2026, 4, 15))
    assert clock.deadline_days == 50
    assert (clock.elapsed_days, clock.overdue) == (45, False)
    assert clock.due_by == date(2026, 4, 20)


def test_an_entity_of_unknown_kind_gets_the_default_deadline(invoice, settings):
    settings.PAYMENT_DEADLINE_DEFAULT_DAYS = 30
    Structure.objects.filter(pk=invoice.recipient_id).update(public_category="")
    invoice.refresh_from_db()
    record(invoice, ("MISE_A_DISPOSITION", at("2026-03-01")))
    assert payment_clock_for(invoice=invoice, today=date(2026, 3, 2)).deadline_days == 30


def test_a_payment_issued_late_stops_the_clock_and_keeps_what_is_owed(invoice):
    record(
        invoice,
        ("MISE_A_DISPOSITION", at("2026-01-05")),
        ("MANDATEE", at("2026-02-10")),
        ("MISE_EN_PAIEMENT", at("2026-02-20")),
    )
    clock = payment_clock_for(invoice=invoice, today=date(2026, 12, 31))
    assert clock.state == ClockState.PAID
    assert (clock.elapsed_days, clock.days_late, clock.paid_on_time) == (46, 16, False)
    assert clock.stopped_on == date(2026, 2, 20)
    # 12 000.00 × 10.15 % × 16 / 365 = 53.39
    assert clock.interest == Decimal("53.39") and clock.indemnity == Decimal("40.00")


def test_a_payment_issued_in_time_owes_nothing(invoice):
    record(
        invoice, ("MISE_A_DISPOSITION", at("2026-01-05")), ("MISE_EN_PAIEMENT", at("2026-02-04"))
    )
    clock = payment_clock_for(invoice=invoice, today=date(2026, 12, 31))
    assert (clock.state, clock.paid_on_time, clock.days_late) == (ClockState.PAID, True, 0)
    assert clock.interest == Decimal("0.00") and clock.indemnity == Decimal("0.00")


def test_a_rejected_invoice_stops_the_clock_and_owes_nothing(invoice):
    record(invoice, ("MISE_A_DISPOSITION", at("2026-01-05")), ("REJETEE", at("2026-03-30")))
    clock = payment_clock_for(invoice=invoice, today=date(2026, 12, 31))
    assert clock.state == ClockState.REJECTED
    assert clock.elapsed_days == 84
    assert clock.interest == Decimal("0.00") and clock.indemnity == Decimal("0.00")


def test_the_clock_reads_when_things_happened_not_the_order_they_were_recorded_in(invoice):
    # The suspension's end arrives first, then the suspension, then the making available.
    record(
        invoice,
        ("COMPLETEE", at("2026-03-20")),
        ("SUSPENDUE", at("2026-03-10")),
        ("MISE_A_DISPOSITION", at("2026-03-01")),
    )
    clock = payment_clock_for(invoice=invoice, today=date(2026, 4, 5))
    assert (clock.elapsed_days, clock.paused_days) == (25, 10)
    assert clock.started_on == date(2026, 3, 1)


def test_refreshing_keeps_the_invoice_row_in_step_for_lists(invoice):
    now = timezone.now()
    record(
        invoice,
        ("MISE_A_DISPOSITION", now - timedelta(days=20)),
        ("SUSPENDUE", now - timedelta(days=15)),
        ("COMPLETEE", now - timedelta(days=11)),
    )
    payment_clock_refresh(invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.made_available_at == now - timedelta(days=20)
    assert invoice.suspended_since is None
    assert invoice.payment_paused_days == 4
    made_available = timezone.localdate(now - timedelta(days=20))
    assert invoice.payment_due_by == made_available + timedelta(days=34)

    record(invoice, ("SUSPENDUE", now - timedelta(days=2)))
    payment_clock_refresh(invoice=invoice)
    invoice.refresh_from_db()
    # While suspended there is no deadline to be late against.
    assert invoice.suspended_since == now - timedelta(days=2)
    assert invoice.payment_paused_days == 4
    assert invoice.payment_due_by is None
    assert not Invoice.objects.filter(payment_due_by__lt=timezone.localdate()).exists()


@pytest.mark.slow
def test_statuses_read_from_chorus_pro_move_the_clock(ready_invoice, demo_world):
    from invoices.sending.status_sync import status_sync_for_connection
    from invoices.sending.submission import invoice_send
    from structures.models import ChorusConnection

    Invoice.objects.filter(pk=ready_invoice.pk).update(status=Invoice.Status.QUEUED)
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
    ready_invoice.refresh_from_db()
    connection = ChorusConnection.objects.get(structure=ready_invoice.supplier)
    demo_world.advance(10)
    status_sync_for_connection(connection=connection)
    ready_invoice.refresh_from_db()
    assert ready_invoice.made_available_at is not None
    assert ready_invoice.payment_due_by == timezone.localdate(
        ready_invoice.made_available_at
    ) + timedelta(days=30)

    demo_world.set_status(ready_invoice.chorus_invoice_id, "SUSPENDUE", motif="Bon manquant")
    connection.refresh_from_db()
    status_sync_for_connection(connection=connection)
    ready_invoice.refresh_from_db()
    assert ready_invoice.suspended_since is not None
    assert ready_invoice.payment_due_by is None
    assert payment_clock_for(invoice=ready_invoice).state == ClockState.PAUSED


def test_a_validator_refusal_stops_the_clock_before_it_starts_and_owes_nothing(invoice):
    record(invoice, ("DEPOSEE", at("2026-03-01")), ("A_VALIDER_1", at("2026-03-01")))
    record(invoice, ("REFUSEE_1", at("2026-03-04")))
    Invoice.objects.filter(pk=invoice.pk).update(chorus_status="REFUSEE_1")
    invoice.refresh_from_db()
    clock = payment_clock_for(invoice=invoice, today=date(2026, 12, 31))
    assert clock.state == ClockState.REFUSED
    assert clock.stopped_on == date(2026, 3, 4)
    assert (clock.due_by, clock.days_late, clock.interest) == (None, 0, Decimal("0.00"))


def test_a_validator_refusal_after_the_invoice_was_made_available_stops_the_clock(invoice):
    record(invoice, ("MISE_A_DISPOSITION", at("2026-01-05")), ("REFUSEE_1", at("2026-01-20")))
    Invoice.objects.filter(pk=invoice.pk).update(chorus_status="REFUSEE_1")
    invoice.refresh_from_db()
    clock = payment_clock_for(invoice=invoice, today=date(2026, 12, 31))
    assert (clock.state, clock.elapsed_days, clock.days_late) == (ClockState.REFUSED, 15, 0)
    assert clock.indemnity == Decimal("0.00")


def test_a_credit_note_has_no_payment_deadline_and_is_never_overdue(invoice):
    """Found on the demo's first screen: a credit note made available 60 days ago was listed
    'En retard'. The legal deadline is the buyer's, on invoices."""
    Invoice.objects.filter(pk=invoice.pk).update(
        kind=Invoice.Kind.CREDIT_NOTE, number="AV-1"
    )
    invoice.refresh_from_db()
    record(invoice, ("MISE_A_DISPOSITION", timezone.now() - timedelta(days=60)))
    payment_clock_refresh(invoice=invoice)
    invoice.refresh_from_db()

    assert payment_clock_for(invoice=invoice).state == ClockState.NOT_APPLICABLE
    assert invoice.payment_due_by is None
    assert not Invoice.objects.overdue(today=timezone.localdate()).exists()


def test_a_second_level_refusal_stops_the_clock_like_a_first_level_one(invoice):
    record(invoice, ("A_VALIDER_1", at("2026-03-01")), ("VALIDEE_1", at("2026-03-02")))
    record(invoice, ("A_VALIDER_2", at("2026-03-02")), ("REFUSEE_2", at("2026-03-05")))
    Invoice.objects.filter(pk=invoice.pk).update(chorus_status="REFUSEE_2")
    invoice.refresh_from_db()
    clock = payment_clock_for(invoice=invoice, today=date(2026, 12, 31))
    assert (clock.state, clock.stopped_on) == (ClockState.REFUSED, date(2026, 3, 5))
    assert (clock.days_late, clock.interest, clock.indemnity) == (0, Decimal("0.00"), Decimal(0))


def test_once_the_right_validator_is_named_and_validates_the_clock_runs_from_availability(
    invoice,
):
    record(invoice, ("A_VALIDER_1", at("2026-03-01")), ("REFUSEE_1", at("2026-03-02")))
    # The supplier named the right validator (corriger/valideur/facture): validation again.
    record(invoice, ("A_VALIDER_1", at("2026-03-03")), ("VALIDEE_1", at("2026-03-04")))
    record(invoice, ("MISE_A_DISPOSITION", at("2026-03-04")))
    Invoice.objects.filter(pk=invoice.pk).update(chorus_status="MISE_A_DISPOSITION")
    invoice.refresh_from_db()
    clock = payment_clock_for(invoice=invoice, today=date(2026, 3, 14))
    assert (clock.state, clock.started_on, clock.elapsed_days) == (
        ClockState.RUNNING,
        date(2026, 3, 4),
        10,
    )
