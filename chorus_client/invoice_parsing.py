"""Reading invoice answers: consultation, history and search items (French names stay here)."""

from __future__ import annotations

from typing import Any

from .types_common import (
    BillingFramework,
    DepositMode,
    IdentifierType,
    InvoiceStatus,
    InvoiceType,
    PaymentMode,
    PaymentRequestType,
    VatType,
    WorksInvoiceType,
)
from .types_invoice_search import (
    HistoryEvent,
    InvoiceHistory,
    ReceivedInvoiceSummary,
    StatusChange,
    SupplierInvoiceSummary,
    UserAction,
    ValidatorInvoiceSummary,
)
from .types_invoices import (
    AttachmentInfo,
    InvoiceDetails,
    InvoiceLineDetails,
    InvoiceRecipient,
    InvoiceSupplier,
    InvoiceTotals,
    VatLineDetails,
)
from .wire import Reader


def _first[T](*values: T | None) -> T | None:
    return next((value for value in values if value is not None), None)


def _empty(reader: Reader, key: str) -> Reader:
    found = reader.opt_obj(key)
    return found if found is not None else Reader({}, operation=reader.operation, path=key)


def invoice_details(answer: Reader) -> InvoiceDetails:
    """consulter/fournisseur|recipiendaire|valideur (contract §5.6): validators as numbered blocks
    (``codeValideur1``), bank details as ``coordBancairesFournisseur*``, VAT lines naming the
    referential rate (``ligneTvaTauxRef*``), lines with their computed amounts.

    [U] contract §5.6/§13: whether the answer wraps the invoice in ``facture`` is unknown; both
    shapes are accepted.
    """
    invoice = answer.obj("facture") if answer.has("facture") else answer
    framework = _empty(invoice, "cadreDeFacturation")
    recipient = _empty(invoice, "destinataire")
    supplier = _empty(invoice, "fournisseur")
    references = _empty(invoice, "references")
    totals = invoice.opt_obj("montantTotal")
    lines = _empty(invoice, "lignesDePoste")
    vat = _empty(invoice, "recapitulatifDeTva")
    attachments = _empty(invoice, "listeDesPiecesJointes")
    main = invoice.opt_obj("pieceJointePrincipale")
    return InvoiceDetails(
        invoice_id=(invoice.integer("identifiantFactureCPP") if invoice.has("identifiantFactureCPP")
                    else invoice.integer("idFacture")),
        invoice_number=invoice.text("numeroFacture"),
        status=(invoice.enum("statutFacture", InvoiceStatus) if invoice.has("statutFacture")
                else invoice.enum("statut", InvoiceStatus)),
        deposit_mode=invoice.opt_enum("modeDepot", DepositMode),
        comment=invoice.opt_text("commentaire"),
        framework=framework.opt_enum("codeCadreFacturation", BillingFramework),
        validator_structure_code=framework.opt_text("codeValideur1"),
        validated_on=framework.opt_day("dateValidation1"),
        second_validator_structure_code=framework.opt_text("codeValideur2"),
        second_validated_on=framework.opt_day("dateValidation2"),
        recipient=InvoiceRecipient(
            id=recipient.opt_integer("idDestinataire"),
            siret=recipient.opt_text("codeDestinataire"),
            name=recipient.opt_text("libelleDestinataire"),
            service_id=recipient.opt_integer("idServiceExecutant"),
            service_code=recipient.opt_text("codeServiceExecutant"),
            service_name=recipient.opt_text("libelleServiceExecutant"),
        ),
        supplier=InvoiceSupplier(
            id=supplier.opt_integer("idFournisseur"),
            identifier=supplier.opt_text("codeFournisseur"),
            identifier_type=supplier.opt_enum("typeIdentifiantFournisseur", IdentifierType),
            name=supplier.opt_text("designationFournisseur"),
            service_id=supplier.opt_integer("idServiceFournisseur"),
            service_code=supplier.opt_text("codeServiceFournisseur"),
            service_name=supplier.opt_text("libelleServiceFournisseur"),
            bank_account_id=supplier.opt_integer("coordBancairesFournisseurId"),
        ),
        invoice_type=references.opt_enum("typeFacture", InvoiceType),
        vat_type=references.opt_enum("typeTva", VatType),
        currency=references.opt_text("codeDeviseFacture"),
        payment_mode=references.opt_enum("modePaiement", PaymentMode),
        vat_exemption_reason=references.opt_text("motifExonerationTva"),
        purchase_order_number=references.opt_text("numeroBonCommande"),
        contract_number=references.opt_text("numeroMarche"),
        original_invoice_number=references.opt_text("numeroFactureOrigine"),
        mandate_number=references.opt_text("numeroDpMandat"),
        invoice_date=references.opt_day("dateFacture"),
        deposited_on=references.opt_day("dateDepot"),
        payment_due_date=references.opt_day("dateEcheancePaiement"),
        totals=None if totals is None else InvoiceTotals(
            total_excl_tax=totals.amount("montantHtTotal"),
            total_vat=totals.amount("montantTVA"),
            total_incl_tax=totals.amount("montantTtcTotal"),
            amount_due=totals.amount("montantAPayer"),
            global_discount_incl_tax=totals.opt_amount("montantRemiseGlobaleTTC"),
            global_discount_reason=totals.opt_text("motifRemiseGlobaleTTC"),
        ),
        lines=[InvoiceLineDetails(
            number=line.opt_integer("lignePosteNumero"),
            reference=line.opt_text("lignePosteReference"),
            description=line.opt_text("lignePosteDenomination"),
            quantity=line.opt_amount("lignePosteQuantite"),
            # The annexe (V3.3) replaced lignePosteUniteCode/Libelle by lignePosteUnite.
            unit=line.opt_text("lignePosteUnite"),
            unit_price_excl_tax=line.opt_amount("lignePosteMontantUnitaireHT"),
            discount_excl_tax=line.opt_amount("lignePosteMontantRemiseHT"),
            vat_rate_code=line.opt_text("lignePosteTauxTva"),
            vat_rate=line.opt_amount("lignePosteTauxTvaManuel"),
            amount_excl_tax=line.opt_amount("lignePosteMontantHtApresRemise"),
            amount_vat=line.opt_amount("lignePosteMontantTva"),
            amount_incl_tax=line.opt_amount("lignePosteMontantTtcApresRemise"),
        ) for line in lines.items("lignePoste")],
        vat_lines=[VatLineDetails(
            rate_code=line.opt_text("ligneTvaTauxRefCode"),
            rate=_first(line.opt_amount("ligneTvaTauxManuel"),
                        line.opt_amount("ligneTvaTauxRefValeur")),
            taxable_amount=line.opt_amount("ligneTvaMontantBaseHtParTaux"),
            vat_amount=line.opt_amount("ligneTvaMontantTvaParTaux"),
        ) for line in vat.items("ligneTva")],
        attachments=[AttachmentInfo(
            attachment_id=item.integer("pieceJointeId"),
            designation=item.opt_text("pieceJointeDesignation"),
            extension=item.opt_text("pieceJointeExtension"),
            type_code=item.opt_text("pieceJointeTypeCode"),
            line_number=item.opt_integer("pieceJointeNumeroLigneFacture"),
        ) for item in attachments.items("pieceJointe")],
        main_attachment_id=main.opt_integer("idPieceJointePrincipale") if main else None,
    )


