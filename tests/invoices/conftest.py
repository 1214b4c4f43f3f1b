from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from chorus_client import ChorusClient, ChorusConfig, DepositMode, InvoiceSubmission, InvoiceTotals
from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice, InvoiceLine
from invoices.sending.submission import invoice_send
from structures.models import Membership, Structure

BUREAU = "44306184100013"  # Bureau Fournitures, a supplier that does not use the portal


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
def sent_invoice(ready_invoice):
    """``ready_invoice``, queued and sent to Chorus Pro by the worker's submission."""
    Invoice.objects.filter(pk=ready_invoice.pk).update(status=Invoice.Status.QUEUED)
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
    ready_invoice.refresh_from_db()
    return ready_invoice


@pytest.fixture
def bureau_submits(demo_world):
    """Factory: Bureau Fournitures, outside the portal, deposits a structured invoice to the
    Commune's technical service straight through Chorus Pro; returns its Chorus Pro id. The
    totals follow from ``vat_lines``; other keywords (framework, validator, another recipient)
    go to the submission."""
    login, password = demo_world.accounts[BUREAU]
    config = ChorusConfig(
        token_url=demo_world.token_url,
        api_base_url=demo_world.api_base_url,
        client_id=demo_world.client_id,
        client_secret=demo_world.client_secret,
        technical_login=login,
        technical_password=password,
    )

    def submit(number: str, *, lines, vat_lines, **fields) -> int:
        excl_tax = sum((vat.taxable_amount for vat in vat_lines), Decimal(0))
        vat = sum((vat.vat_amount for vat in vat_lines), Decimal(0))
        fields = {
            "recipient_siret": "21750001600019",
            "recipient_service_code": "SERV_TECH",
            **fields,
        }
        submission = InvoiceSubmission(
            deposit_mode=DepositMode.SAISIE_API,
            supplier_id=26000002,
            invoice_number=number,
            totals=InvoiceTotals(
                total_excl_tax=excl_tax,
                total_vat=vat,
                total_incl_tax=excl_tax + vat,
                amount_due=excl_tax + vat,
            ),
            lines=tuple(lines),
            vat_lines=tuple(vat_lines),
            **fields,
        )
        with ChorusClient(config) as client:
            return client.supplier.submit(submission).invoice_id

    return submit


@pytest.fixture
def supplier(make_structure):
    """A supplier structure of its own, with none of the demo world around it."""
    return make_structure(name="Atelier Numérique SAS")


@pytest.fixture
def agent_client(client, make_user, supplier):
    """The test client, logged in as a new agent of ``supplier``."""
    client.force_login(make_user((supplier, Membership.Role.SUPPLIER_AGENT)))
    return client


@pytest.fixture
def draft(agent_client, supplier):
    """A new draft, opened in the editor by ``agent_client``."""
    response = agent_client.post(reverse("invoices:draft_new"))
    invoice = Invoice.objects.get(supplier=supplier)
    assert response.url == reverse("invoices:edit", args=[invoice.pk])
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


@pytest.fixture
def retry_due():
    """Makes the scheduled retry of a row (invoice being sent, action, download, flow) due now:
    what the seconds of its backoff would do."""
    from invoices.actions import services as actions
    from invoices.documents import downloads
    from invoices.flows import deposit
    from invoices.models import Flow, InvoiceAction, InvoiceDownload
    from invoices.sending import submission

    queues = {
        Invoice: submission.SENDING,
        InvoiceAction: actions.ACTIONS,
        InvoiceDownload: downloads.DOWNLOADS,
        Flow: deposit.SENDING,
    }

    def make_due(row) -> None:
        assert queues[type(row)].due_now(row.pk), "a worker still holds it"

    return make_due
