from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from invoices.models import Invoice, StatusEvent


def test_two_invoices_of_one_supplier_cannot_share_a_number(make_structure, make_invoice):
    supplier = make_structure()
    make_invoice(supplier, number="F-2026-001")
    with pytest.raises(IntegrityError):
        make_invoice(supplier, number="F-2026-001")


def test_two_suppliers_may_use_the_same_number(make_structure, make_invoice):
    make_invoice(make_structure(), number="F-1")
    make_invoice(make_structure(), number="F-1")


def test_drafts_without_a_number_do_not_collide(make_structure, make_invoice):
    supplier = make_structure()
    make_invoice(supplier, number="")
    make_invoice(supplier, number="")


def test_the_database_refuses_inconsistent_totals(make_structure, make_invoice):
    with pytest.raises(IntegrityError):
        make_invoice(
            make_structure(),
            total_excl_tax=Decimal("100.00"),
            total_vat=Decimal("20.00"),
            total_incl_tax=Decimal("119.99"),
        )


def test_an_invoice_sent_to_chorus_pro_always_has_its_chorus_id(make_structure, make_invoice):
    with pytest.raises(IntegrityError):
        make_invoice(make_structure(), status=Invoice.Status.SUBMITTED)


def test_a_validator_is_only_for_a9_and_a12(make_structure, make_invoice):
    validator = make_structure(kind="public")
    make_invoice(make_structure(), validator=validator, billing_framework="A12")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_invoice(make_structure(), validator=validator, billing_framework="A1")


def test_status_history_is_immutable(make_structure, make_invoice):
    event = StatusEvent.objects.create(
        invoice=make_invoice(make_structure()),
        status="DEPOSEE",
        occurred_at=timezone.now(),
        source=StatusEvent.Source.CHORUS,
    )
    event.comment = "changed"
    with pytest.raises(ValueError, match="immutable"):
        event.save()
    with pytest.raises(ValueError, match="immutable"):
        event.delete()


def test_a_chorus_history_entry_is_recorded_once(make_structure, make_invoice):
    invoice = make_invoice(make_structure())
    fields = {
        "invoice": invoice,
        "status": "DEPOSEE",
        "occurred_at": timezone.now(),
        "source": "chorus",
        "chorus_history_id": 8548152,
    }
    StatusEvent.objects.create(**fields)
    with pytest.raises(IntegrityError):
        StatusEvent.objects.create(**fields)
