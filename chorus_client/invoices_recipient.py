"""Recipient and validator sides of the Factures API (contract §5.12, §5.13)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from .invoice_parsing import invoice_details, received_summary, validator_summary
from .invoices_supplier import fetch_history
from .paging import page_params, read_page
from .transport import Transport
from .transverses_base import decode_file
from .types_common import (
    DownloadFormat,
    InvoiceStatus,
    Page,
    PageRequest,
    ValidatorAction,
    iterate_pages,
)
from .types_invoice_search import (
    InvoiceHistory,
    ReceivedInvoiceSearch,
    ReceivedInvoiceSummary,
    TreatmentResult,
    ValidatorInvoiceSearch,
    ValidatorInvoiceSummary,
)
from .types_invoices import InvoiceDetails
from .wire import Reader, compact, format_date, format_period_bound

# Contract §5.12 [C]: an empty recipient search is codeRetour 20000 (TRA_MSG_00.015), not an error.
NO_RESULT = 20000
MAX_MOTIVE = 255  # contract §8.3 [S: PAS], traiter/recue motif
MOTIVE_REQUIRED = frozenset({InvoiceStatus.REJETEE, InvoiceStatus.SUSPENDUE})


def received_search_body(filters: ReceivedInvoiceSearch, page: PageRequest) -> dict[str, Any]:
    return compact({
        "typeDemandePaiement": filters.payment_request_type,
        "idDestinataire": filters.recipient_id,
        "idServiceExecutant": filters.recipient_service_id,
        "listeFournisseurs": [{"idFournisseur": supplier_id}
                              for supplier_id in filters.supplier_ids] or None,
        "numeroFacture": filters.invoice_number,
        "factureTelechargeeParDestinataire": filters.downloaded,
        "statutCourant": list(filters.statuses) or None,
        "periodeDateHeureEtatCourantDu": format_period_bound(filters.status_changed_from),
        "periodeDateHeureEtatCourantAu": format_period_bound(filters.status_changed_until),
        "periodeDateDepotDu": format_date(filters.deposited_from),
        "periodeDateDepotAu": format_date(filters.deposited_until),
        "periodeDateFactureDu": format_date(filters.invoice_date_from),
        "periodeDateFactureAu": format_date(filters.invoice_date_until),
        "cadreFacturation": filters.framework,
        "listeTypeFacture": list(filters.invoice_types) or None,
        "listeTypeFactureTravaux": list(filters.works_invoice_types) or None,
        "numeroBonCommande": filters.purchase_order_number,
        "numeroMarche": filters.contract_number,
        # Contract §5.12 [C]: the pagination object is "paramRecherche" here.
        "paramRecherche": page_params(page),
    })


class _ReceivingSide:
    """What the recipient and validator groups share: the call and the "no result" search."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _call(self, path: str, body: dict[str, Any], *, accepted_codes: tuple[int, ...] = ()
              ) -> Reader:
        operation = f"factures/v1/{path}"
        return Reader(self._transport.call(operation, body, accepted_codes=accepted_codes),
                      operation=operation)

    def _search[T](self, path: str, body: dict[str, Any], parse: Callable[[Reader], T],
                   page: PageRequest, *, top_level: bool = False) -> Page[T]:
        """One page of a search where "no result" (code 20000) is an empty page."""
        answer = self._call(path, body, accepted_codes=(NO_RESULT,))
        if answer.integer("codeRetour") == NO_RESULT:
            return Page(page=page.page, pages=0, page_size=page.page_size, total=0, items=[])
        return read_page(answer, "listeFactures", parse, top_level=top_level, request=page)


class RecipientInvoices(_ReceivingSide):
    """What a public recipient does with the invoices it receives."""

    def search(self, filters: ReceivedInvoiceSearch,
               page: PageRequest | None = None) -> Page[ReceivedInvoiceSummary]:
        """``POST /cpro/factures/v1/rechercher/recipiendaire`` (rechercherFactureParRecipiendaire):
        one page of received invoices. "No result" (code 20000) is an empty page."""
        page = page or PageRequest()
        # Contract §2 [C]: this operation reports its pagination at the top level.
        return self._search("rechercher/recipiendaire", received_search_body(filters, page),
                            received_summary, page, top_level=True)

    def iter_search(self, filters: ReceivedInvoiceSearch, *, page_size: int = 100
                    ) -> Iterator[ReceivedInvoiceSummary]:
        """Every received invoice matching ``filters``, across all pages."""
        return iterate_pages(partial(self.search, filters), page_size)

    def get(self, invoice_id: int, *, language: str = "fr") -> InvoiceDetails:
        """``POST /cpro/factures/v1/consulter/recipiendaire``: a received invoice in full."""
        answer = self._call("consulter/recipiendaire",
                            {"identifiantFactureCPP": invoice_id, "codeLangue": language})
        return invoice_details(answer)

    def history(self, invoice_id: int, *, max_results: int = 100) -> InvoiceHistory:
        """``POST /cpro/factures/v1/consulter/historique``: status history, newest first."""
        return fetch_history(self._transport, invoice_id, max_results)

    def treat(self, invoice_id: int, new_status: InvoiceStatus, *, motive: str | None = None,
              mandate_number: str | None = None) -> TreatmentResult:
        """``POST /cpro/factures/v1/traiter/recue`` (traiterFactureRecue): set a new status.

        A motive is required for REJETEE and SUSPENDUE (≤ 255 characters); ``mandate_number``
        goes with MANDATEE. A forbidden transition is rejected with code 20002, and so is
        A_RECYCLER since the annexe v6.1 withdrew recycling (a wrong routing is a rejection).
        """
        if new_status in MOTIVE_REQUIRED and not (motive and motive.strip()):
            raise ValueError(f"a motive is required to set {new_status}")
        if motive is not None and len(motive) > MAX_MOTIVE:
            raise ValueError(f"the motive is limited to {MAX_MOTIVE} characters")
        answer = self._call("traiter/recue", compact({
            "idFacture": invoice_id,
            "nouveauStatut": new_status,
            "motif": motive,
            "numeroDPMandat": mandate_number if new_status == InvoiceStatus.MANDATEE else None,
        }))
        return TreatmentResult(
            invoice_id=answer.opt_integer("idFacture") or invoice_id,
            invoice_number=answer.opt_text("numeroFacture"),
            treated_on=answer.opt_day("dateTraitement"),
            status=answer.opt_enum("nouveauStatut", InvoiceStatus) or new_status,
        )

    def download(self, invoice_ids: list[int], *, file_format: DownloadFormat = DownloadFormat.PDF,
                 include_supporting: bool = False) -> bytes:
        """``POST /cpro/factures/v1/telecharger/groupe`` (telechargerGroupeFacture): the invoices'
        files (PDF, or PIVOT XML), as the decoded bytes of ``fichierResultat``. Over 120 MB
        Chorus Pro answers 413, raised as a rejection."""
        answer = self._call("telecharger/groupe", {
            "listeFacture": [{"idFacture": invoice_id} for invoice_id in invoice_ids],
            "format": file_format,
            "avecPiecesJointesComplementaires": "OUI" if include_supporting else "NON",
        })
        return decode_file(answer, "fichierResultat")