def status_change(item: Reader) -> StatusChange:
    """One ``histoStatut`` entry (consulter/historique, and the works consultation)."""
    return StatusChange(
        id=item.opt_integer("histoStatutId"),
        status=item.enum("histoStatutCode", InvoiceStatus),
        changed_at=item.moment("histoStatutDatePassage"),
        comment=item.opt_text("histoStatutCommentaire"),
        user_last_name=item.opt_text("histoStatutUtilisateurNom"),
        user_first_name=item.opt_text("histoStatutUtilisateurPrenom"),
        user_email=item.opt_text("histoStatutUtilisateurEmail"),
    )


def invoice_history(answer: Reader) -> InvoiceHistory:
    """consulter/historique (contract §5.7)."""
    statuses = _empty(answer, "historiquesDesStatuts")
    events = _empty(answer, "historiquesDesEvenementsComplementaires")
    actions = _empty(answer, "historiquesDesActionsUtilisateurs")
    last = answer.opt_obj("derniereAction")
    return InvoiceHistory(
        invoice_id=answer.integer("idFacture"),
        invoice_number=answer.opt_text("numeroFacture"),
        deposit_mode=answer.opt_enum("modeDepot", DepositMode),
        current_status=answer.enum("statutCourantCode", InvoiceStatus),
        statuses=[status_change(item) for item in statuses.items("histoStatut")],
        events=[HistoryEvent(
            id=item.opt_integer("evenementId"),
            label=item.opt_text("evenementLibelle"),
            by=item.opt_text("evenementQui"),
            at=item.opt_moment("evenementDateHeure"),
        ) for item in events.items("evenement")],
        actions=[UserAction(
            id=item.opt_integer("histoActionId"),
            code=item.text("histoActionCode"),
            at=item.opt_moment("histoActionDateHeure"),
        ) for item in actions.items("histoAction")],
        last_action_code=last.opt_text("derniereActionCode") if last else None,
    )


