"""The supplier's summary read from the counts the database keeps stays exactly what a pass over
the supplier's invoices gives, after every kind of write that changes a status, a deadline, a
kind or an amount, and after the change rows are folded together."""

import itertools
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from invoices.drafting.cleanup import invoice_empty_drafts_delete
from invoices.lists.counts import (
    status_counts_compact,
    status_counts_install,
    status_counts_uninstall,
)
from invoices.lists.selectors import _summary_compute, invoice_summary_for_space
from invoices.models import ChorusStatus, Invoice, InvoiceStatusCount
from portal.spaces import Space
from structures.models import Membership, Structure

_chorus_ids = itertools.count(70_000)


@pytest.fixture
def world(make_structure, make_user, make_invoice):
    supplier = make_structure(name="Atelier Numérique")
    other = make_structure(name="Autre fournisseur")
    recipient = make_structure(name="Commune de Villeneuve", kind=Structure.Kind.PUBLIC)
    user = make_user((supplier, Membership.Role.SUPPLIER_AGENT))
    # Another supplier's invoices never count in this supplier's summary.
    make_invoice(
        other,
        recipient,
        total_excl_tax=Decimal("7.00"),
        total_vat=Decimal("0.00"),
        total_incl_tax=Decimal("7.00"),
        amount_due=Decimal("7.00"),
    )
    return {
        "supplier": supplier,
        "other": other,
        "recipient": recipient,
        "space": Space(membership=user.memberships.get()),
    }


def _sent(make_invoice, world, status=ChorusStatus.AVAILABLE, **fields) -> Invoice:
    fields.setdefault("status", Invoice.Status.SUBMITTED)
    return make_invoice(
        world["supplier"],
        world["recipient"],
        chorus_invoice_id=next(_chorus_ids),
        chorus_status=status,
        **fields,
    )


def _assert_exact(space: Space) -> None:
    kept = invoice_summary_for_space(space=space)
    counted = _summary_compute(space)
    assert replace(kept, computed_at=None) == replace(counted, computed_at=None)


def _total(summary, key):
    return next((t for t in summary.by_status if t.key == key), None)


def test_each_kind_of_write_keeps_the_summary_exact(world, make_invoice):
    space, supplier = world["space"], world["supplier"]
    today = timezone.localdate()
    _assert_exact(space)  # nothing yet

    # Created one by one (save), a draft and sent invoices, one of them a credit note.
    draft = make_invoice(supplier, world["recipient"], status=Invoice.Status.DRAFT, number="")
    paid_late = _sent(make_invoice, world, payment_due_by=today - timedelta(days=3))
    _sent(make_invoice, world, payment_due_by=today + timedelta(days=10))
    credit = _sent(
        make_invoice,
        world,
        kind=Invoice.Kind.CREDIT_NOTE,
        total_excl_tax=Decimal("10.00"),
        total_vat=Decimal("2.00"),
        total_incl_tax=Decimal("12.00"),
        amount_due=Decimal("12.00"),
    )
    _assert_exact(space)
    summary = invoice_summary_for_space(space=space)
    assert summary.overdue_count == 1
    assert summary.awaiting_payment_count == 3
    assert summary.awaiting_payment_amount == Decimal("228.00")  # 120 + 120 - 12
    assert _total(summary, "draft").count == 1

    # The draft's amounts edited and saved, as the editor does.
    draft.total_excl_tax, draft.total_vat = Decimal("50.10"), Decimal("10.02")
    draft.total_incl_tax = draft.amount_due = Decimal("60.12")
    draft.save()
    _assert_exact(space)
    assert _total(invoice_summary_for_space(space=space), "draft").total_incl_tax == Decimal(
        "60.12"
    )

    # Sending moves the draft through the portal's statuses with queryset updates.
    Invoice.objects.filter(pk=draft.pk).update(status=Invoice.Status.QUEUED, number="F-DRAFT-1")
    _assert_exact(space)
    Invoice.objects.filter(pk=draft.pk).update(status=Invoice.Status.SENDING)
    Invoice.objects.filter(pk=draft.pk).update(
        status=Invoice.Status.SUBMITTED,
        chorus_status=ChorusStatus.DEPOSITED,
        chorus_invoice_id=next(_chorus_ids),
    )
    _assert_exact(space)

    # The status sync saves the new Chorus Pro status; the payment clock sets the deadline.
    paid_late.chorus_status = ChorusStatus.PAID
    paid_late.save(update_fields=["chorus_status"])
    Invoice.objects.filter(pk=draft.pk).update(
        chorus_status=ChorusStatus.AVAILABLE, payment_due_by=today - timedelta(days=1)
    )
    _assert_exact(space)
    assert invoice_summary_for_space(space=space).overdue_count == 1  # paid_late is paid now

    # A credit note becomes an invoice; an invoice changes supplier (a correction).
    Invoice.objects.filter(pk=credit.pk).update(kind=Invoice.Kind.INVOICE)
    _assert_exact(space)
    moved = _sent(make_invoice, world)
    Invoice.objects.filter(pk=moved.pk).update(supplier=world["other"])
    _assert_exact(space)

    # Many at once: bulk_create (the inbox sync) and a bulk update (a status for several).
    Invoice.objects.bulk_create(
        Invoice(
            supplier=supplier,
            recipient=world["recipient"],
            number=f"F-BULK-{n}",
            status=Invoice.Status.RECEIVED,
            chorus_status=ChorusStatus.SUSPENDED,
            chorus_invoice_id=next(_chorus_ids),
            total_excl_tax=Decimal("1.00"),
            total_vat=Decimal("0.20"),
            total_incl_tax=Decimal("1.20"),
            amount_due=Decimal("1.20"),
            payment_due_by=today - timedelta(days=n),
        )
        for n in range(5)
    )
    Invoice.objects.filter(number__in=["F-BULK-0", "F-BULK-1"]).update(
        chorus_status=ChorusStatus.REJECTED
    )
    _assert_exact(space)

    # Deleted: one by one, in bulk, and by a real service (empty drafts cleaned every night).
    Invoice.objects.get(number="F-BULK-4").delete()
    Invoice.objects.filter(number__startswith="F-BULK-3").delete()
    empty = make_invoice(
        supplier,
        number="",
        status=Invoice.Status.DRAFT,
        total_excl_tax=Decimal("0"),
        total_vat=Decimal("0"),
        total_incl_tax=Decimal("0"),
        amount_due=Decimal("0"),
    )
    Invoice.objects.filter(pk=empty.pk).update(updated_at=timezone.now() - timedelta(days=2))
    assert invoice_empty_drafts_delete(older_than=timedelta(days=1)) == 1
    _assert_exact(space)

    # Raw SQL, which no Python signal would see.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE invoices_invoice SET chorus_status = %s WHERE number = %s",
            [ChorusStatus.MANDATED, "F-BULK-2"],
        )
    _assert_exact(space)


