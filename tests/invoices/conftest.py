from datetime import date
from decimal import Decimal

import pytest

from invoices.models import Invoice, InvoiceLine
from invoices.services.drafts import invoice_totals_refresh
from structures.models import Structure


@pytest.fixture
def ready_invoice(demo_world, django_user_model):
    supplier = Structure.objects.get(siret="12345678200010")
    commune = Structure.objects.get(siret="21750001600019")
    invoice = Invoice.objects.create(
        supplier=supplier,
        recipient=commune,
        service=commune.services.get(code="SERV_TECH"),
        number="F-2026-0042",
        issue_date=date(2026, 11, 20),
        due_date=date(2026, 12, 20),
        payment_mode="transfer",
        created_by=django_user_model.objects.get(username="fournisseur"),
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        description="Maintenance",
        quantity=Decimal(3),
        unit="DAY",
        unit_price=Decimal("450.00"),
        vat_rate=Decimal(20),
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=2,
        description="Pièces",
        quantity=Decimal(2),
        unit="C62",
        unit_price=Decimal("12.50"),
        vat_rate=Decimal("5.5"),
    )
    invoice_totals_refresh(invoice=invoice)
    invoice.refresh_from_db()
    return invoice


@pytest.fixture
def add_lines():
    """Lines as (quantity, unit price, discount, VAT rate or None), totals by the real service."""

    def add(invoice: Invoice, specs) -> Invoice:
        for position, (quantity, price, discount, rate) in enumerate(specs, 1):
            InvoiceLine.objects.create(
                invoice=invoice,
                position=position,
                description=f"Maintenance <applicative> n°{position}",
                quantity=quantity,
                unit_price=price,
                discount=discount,
                vat_rate=rate,
            )
        invoice_totals_refresh(invoice=invoice)
        invoice.refresh_from_db()
        return invoice

    return add
