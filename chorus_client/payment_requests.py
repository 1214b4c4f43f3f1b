"""Factures ``rechercher/demandePaiement`` (contract §5.14): one search over the payment requests
of every space the account works in (issued, received, to validate), live or archived."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from .paging import page_params, read_page
from .transport import Transport
from .types_common import (
    BillingFramework,
    InvoiceStatus,
    InvoiceType,
    Page,
    PageRequest,
    PaymentRequestType,
    iterate_pages,
)
from .types_payment_requests import PaymentRequestSearch, PaymentRequestSummary
from .wire import Reader, compact, format_date, format_period_bound


def _summary(item: Reader) -> PaymentRequestSummary:
    return PaymentRequestSummary(
        payment_request_id=item.integer("idDemandePaiement"),
        number=item.text("numeroDemandePaiement"),
        payment_request_type=item.opt_enum("typeDemandePaiement", PaymentRequestType),
        invoice_type=item.opt_enum("typeFacture", InvoiceType),
        framework=item.opt_enum("cadreFacturation", BillingFramework),
        status=item.enum("etatCourant", InvoiceStatus),
        status_changed_at=item.opt_moment("dateHeureEtatCourant"),
        status_comment=item.opt_text("commentaireEtatCourant"),
        deposited_on=item.opt_day("dateDepot"),
        invoice_date=item.opt_day("dateFournisseur"),
        archived=item.opt_text("dpOuDpArchive") == "DP_ARCHIVE",
        supplier_id=item.opt_integer("idStructureFournisseur"),
        supplier_identifier=item.opt_text("identifiantStructureFournisseur"),
        recipient_id=item.opt_integer("idStructureDestinataire"),
        recipient_identifier=item.opt_text("identifiantStructureDestinataire"),
        recipient_service_code=item.opt_text("codeServiceDestinataire"),
        first_validator_id=item.opt_integer("idStructureValideur1"),
        second_validator_id=item.opt_integer("idStructureValideur2"),
        total_excl_tax=item.opt_amount("montantHT"),
        total_incl_tax=item.opt_amount("montantTTC"),
        amount_due=item.opt_amount("montantAPayer"),
        purchase_order_number=item.opt_text("numeroBonCommande"),
        contract_number=item.opt_text("numeroMarche"),
        mandate_number=item.opt_text("numeroDpMandat"),
    )


class PaymentRequests:
    """Payment requests across spaces (``/cpro/factures/v1/rechercher/demandePaiement``)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def search(self, filters: PaymentRequestSearch,
               page: PageRequest | None = None) -> Page[PaymentRequestSummary]:
        """``POST /cpro/factures/v1/rechercher/demandePaiement`` (rechercherDemandePaiement).

        Not answered in Chorus Pro's qualification environment (contract §11.12). [U] GO shows
        no pagination: the page is sent as ``pagination``, and an answer without
        ``parametresRetour`` is read as one page holding everything.
        """
        page = page or PageRequest()
        operation = "factures/v1/rechercher/demandePaiement"
        answer = Reader(self._transport.call(operation, compact({
            "roleUtilisateur": filters.role,
            "dpOuDpArchive": "DP_ARCHIVE" if filters.archived else "DEMANDE_PAIEMENT",
            "typeDemandePaiement": filters.payment_request_type,
            "numeroFacture": filters.invoice_number,
            "typeFacture": filters.invoice_type,
            "cadreFacturation": filters.framework,
            "statutCourant": filters.status,
            "structureFournisseur": compact({"idStructureFournisseur": filters.supplier_id})
            or None,
            "structureDestinataire": compact({"idStructureDestinataire": filters.recipient_id})
            or None,
            "structureValideur": compact({"idStructureValideur": filters.validator_id}) or None,
            "numeroBonCommande": filters.purchase_order_number,
            "numeroMarche": filters.contract_number,
            "periodeDateDepotDu": format_date(filters.deposited_from),
            "periodeDateDepotAu": format_date(filters.deposited_until),
            "periodeDateFournisseurDu": format_date(filters.invoice_date_from),
            "periodeDateFournisseurAu": format_date(filters.invoice_date_until),
            "periodeDateHeureEtatCourantDu": format_period_bound(filters.status_changed_from),
            "periodeDateHeureEtatCourantAu": format_period_bound(filters.status_changed_until),
            "pagination": page_params(page),
        })), operation=operation)
        return read_page(answer, "listeDemandePaiement", _summary, request=page, unpaged=True)

    def iter_search(self, filters: PaymentRequestSearch, *, page_size: int = 100
                    ) -> Iterator[PaymentRequestSummary]:
        """Every payment request matching ``filters``, across all pages."""
        return iterate_pages(partial(self.search, filters), page_size)