def test_folding_the_change_rows_keeps_the_summary_exact(world, make_invoice):
    space = world["space"]
    today = timezone.localdate()
    invoices = [
        _sent(make_invoice, world, payment_due_by=today + timedelta(days=n - 5)) for n in range(10)
    ]
    for invoice in invoices[:6]:
        Invoice.objects.filter(pk=invoice.pk).update(chorus_status=ChorusStatus.SERVICE_DONE)
    before = InvoiceStatusCount.objects.count()
    _assert_exact(space)

    left = status_counts_compact(today=today)

    assert left < before
    # The 5 deadlines already past are one row per status now; the others stay apart.
    assert not InvoiceStatusCount.objects.filter(
        payment_due_by__gt=date.min, payment_due_by__lt=today
    ).exists()
    _assert_exact(space)
    # Changes after the folding still count, against the folded rows too.
    for invoice in invoices:
        invoice.refresh_from_db()
        invoice.chorus_status = ChorusStatus.PAID
        invoice.save()
    _assert_exact(space)
    assert invoice_summary_for_space(space=space).overdue_count == 0
    status_counts_compact(today=today + timedelta(days=30))
    _assert_exact(space)


def test_overdue_follows_the_calendar_without_any_write(world, make_invoice):
    space = world["space"]
    today = timezone.localdate()
    _sent(make_invoice, world, payment_due_by=today + timedelta(days=1))
    status_counts_compact(today=today)
    assert invoice_summary_for_space(space=space).overdue_count == 0

    tomorrow_but_one = today + timedelta(days=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args: tomorrow_but_one)
        assert invoice_summary_for_space(space=space).overdue_count == 1


def test_triggers_put_back_recount_what_they_missed(world, make_invoice):
    """A migration that rebuilds the invoice table on SQLite drops its triggers: installing
    them again (done after every migrate) counts the invoices afresh."""
    space = world["space"]
    _sent(make_invoice, world)
    status_counts_uninstall()
    _sent(make_invoice, world, status=ChorusStatus.SUSPENDED)
    assert replace(invoice_summary_for_space(space=space), computed_at=None) != replace(
        _summary_compute(space), computed_at=None
    )

    status_counts_install()

    _assert_exact(space)


def test_the_beat_folds_the_change_rows(world, make_invoice):
    from invoices.lists.tasks import status_counts_compact_task

    invoice = _sent(make_invoice, world)
    for status in (ChorusStatus.SUSPENDED, ChorusStatus.COMPLETED, ChorusStatus.SERVICE_DONE):
        Invoice.objects.filter(pk=invoice.pk).update(chorus_status=status)

    left = status_counts_compact_task()

    # The other supplier's invoice and this one: a row each.
    assert left == InvoiceStatusCount.objects.count() == 2
    _assert_exact(world["space"])