def _search_item(item: Reader) -> dict[str, Any]:
    """The fields rechercher/fournisseur and rechercher/recipiendaire items carry under the same
    names; each operation's parser adds its own id key and extra fields."""
    return {
        "invoice_number": item.text("numeroFacture"),
        "status": item.enum("statut", InvoiceStatus),
        "deposited_on": item.opt_day("dateDepot"),
        "invoice_date": item.opt_day("dateFacture"),
        "status_changed_at": item.opt_moment("dateHeureEtatCourant"),
        "supplier_identifier": item.opt_text("codeFournisseur"),
        "supplier_name": item.opt_text("designationFournisseur"),
        "recipient_siret": item.opt_text("codeDestinataire"),
        "recipient_name": item.opt_text("designationDestinataire"),
        "total_incl_tax": item.opt_amount("montantTTC"),
        "amount_due": item.opt_amount("montantAPayer"),
        "currency": item.opt_text("devise"),
    }


def supplier_summary(item: Reader) -> SupplierInvoiceSummary:
    """An item of rechercher/fournisseur (contract §5.5)."""
    return SupplierInvoiceSummary(
        invoice_id=item.integer("identifiantFactureCPP"),
        **_search_item(item),
        flow_number=item.opt_text("numeroFluxDepot"),
        deposit_mode=item.opt_enum("modeDepot", DepositMode),
        total_excl_tax=item.opt_amount("montantHT"),
        invoice_type=item.opt_enum("typeFacture", InvoiceType),
        recipient_id=item.opt_integer("idDestinataire"),
        recipient_service_code=item.opt_text("codeServiceExecutant"),
        purchase_order_number=item.opt_text("numeroBonCommande"),
        original_invoice_number=item.opt_text("numeroFactureOrigine"),
        status_comment=item.opt_text("commentaireEtatCourant"),
        rejection_handled=item.opt_boolean("rejetTraite"),
    )


def received_summary(item: Reader) -> ReceivedInvoiceSummary:
    """An item of rechercher/recipiendaire (contract §5.12)."""
    return ReceivedInvoiceSummary(
        invoice_id=item.integer("idFacture"),
        **_search_item(item),
        recipient_id=item.opt_integer("idDestinataire"),
        recipient_service_id=item.opt_integer("idServiceExecutant"),
        recipient_service_code=item.opt_text("codeServiceExecutant"),
        total_excl_tax=item.opt_amount("montantHT"),
        purchase_order_number=item.opt_text("numeroBonCommande"),
        contract_number=item.opt_text("numeroMarche"),
        invoice_type=item.opt_enum("typeFacture", InvoiceType),
        downloaded=item.opt_boolean("factureTelechargeeParDestinataire"),
        payment_request_type=item.opt_enum("typeDemandePaiement", PaymentRequestType),
        works_invoice_type=item.opt_enum("typeFactureTravaux", WorksInvoiceType),
    )


def validator_summary(item: Reader) -> ValidatorInvoiceSummary:
    """An item of rechercher/valideur (contract §5.13 [S: GO]): parties are named by their
    ``identifiant*``, not ``code*`` as in the other searches."""
    return ValidatorInvoiceSummary(
        invoice_id=item.integer("idFacture"),
        invoice_number=item.text("numeroFacture"),
        status=item.enum("statut", InvoiceStatus),
        supplier_id=item.opt_integer("idFournisseur"),
        supplier_identifier=item.opt_text("identifiantFournisseur"),
        supplier_name=item.opt_text("designationFournisseur"),
        recipient_siret=item.opt_text("identifiantDestinataire"),
        recipient_name=item.opt_text("designationDestinataire"),
        validator_id=item.opt_integer("idValideur"),
        validator_name=item.opt_text("designationValideur"),
        deposited_on=item.opt_day("dateDepot"),
        invoice_date=item.opt_day("dateFacture"),
        # [U] absent from GO's model of this search; read when present.
        status_changed_at=item.opt_moment("dateHeureEtatCourant"),
        total_incl_tax=item.opt_amount("montantTTC"),
        amount_due=item.opt_amount("montantAPayer"),
        currency=item.opt_text("devise"),
    )
