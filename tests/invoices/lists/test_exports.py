"""CSV export of the invoice lists, as a French spreadsheet would open it."""

import csv
import io
import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from invoices.models import ChorusStatus, Invoice
from structures.models import Membership, Structure

ROLE = Membership.Role
_chorus_ids = itertools.count(90_000)


@pytest.fixture
def world(make_structure, make_user, make_invoice):
    supplier = make_structure(name="Atelier Numérique")
    recipient = make_structure(name="Commune de Villeneuve", kind=Structure.Kind.PUBLIC)
    make_invoice(
        supplier,
        recipient,
        number="F-2026-1",
        status=Invoice.Status.SUBMITTED,
        chorus_invoice_id=next(_chorus_ids),
        chorus_status=ChorusStatus.SUSPENDED,
        issue_date=date(2026, 3, 31),
        total_excl_tax=Decimal("1234567.89"),
        total_vat=Decimal("246913.58"),
        total_incl_tax=Decimal("1481481.47"),
        amount_due=Decimal("1481481.47"),
    )
    make_invoice(supplier, recipient, number="=HYPERLINK(1)")
    make_invoice(make_structure(), recipient, number="F-OTHER-SUPPLIER")
    return {
        "supplier_user": make_user((supplier, ROLE.SUPPLIER_AGENT)),
        "recipient_user": make_user((recipient, ROLE.RECIPIENT_AGENT)),
    }


def _export(client, url_name, **params):
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="factures-')
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_export_has_french_headers_and_exact_amounts_with_a_decimal_comma(client, world):
    client.force_login(world["supplier_user"])
    rows = _export(client, "invoices:supplier_export")
    header, *lines = rows
    assert header[:3] == ["Numéro", "Type", "Fournisseur"]
    by_number = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    assert set(by_number) == {"F-2026-1", "'=HYPERLINK(1)"}
    invoice = by_number["F-2026-1"]
    assert invoice["Total TTC"] == "1481481,47"
    assert invoice["Date de facture"] == "31/03/2026"
    assert invoice["Statut"] == "Suspendue"


def test_the_export_follows_the_lists_filters(client, world):
    client.force_login(world["supplier_user"])
    _header, *lines = _export(client, "invoices:supplier_export", status="SUSPENDUE")
    assert [line[0] for line in lines] == ["F-2026-1"]


def test_a_recipient_exports_only_what_its_inbox_shows(client, world):
    client.force_login(world["recipient_user"])
    _header, *lines = _export(client, "invoices:recipient_export")
    assert [line[0] for line in lines] == ["F-2026-1"]
