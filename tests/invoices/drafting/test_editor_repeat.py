"""Less typing: today's date and the next number offered, an invoice duplicated, recipients
invoiced before offered first, saved products added as lines."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalogue.models import SavedProduct
from invoices.drafting.defaults import invoice_number_following, invoice_number_suggest
from invoices.models import Invoice, InvoiceLine
from structures.models import Service, Structure

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def commune(make_structure):
    commune = make_structure(name="Commune de Valfleuri", kind=Structure.Kind.PUBLIC)
    Service.objects.create(structure=commune, code="SERV_TECH", label="Services techniques")
    Service.objects.create(structure=commune, code="ECOLES", label="Écoles")
    Service.objects.create(structure=commune, code="ARCHIVES", label="Archives")
    return commune


@pytest.mark.parametrize(
    ("number", "following"),
    [
        ("F-2026-0041", "F-2026-0042"),
        ("F-2026-0099", "F-2026-0100"),
        ("FA9/B", "FA10/B"),
        ("2026-999", "2026-1000"),
        ("SANS", None),
    ],
)
def test_the_following_number_continues_the_last_run_of_digits(number, following):
    assert invoice_number_following(number) == following


def test_a_new_draft_offers_today_and_the_next_number_of_the_series(
    agent_client, supplier, make_invoice, draft
):
    make_invoice(
        supplier, number="F-2026-0041", status=Invoice.Status.SUBMITTED, chorus_invoice_id=1
    )
    make_invoice(supplier, number="F-2026-0042", status=Invoice.Status.DRAFT)  # taken by a draft
    page = agent_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert 'value="F-2026-0043"' in page
    assert f'value="{timezone.localdate().isoformat()}"' in page
    # Nothing is stored while the draft is untouched ("New invoice" reopens it)...
    draft.refresh_from_db()
    assert (draft.number, draft.issue_date) == ("", None)
    assert agent_client.post(reverse("invoices:draft_new")).url.endswith(f"/{draft.pk}/modifier/")
    # ...and the values come with its first change, even a line added.
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    draft.refresh_from_db()
    assert (draft.number, draft.issue_date) == ("F-2026-0043", timezone.localdate())


def test_a_supplier_without_numbered_invoices_gets_no_suggestion(supplier, draft):
    assert invoice_number_suggest(supplier=supplier, kind="invoice") == ""


def test_credit_notes_follow_their_own_series(supplier, make_invoice):
    make_invoice(supplier, number="F-0007", status=Invoice.Status.DRAFT)
    assert invoice_number_suggest(supplier=supplier, kind="credit_note") == "F-0008"
    make_invoice(supplier, number="AV-0003", status=Invoice.Status.DRAFT, kind="credit_note")
    assert invoice_number_suggest(supplier=supplier, kind="credit_note") == "AV-0004"
    assert invoice_number_suggest(supplier=supplier, kind="invoice") == "F-0008"


def test_a_typed_number_and_date_are_kept(agent_client, supplier, make_invoice, draft):
    make_invoice(supplier, number="F-1", status=Invoice.Status.DRAFT)
    agent_client.post(
        reverse("invoices:draft_save", args=[draft.pk]),
        {
            "kind": "invoice",
            "number": "X-77",
            "issue_date": "2026-11-02",
            "billing_framework": "A1",
            "vat_regime": "on_debits",
        },
        **HTMX,
    )
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    draft.refresh_from_db()
    assert (draft.number, draft.issue_date) == ("X-77", date(2026, 11, 2))


def test_duplicating_an_invoice_opens_a_new_draft_with_its_recipient_service_and_lines(
    agent_client, supplier, commune, make_invoice
):
    service = commune.services.get(code="ECOLES")
    original = make_invoice(
        supplier,
        commune,
        service=service,
        number="F-2026-0041",
        issue_date=date(2026, 10, 1),
        due_date=date(2026, 10, 31),
        market_number="M-12",
        status=Invoice.Status.SUBMITTED,
        chorus_invoice_id=77,
    )
    InvoiceLine.objects.create(
        invoice=original,
        position=1,
        description="Maintenance mensuelle",
        quantity=Decimal("1"),
        unit="MON",
        unit_price=Decimal("450.50"),
        vat_rate=Decimal("20"),
    )
    response = agent_client.post(reverse("invoices:invoice_duplicate", args=[original.pk]))
    copy = Invoice.objects.exclude(pk=original.pk).get(supplier=supplier)
    assert response.url == reverse("invoices:edit", args=[copy.pk])
    assert copy.status == Invoice.Status.DRAFT
    assert (copy.recipient, copy.service, copy.market_number) == (commune, service, "M-12")
    assert copy.number == "F-2026-0042"
    assert copy.issue_date == timezone.localdate()
    assert copy.due_date == timezone.localdate() + timedelta(days=30)
    line = copy.lines.get()
    assert (line.description, line.unit, line.unit_price) == (
        "Maintenance mensuelle",
        "MON",
        Decimal("450.50"),
    )
    assert copy.total_incl_tax == Decimal("540.60")
    assert not copy.events.exists() and not copy.attachments.exists()
    page = agent_client.get(response.url).text
    assert "Maintenance mensuelle" in page


def test_another_supplier_cannot_duplicate_an_invoice(agent_client, make_structure, make_invoice):
    other = make_invoice(make_structure(), status=Invoice.Status.DRAFT)
    response = agent_client.post(reverse("invoices:invoice_duplicate", args=[other.pk]))
    assert response.status_code == 404


def test_recipients_invoiced_before_come_first_with_their_services(
    agent_client, supplier, commune, make_structure, make_invoice, draft
):
    lycee = make_structure(name="Lycée Jean Moulin", kind=Structure.Kind.PUBLIC)
    ecoles = commune.services.get(code="ECOLES")
    make_invoice(supplier, commune, service=ecoles, status=Invoice.Status.DRAFT)
    make_invoice(supplier, commune, service=ecoles, status=Invoice.Status.DRAFT)
    make_invoice(supplier, lycee, status=Invoice.Status.DRAFT)
    make_invoice(make_structure(), make_structure(kind=Structure.Kind.PUBLIC))  # another's

    page = agent_client.get(reverse("invoices:edit", args=[draft.pk])).text
    recent = page[page.index('id="recent-recipients"') :]
    assert recent.index("Lycée Jean Moulin") < recent.index("Commune de Valfleuri")
    assert "ECOLES" in recent
    assert recent.count("data-recent-siret") == 2

    # One click picks the recipient and its service.
    agent_client.post(
        reverse("invoices:recipient_pick", args=[draft.pk]),
        {"recipient_id": commune.pk, "service_id": ecoles.pk},
        **HTMX,
    )
    draft.refresh_from_db()
    assert (draft.recipient, draft.service) == (commune, ecoles)
    # The services invoiced before head the list.
    page = agent_client.get(reverse("invoices:edit", args=[draft.pk])).text
    services = page[page.index('id="id_service_code"') :]
    assert services.index("ECOLES") < services.index("ARCHIVES") < services.index("SERV_TECH")
    assert "Facturés auparavant" in services or "Invoiced before" in services


def test_a_service_of_another_recipient_is_not_picked(agent_client, commune, make_structure, draft):
    elsewhere = Service.objects.create(
        structure=make_structure(kind=Structure.Kind.PUBLIC), code="AILLEURS"
    )
    agent_client.post(
        reverse("invoices:recipient_pick", args=[draft.pk]),
        {"recipient_id": commune.pk, "service_id": elsewhere.pk},
        **HTMX,
    )
    draft.refresh_from_db()
    assert (draft.recipient, draft.service) == (commune, None)


def test_a_line_saved_as_a_product_is_added_again_in_one_click(agent_client, supplier, draft):
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    line = draft.lines.get()
    agent_client.post(
        reverse("invoices:line_save", args=[draft.pk, line.pk]),
        {
            f"line-{line.pk}-description": "Journée de formation",
            f"line-{line.pk}-quantity": "1",
            f"line-{line.pk}-unit": "DAY",
            f"line-{line.pk}-unit_price": "850,50",
            f"line-{line.pk}-discount": "0",
            f"line-{line.pk}-vat_rate": "20",
        },
        **HTMX,
    )
    saved = agent_client.post(reverse("invoices:line_to_product", args=[draft.pk, line.pk]), **HTMX)
    assert 'data-product-saved="Journée de formation"' in saved.text
    product = SavedProduct.objects.get(supplier=supplier)
    assert (product.unit, product.unit_price, product.vat_rate) == (
        "DAY",
        Decimal("850.50"),
        Decimal("20"),
    )

    added = agent_client.post(
        reverse("invoices:line_from_product", args=[draft.pk]), {"product_id": product.pk}, **HTMX
    )
    assert added.status_code == 200
    second = draft.lines.get(position=2)
    assert (second.description, second.unit_price, second.vat_rate) == (
        "Journée de formation",
        Decimal("850.50"),
        Decimal("20"),
    )
    assert 'value="850,5"' in added.text  # shown in French in the new line
    draft.refresh_from_db()
    assert draft.total_excl_tax == Decimal("1701.00")


def test_a_line_without_description_is_not_saved_as_a_product(agent_client, draft):
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    line = draft.lines.get()
    answer = agent_client.post(
        reverse("invoices:line_to_product", args=[draft.pk, line.pk]), **HTMX
    )
    assert 'role="alert"' in answer.text
    assert not SavedProduct.objects.exists()


def test_saved_products_are_edited_and_deleted_on_their_page(agent_client, supplier):
    products = reverse("invoices:products")
    created = agent_client.post(
        products, {"label": "Audit", "unit": "HUR", "unit_price": "95,5", "vat_rate": "20"}
    )
    assert created.status_code == 302
    product = SavedProduct.objects.get(supplier=supplier)
    assert product.unit_price == Decimal("95.5")
    refused = agent_client.post(
        products, {"label": "Audit", "unit": "HUR", "unit_price": "1", "vat_rate": ""}
    )
    assert refused.status_code == 200 and 'role="alert"' in refused.text

    edit = reverse("invoices:product_edit", args=[product.pk])
    assert 'value="95,5"' in agent_client.get(edit).text
    agent_client.post(
        edit, {"label": "Audit sécurité", "unit": "HUR", "unit_price": "120", "vat_rate": ""}
    )
    product.refresh_from_db()
    assert (product.label, product.unit_price, product.vat_rate) == (
        "Audit sécurité",
        Decimal("120"),
        None,
    )
    remove = reverse("invoices:product_remove", args=[product.pk])
    asked = agent_client.post(remove)
    assert asked.status_code == 200 and "button-danger" in asked.text
    assert SavedProduct.objects.exists()
    agent_client.post(remove, {"confirmed": "1"})
    assert not SavedProduct.objects.exists()


def test_another_suppliers_product_is_out_of_reach(agent_client, make_structure, draft):
    other = SavedProduct.objects.create(
        supplier=make_structure(), label="Secret", unit="C62", unit_price=Decimal(1)
    )
    assert agent_client.get(reverse("invoices:product_edit", args=[other.pk])).status_code == 404
    answer = agent_client.post(
        reverse("invoices:line_from_product", args=[draft.pk]), {"product_id": other.pk}, **HTMX
    )
    assert answer.status_code == 404
    assert not draft.lines.exists()
