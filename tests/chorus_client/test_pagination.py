"""Searches page through every result exactly once."""

from chorus_client import (
    InvoiceStatus,
    PageRequest,
    ReceivedInvoiceSearch,
    SortDirection,
    SupplierInvoiceSearch,
)

from .conftest import LYCEE_SIRET, SUPPLIER_SIRET


def seed(emulator, count, prefix, status="MISE_A_DISPOSITION"):
    emulator.seed_invoices(supplier_siret=SUPPLIER_SIRET, recipient_siret=LYCEE_SIRET,
                           count=count, status=status, numeroPrefix=prefix)


def test_the_supplier_search_iterator_returns_every_invoice_once(supplier, emulator, recorded):
    seed(emulator, 23, "PAGE")

    numbers = [item.invoice_number
               for item in supplier.supplier.iter_search(SupplierInvoiceSearch(), page_size=10)]

    assert len(numbers) == 23
    assert len(set(numbers)) == 23
    searches = [e for e in recorded.exchanges
                if e.operation == "factures/v1/rechercher/fournisseur"]
    assert len(searches) == 3


def test_a_single_page_reports_its_position(supplier, emulator):
    seed(emulator, 12, "ONE")

    page = supplier.supplier.search(
        SupplierInvoiceSearch(), PageRequest(page=2, page_size=5,
                                             sort_direction=SortDirection.ASCENDING))

    assert (page.page, page.pages, page.page_size, page.total) == (2, 3, 5, 12)
    assert len(page.items) == 5


def test_the_recipient_search_iterator_returns_every_invoice_once(lycee, emulator):
    seed(emulator, 17, "REC")

    ids = [item.invoice_id for item in lycee.recipient.iter_search(
        ReceivedInvoiceSearch(statuses=(InvoiceStatus.MISE_A_DISPOSITION,)), page_size=4)]

    assert len(ids) == 17
    assert len(set(ids)) == 17


def test_an_empty_recipient_search_is_an_empty_page_not_an_error(lycee, recorded):
    page = lycee.recipient.search(ReceivedInvoiceSearch(invoice_number="NOPE-404"))

    assert page.items == []
    assert page.total == 0
    assert recorded.exchanges[-1].return_code == 20000
    assert recorded.exchanges[-1].error_kind is None
    assert list(lycee.recipient.iter_search(ReceivedInvoiceSearch(invoice_number="NOPE"))) == []