class ValidatorInvoices(_ReceivingSide):
    """What a validator structure does with invoices to validate (frameworks A9, A12...)."""

    def search(self, filters: ValidatorInvoiceSearch,
               page: PageRequest | None = None) -> Page[ValidatorInvoiceSummary]:
        """``POST /cpro/factures/v1/rechercher/valideur``: one page of invoices to validate."""
        page = page or PageRequest()
        # [U] §5.13: whether "no result" is 20000 here too; accepted as an empty page.
        return self._search("rechercher/valideur", compact({
            "numeroFacture": filters.invoice_number,
            "idFournisseur": filters.supplier_id,
            "idDestinataire": filters.recipient_id,
            "statutCourant": list(filters.statuses) or None,
            "cadreFacturation": filters.framework,
            "periodeDateHeureEtatCourantDu": format_period_bound(filters.status_changed_from),
            "periodeDateHeureEtatCourantAu": format_period_bound(filters.status_changed_until),
            "periodeDateDepotDu": format_date(filters.deposited_from),
            "periodeDateDepotAu": format_date(filters.deposited_until),
            # [U] contract §5.13: GO names this pagination object "pagination".
            "pagination": page_params(page),
        }), validator_summary, page)

    def iter_search(self, filters: ValidatorInvoiceSearch, *, page_size: int = 100
                    ) -> Iterator[ValidatorInvoiceSummary]:
        """Every invoice to validate matching ``filters``, across all pages."""
        return iterate_pages(partial(self.search, filters), page_size)

    def get(self, invoice_id: int, *, language: str = "fr") -> InvoiceDetails:
        """``POST /cpro/factures/v1/consulter/valideur``: an invoice to validate in full."""
        answer = self._call("consulter/valideur",
                            {"identifiantFactureCPP": invoice_id, "codeLangue": language})
        return invoice_details(answer)

    def visible_statuses(self) -> list[InvoiceStatus]:
        """``POST /cpro/factures/v1/recuperer/statutsFactureVisibles/valideur``
        (recupererStatutsFactureVisiblesParValideur): the statuses in which a validator finds
        invoices, first and second validation levels (A_VALIDER_1 ... REFUSEE_2)."""
        answer = self._call("recuperer/statutsFactureVisibles/valideur", {})
        return [item.enum("codeStatutFacture", InvoiceStatus)
                for item in answer.items("listeStatutFacture")]

    def treat(self, invoice_id: int, action: ValidatorAction, *,
              refusal_reason: str | None = None, comment: str | None = None,
              attachment_id: int | None = None) -> TreatmentResult:
        """``POST /cpro/factures/v1/traiter/factureAValider`` (traiterFactureAValider): validate
        (VALIDATION) or refuse (REFUS, with a reason code from
        ``transverses.validator_refusal_reasons``) at the level the invoice waits at: A_VALIDER_1
        becomes VALIDEE_1 / REFUSEE_1, A_VALIDER_2 (second validator) VALIDEE_2 / REFUSEE_2."""
        if action == ValidatorAction.REFUS and not refusal_reason:
            raise ValueError("a refusal needs a refusal_reason")
        answer = self._call("traiter/factureAValider", compact({
            "idFacture": invoice_id,
            "action": action,
            "motifRefus": refusal_reason,
            "complementInfo": comment,
            "idPieceJointe": attachment_id,
        }))
        return TreatmentResult(
            invoice_id=answer.opt_integer("idFacture") or invoice_id,
            invoice_number=answer.opt_text("numeroFacture"),
            treated_on=answer.opt_day("dateTraitement"),
            status=answer.opt_enum("statutFacture", InvoiceStatus),
        )
