"""Supplier side of the Factures API: submit, deposit, follow, fix invoices (§5.1-§5.11)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from .errors import ChorusProtocolError
from .invoice_parsing import invoice_details, invoice_history, supplier_summary
from .paging import page_params, read_page
from .transport import Transport
from .transverses_base import encode_file
from .types_common import (
    FlowSyntax,
    IdentifierType,
    InvoiceStatus,
    InvoiceType,
    Page,
    PageRequest,
    PdfFormat,
    VatType,
    iterate_pages,
)
from .types_invoice_search import (
    InvoiceHistory,
    RecycledInvoice,
    SupplierInvoiceSearch,
    SupplierInvoiceSummary,
    TreatmentResult,
)
from .types_invoices import (
    DepositedFlow,
    DepositedPdf,
    FlowDeposit,
    InvoiceDetails,
    InvoiceSubmission,
    SubmittedInvoice,
    SupportingAttachment,
)
from .wire import Reader, compact, format_date, format_period_bound


def supporting_attachments(items: tuple[SupportingAttachment, ...] | list[SupportingAttachment]
                           ) -> list[dict[str, Any]]:
    return [compact({
        "pieceJointeComplementaireDesignation": item.designation,
        "pieceJointeComplementaireId": item.attachment_id,
        "pieceJointeComplementaireIdLiaison": item.link_id,
        "pieceJointeComplementaireNumeroLigneFacture": item.line_number,
        "pieceJointeComplementaireType": item.attachment_type,
    }) for item in items]


def submission_body(invoice: InvoiceSubmission) -> dict[str, Any]:
    """The soumettre payload (contract §5.3). ``idUtilisateurCourant`` is left out: the user is
    inferred from cpro-account ([U] §2, clients that omit it succeed)."""
    totals = invoice.totals
    return compact({
        "modeDepot": invoice.deposit_mode,
        "numeroFactureSaisi": invoice.invoice_number,
        "dateFacture": format_date(invoice.invoice_date),
        "dateEcheancePaiement": format_date(invoice.payment_due_date),
        "destinataire": compact({
            "codeDestinataire": invoice.recipient_siret,
            "codeServiceExecutant": invoice.recipient_service_code,
        }),
        "fournisseur": compact({
            "idFournisseur": invoice.supplier_id,
            "idServiceFournisseur": invoice.supplier_service_id,
            "codeCoordonneesBancairesFournisseur": invoice.supplier_bank_account_id,
        }),
        "cadreDeFacturation": compact({
            "codeCadreFacturation": invoice.framework,
            "codeStructureValideur": invoice.validator_structure_code,
            "codeServiceValideur": invoice.validator_service_code,
        }),
        "references": compact({
            "deviseFacture": invoice.currency,
            "typeFacture": invoice.invoice_type,
            "typeTva": invoice.vat_type,
            "modePaiement": invoice.payment_mode,
            "motifExonerationTva": invoice.vat_exemption_reason,
            "numeroMarche": invoice.contract_number,
            # Contract §5.3: numeroBonCommande carries the commitment number (EJ).
            "numeroBonCommande": invoice.purchase_order_number,
            "numeroFactureOrigine": invoice.original_invoice_number,
        }),
        "lignePoste": [compact({
            "lignePosteNumero": line.number,
            "lignePosteReference": line.reference,
            "lignePosteDenomination": line.description,
            "lignePosteQuantite": line.quantity,
            "lignePosteUnite": line.unit,
            "lignePosteMontantUnitaireHT": line.unit_price_excl_tax,
            "lignePosteMontantRemiseHT": line.discount_excl_tax,
            "lignePosteTauxTva": line.vat_rate_code,
            "lignePosteTauxTvaManuel": line.vat_rate,
        }) for line in invoice.lines] or None,
        "ligneTva": [compact({
            "ligneTvaMontantBaseHtParTaux": line.taxable_amount,
            "ligneTvaMontantTvaParTaux": line.vat_amount,
            "ligneTvaTaux": line.rate_code,
            "ligneTvaTauxManuel": line.rate,
        }) for line in invoice.vat_lines] or None,
        "montantTotal": compact({
            "montantHtTotal": totals.total_excl_tax,
            "montantTVA": totals.total_vat,
            "montantTtcTotal": totals.total_incl_tax,
            "montantAPayer": totals.amount_due,
            "montantRemiseGlobaleTTC": totals.global_discount_incl_tax,
            "motifRemiseGlobaleTTC": totals.global_discount_reason,
        }),
        # Contract §5.3 [C]: an array, not an object (GO's object shape is a known bug).
        "pieceJointePrincipale": None if invoice.main_attachment is None else [{
            "pieceJointePrincipaleDesignation": invoice.main_attachment.designation,
            "pieceJointePrincipaleId": invoice.main_attachment.attachment_id,
        }],
        "pieceJointeComplementaire": supporting_attachments(invoice.supporting_attachments)
        or None,
        "commentaire": invoice.comment,
    })


def supplier_search_body(filters: SupplierInvoiceSearch, page: PageRequest) -> dict[str, Any]:
    return compact({
        "numeroFluxDepot": filters.flow_number,
        "numeroFacture": filters.invoice_number,
        "numeroFactureOrigine": filters.original_invoice_number,
        "numeroBonCommande": filters.purchase_order_number,
        "numeroMarche": filters.contract_number,
        "idFournisseur": filters.supplier_id,
        "idServiceFournisseur": filters.supplier_service_id,
        "listeDestinataire": [{"idDestinataire": recipient_id}
                              for recipient_id in filters.recipient_ids] or None,
        "statutCourant": list(filters.statuses) or None,
        "typeFacture": filters.invoice_type,
        "cadreFacturation": filters.framework,
        "modeDepot": filters.deposit_mode,
        "periodeDateDepotDu": format_date(filters.deposited_from),
        "periodeDateDepotAu": format_date(filters.deposited_until),
        "periodeDateFactureDu": format_date(filters.invoice_date_from),
        "periodeDateFactureAu": format_date(filters.invoice_date_until),
        "periodeDateHeureEtatCourantDu": format_period_bound(filters.status_changed_from),
        "periodeDateHeureEtatCourantAu": format_period_bound(filters.status_changed_until),
        "rejetTraite": filters.rejection_handled,
        # Contract §5.5 [C: OCA-571, GO]: the pagination object's name for this operation.
        "rechercheFactureParFournisseur": page_params(page),
    })


class SupplierInvoices:
    """What a supplier does with invoices in Chorus Pro."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _call(self, path: str, body: dict[str, Any]) -> Reader:
        operation = f"factures/v1/{path}"
        return Reader(self._transport.call(operation, body), operation=operation)

    def submit(self, invoice: InvoiceSubmission) -> SubmittedInvoice:
        """``POST /cpro/factures/v1/soumettre`` (soumettreFacture), any deposit mode.

        On :class:`~chorus_client.ChorusTransientError` with ``may_have_been_processed``, the
        invoice may exist already: search it by number (:meth:`search`) before submitting again.
        """
        answer = self._call("soumettre", submission_body(invoice))
        return SubmittedInvoice(
            invoice_id=answer.integer("identifiantFactureCPP"),
            invoice_number=answer.opt_text("numeroFacture"),
            deposited_on=answer.opt_day("dateDepot"),
            status=answer.enum("statutFacture", InvoiceStatus),
            supplier_identifier=answer.opt_text("identifiantStructure"),
            deposit_fingerprint=answer.opt_text("empreinteCertificatDepot"),
        )

    def deposit_flow(self, flow: FlowDeposit) -> DepositedFlow:
        """``POST /cpro/factures/v1/deposer/flux`` (deposerFluxFacture): send a UBL / CII /
        Factur-X file (or a tar.gz of several). Processing is asynchronous: poll
        ``transverses.detailed_flow_report(flow_number)``, then search by ``flow_number``."""
        answer = self._call("deposer/flux", {
            "fichierFlux": encode_file(flow.content),
            "nomFichier": flow.file_name,
            "syntaxeFlux": flow.syntax,
            "avecSignature": flow.signed,
        })
        return DepositedFlow(
            flow_number=answer.text("numeroFluxDepot"),
            deposited_on=answer.opt_day("dateDepot"),
            syntax=answer.opt_enum("syntaxeFlux", FlowSyntax),
        )

    def deposit_pdf(self, file_name: str, content: bytes, *,
                    pdf_format: PdfFormat = PdfFormat.PDF_NON_SIGNE) -> DepositedPdf:
        """``POST /cpro/factures/v1/deposer/pdf`` (deposerPDFFacture): store an invoice PDF and
        get what Chorus Pro read from it; then :meth:`submit` in a PDF mode with the id."""
        answer = self._call("deposer/pdf", {
            "fichierFacture": encode_file(content),
            "nomFichier": file_name,
            "formatDepot": pdf_format,
        })
        return DepositedPdf(
            attachment_id=answer.integer("pieceJointeId"),
            invoice_number=answer.opt_text("numeroFacture"),
            invoice_date=answer.opt_day("dateFacture"),
            recipient_siret=answer.opt_text("codeDestinataire"),
            recipient_service_code=answer.opt_text("codeServiceExecutant"),
            supplier_identifier=answer.opt_text("codeFournisseur"),
            currency=answer.opt_text("codeDeviseFacture"),
            invoice_type=answer.opt_enum("typeFacture", InvoiceType),
            vat_type=answer.opt_enum("typeTva", VatType),
            purchase_order_number=answer.opt_text("numeroBonCommande"),
            total_incl_tax_before_discount=answer.opt_amount("montantTtcAvantRemiseGlobalTTC"),
            amount_due=answer.opt_amount("montantAPayer"),
            total_excl_tax=answer.opt_amount("montantHtTotal"),
            total_vat=answer.opt_amount("montantTVA"),
        )

    def get(self, invoice_id: int, *, language: str = "fr") -> InvoiceDetails:
        """``POST /cpro/factures/v1/consulter/fournisseur`` (consulterFactureParFournisseur)."""
        answer = self._call("consulter/fournisseur",
                            {"identifiantFactureCPP": invoice_id, "codeLangue": language})
        return invoice_details(answer)

    def search(self, filters: SupplierInvoiceSearch,
               page: PageRequest | None = None) -> Page[SupplierInvoiceSummary]:
        """``POST /cpro/factures/v1/rechercher/fournisseur`` (rechercherFactureParFournisseur):
        one page of the supplier's invoices."""
        page = page or PageRequest()
        answer = self._call("rechercher/fournisseur", supplier_search_body(filters, page))
        return read_page(answer, "listeFactures", supplier_summary, request=page)

    def iter_search(self, filters: SupplierInvoiceSearch, *, page_size: int = 100
                    ) -> Iterator[SupplierInvoiceSummary]:
        """Every invoice matching ``filters``, across all pages (contract §11.2: never stop at
        the first page)."""
        return iterate_pages(partial(self.search, filters), page_size)

    def history(self, invoice_id: int, *, max_results: int = 100) -> InvoiceHistory:
        """``POST /cpro/factures/v1/consulter/historique`` (consulterHistoriqueFacture): the
        current status and the status history, newest first. The per-invoice status poll."""
        return fetch_history(self._transport, invoice_id, max_results)

    def complete(self, invoice_id: int, *, comment: str | None = None,
                 attachments: tuple[SupportingAttachment, ...] = ()) -> TreatmentResult:
        """``POST /cpro/factures/v1/completer`` (completerFacture): answer a suspension with a
        comment and/or supporting documents; the invoice becomes COMPLETEE."""
        answer = self._call("completer", compact({
            "identifiantFactureCPP": invoice_id,
            "commentaire": comment,
            "pieceJointeComplementaire": supporting_attachments(attachments) or None,
        }))
        return TreatmentResult(
            invoice_id=answer.opt_integer("identifiantFactureCPP") or invoice_id,
            invoice_number=answer.opt_text("numeroFacture"),
            treated_on=answer.opt_day("dateTraitement"),
            status=answer.opt_enum("statutFacture", InvoiceStatus) or InvoiceStatus.COMPLETEE,
        )

    def recycle(self, invoice_id: int, *, recipient_siret: str | None = None,
                recipient_service_code: str | None = None,
                purchase_order_number: str | None = None, contract_number: str | None = None,
                comment: str | None = None) -> RecycledInvoice:
        """``POST /cpro/factures/v1/recycler`` (recyclerFacture): fix the routing data of an
        A_RECYCLER invoice and send it again under the same number.

        Recycling is being withdrawn by Chorus Pro (annex 2026): prefer a new invoice.
        """
        answer = self._call("recycler", compact({
            "identifiantFactureCPP": invoice_id,
            "commentaire": comment,
            "destinataire": compact({
                "codeDestinataire": recipient_siret,
                "codeServiceExecutant": recipient_service_code,
            }) or None,
            # [U] contract §5.9: GO sends the singular "reference"; we follow GO, the only source.
            "reference": compact({
                "numeroBonCommande": purchase_order_number,
                "numeroMarche": contract_number,
            }) or None,
        }))
        return RecycledInvoice(
            invoice_id=answer.opt_integer("identifiantFactureCPP") or invoice_id,
            invoice_number=answer.opt_text("numeroFacture"),
            deposited_on=answer.opt_day("dateDepot"),
            status=answer.opt_enum("statutFacture", InvoiceStatus),
        )

    def acknowledge_rejection(self, invoice_ids: list[int], *, reason: str | None = None,
                              details: str | None = None) -> None:
        """``POST /cpro/factures/v1/traiterRejet``: mark rejected invoices as handled
        (``rejetTraite``). [U] contract §5.10: input names from GO only."""
        self._call("traiterRejet", compact({
            "listeDemandePaiement": [{"idDemandePaiement": invoice_id}
                                     for invoice_id in invoice_ids],
            "motifRejet": reason,
            "cpltInfos": details,
        }))

    def correct_validator(self, invoice_id: int, *, structure_id: int | None = None,
                          structure_identifier: str | None = None,
                          identifier_type: IdentifierType | None = IdentifierType.SIRET) -> int:
        """``POST /cpro/factures/v1/corriger/valideur/facture``: name the right validator for an
        invoice refused because of a wrong one. Returns the invoice id."""
        answer = self._call("corriger/valideur/facture", compact({
            "idFacture": invoice_id,
            "idStructure": structure_id,
            "identifiantStructure": structure_identifier,
            "typeIdentifiantStructure": identifier_type if structure_identifier else None,
        }))
        return answer.opt_integer("idFacture") or invoice_id


def fetch_history(transport: Transport, invoice_id: int, max_results: int) -> InvoiceHistory:
    operation = "factures/v1/consulter/historique"
    answer = Reader(transport.call(operation, {
        "idFacture": invoice_id,
        "nbResultatsMaximum": max_results,
    }), operation=operation)
    history = invoice_history(answer)
    # OCA (contract §5.7) checks that the answer is about the invoice asked for.
    if history.invoice_id != invoice_id:
        raise ChorusProtocolError(f"history asked for invoice {invoice_id}, got "
                                  f"{history.invoice_id}", operation=operation)
    return history
