"""The parties and invoices the Factur-X tests build documents for."""

from datetime import date
from decimal import Decimal as D

import pytest

from invoices.models import Invoice
from structures.models import Service, Structure
from tests.invoices.documents.facturx.facturx_xml import MULTI_RATE


@pytest.fixture
def supplier(make_structure):
    return make_structure(
        name="Atelier Numérique SAS",
        vat_number="FR32300000018",
        address_line="12 rue des Lilas",
        postal_code="75011",
        city="Paris",
    )


@pytest.fixture
def recipient(make_structure):
    return make_structure(
        name="Commune de Villeneuve",
        kind="public",
        address_line="1 place de la Mairie",
        postal_code="31000",
        city="Villeneuve",
    )


@pytest.fixture
def foreign_supplier(make_structure):
    """An EU supplier established abroad, as Chorus Pro knows Werkstatt Berlin GmbH
    (docs/emulator-world.md): by its VAT number, typed UE_HORS_FRANCE, without SIRET."""
    return make_structure(
        name="Werkstatt Berlin GmbH",
        siret="DE811569869",
        identifier_type=Structure.IdentifierType.OTHER,
        address_line="Friedrichstraße 12",
        postal_code="10117",
        city="Berlin",
        country_code="DE",
    )


@pytest.fixture
def service(recipient):
    return Service.objects.create(structure=recipient, code="SERV-FIN", label="Finances")


@pytest.fixture
def invoice(add_lines, supplier, recipient, service, make_invoice):
    made = make_invoice(
        supplier,
        recipient,
        service=service,
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 4, 1),
        payment_mode=Invoice.PaymentMode.TRANSFER,
        vat_regime=Invoice.VatRegime.EXEMPT,
        vat_exemption_reason="Exonération, article 261-4-4° du CGI",
        commitment_number="EJ-2026-0042",
        market_number="MP-2026-07",
    )
    return add_lines(made, MULTI_RATE)


@pytest.fixture
def foreign_invoice(add_lines, foreign_supplier, recipient, service, make_invoice):
    made = make_invoice(
        foreign_supplier,
        recipient,
        service=service,
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 4, 1),
        payment_mode=Invoice.PaymentMode.TRANSFER,
    )
    return add_lines(made, [(D("2"), D("350"), D("0"), D("20"))])
