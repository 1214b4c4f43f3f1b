"""Reading and writing works pieces on the wire (French names of facturesTravaux stay here)."""

from __future__ import annotations

from typing import Any

from .invoice_parsing import status_change
from .invoices_supplier import supporting_attachments
from .types_common import BillingFramework, IdentifierType, InvoiceStatus, WorksInvoiceType
from .types_invoices import AttachmentInfo
from .types_works import (
    PieceLink,
    WorksDeadlines,
    WorksInvoiceDetails,
    WorksInvoiceSearch,
    WorksInvoiceSummary,
    WorksParty,
    WorksPartyDetails,
    WorksSubmission,
)
from .wire import Reader, compact, format_date, format_period_bound


def _party(party: WorksParty | None, key: str) -> dict[str, Any] | None:
    if party is None:
        return None
    return compact({f"identifiant{key}": party.identifier,
                    f"typeIdentifiant{key}": party.identifier_type,
                    f"codeService{key}": party.service_code})


def submission_body(piece: WorksSubmission) -> dict[str, Any]:
    """The soumettre payload. contract-works §1.4.4 [U]: no public sample exists; the names are
    those the contract proposes, after factures/v1/soumettre and the works consult outputs."""
    totals = piece.totals
    return compact({
        "modeDepot": piece.deposit_mode,
        "numeroFactureTravaux": piece.invoice_number,
        "dateFactureTravaux": format_date(piece.invoice_date),
        "idPiecePrecedente": piece.previous_piece_id,
        "cadreDeFacturation": compact({
            "codeCadreFacturation": piece.framework,
            "codeStructureValideur": piece.validator_structure_code,
        }),
        "fournisseur": compact({
            "idFournisseur": piece.supplier_id,
            "idServiceFournisseur": piece.supplier_service_id,
            "codeCoordonneesBancairesFournisseur": piece.supplier_bank_account_id,
        }) or None,
        "destinataire": compact({
            "codeDestinataire": piece.recipient_siret,
            "codeServiceExecutant": piece.recipient_service_code,
        }) or None,
        "moe": _party(piece.project_manager, "Moe"),
        "moa": _party(piece.project_owner, "Moa"),
        "references": compact({
            "numeroMarche": piece.contract_number,
            "numeroBonCommande": piece.purchase_order_number,
            "deviseFacture": piece.currency,
            "typeTva": piece.vat_type,
            "modePaiement": piece.payment_mode,
        }),
        "montantTotal": compact({
            "montantHtTotal": totals.total_excl_tax,
            "montantTVA": totals.total_vat,
            "montantTtcTotal": totals.total_incl_tax,
            "montantAPayer": totals.amount_due,
        }),
        "pieceJointePrincipale": [{
            "pieceJointePrincipaleDesignation": piece.main_attachment.designation,
            "pieceJointePrincipaleId": piece.main_attachment.attachment_id,
        }],
        "pieceJointeComplementaire": supporting_attachments(piece.supporting_attachments)
        or None,
        "commentaire": piece.comment,
    })


def search_body(filters: WorksInvoiceSearch) -> dict[str, Any]:
    return compact({
        "roleUtilisateur": filters.role,
        "listeStatutCourant": list(filters.statuses) or None,
        "listeTypeFactureTravaux": list(filters.works_types) or None,
        "cadreFacturation": filters.framework,
        "idStructureFournisseur": filters.supplier_id,
        "idStructureMoe": filters.project_manager_id,
        "idServiceMoe": filters.project_manager_service_id,
        "idStructureMoa": filters.project_owner_id,
        "idServiceMoa": filters.project_owner_service_id,
        "idDestinataire": filters.recipient_id,
        "idServiceExecutant": filters.recipient_service_id,
        "idStructureValideur": filters.validator_id,
        "numeroFactureTravaux": filters.invoice_number,
        "numeroMarche": filters.contract_number,
        "numeroBonCommande": filters.purchase_order_number,
        "periodeDateDepotDu": format_date(filters.deposited_from),
        "periodeDateDepotAu": format_date(filters.deposited_until),
        "periodeDateFactureTravauxDu": format_date(filters.invoice_date_from),
        "periodeDateFactureTravauxAu": format_date(filters.invoice_date_until),
        "periodeDateHeureEtatCourantDu": format_period_bound(filters.status_changed_from),
        "periodeDateHeureEtatCourantAu": format_period_bound(filters.status_changed_until),
        "uniquementSansPieceSuivante": filters.only_without_next_piece,
        "flagTelecharge": filters.downloaded,
        "montantTTCMin": filters.total_incl_tax_min,
        "montantTTCMax": filters.total_incl_tax_max,
    })


def works_summary(item: Reader) -> WorksInvoiceSummary:
    """An item of rechercher or consulter/dossierfacturation (contract-works §1.4.3)."""
    return WorksInvoiceSummary(
        works_invoice_id=item.integer("idFactureTravaux"),
        invoice_number=item.text("numeroFactureTravaux"),
        status=item.enum("statutFactureTravaux", InvoiceStatus),
        works_type=item.opt_enum("typeFactureTravaux", WorksInvoiceType),
        framework=item.opt_enum("cadreFacturation", BillingFramework),
        deposited_on=item.opt_day("dateDepot"),
        invoice_date=item.opt_day("dateFactureTravaux"),
        status_changed_at=item.opt_moment("dateHeureEtatCourant"),
        status_comment=item.opt_text("commentaireEtatCourant"),
        supplier_id=item.opt_integer("idFournisseur"),
        supplier_identifier=item.opt_text("identifiantFournisseur"),
        supplier_name=item.opt_text("designationFournisseur"),
        recipient_id=item.opt_integer("idDestinataire"),
        recipient_siret=item.opt_text("identifiantDestinataire"),
        recipient_name=item.opt_text("designationDestinataire"),
        # [U] PAS-W reads identifiantServiceExecutant, COMM-API shows codeServiceExecutant.
        recipient_service_code=(item.opt_text("codeServiceExecutant")
                                or item.opt_text("identifiantServiceExecutant")),
        project_manager_id=item.opt_integer("idStructureMoe"),
        project_manager_name=item.opt_text("designationMoe"),
        project_owner_id=item.opt_integer("idStructureMoa"),
        project_owner_name=item.opt_text("designationMoa"),
        currency=item.opt_text("devise"),
        total_excl_tax=item.opt_amount("montantHT"),
        total_incl_tax=item.opt_amount("montantTTC"),
        amount_due=item.opt_amount("montantAPayer"),
        contract_number=item.opt_text("numeroMarche"),
        purchase_order_number=item.opt_text("numeroBonCommande"),
        downloaded=item.opt_boolean("factureTelechargeeParDestinataire"),
        billing_file_id=item.opt_integer("idDossierFacturation"),
        billing_file_number=item.opt_text("numeroDossierFacturation"),
        previous_piece_id=item.opt_integer("idPiecePrecedente"),
        next_piece_id=item.opt_integer("idPieceSuivante"),
    )


def _party_details(frame: Reader, key: str) -> WorksPartyDetails | None:
    if not (frame.has(f"id{key}") or frame.has(f"identifiant{key}")):
        return None
    return WorksPartyDetails(
        id=frame.opt_integer(f"id{key}"),
        identifier=frame.opt_text(f"identifiant{key}"),
        identifier_type=frame.opt_enum(f"typeIdentifiant{key}", IdentifierType),
        name=frame.opt_text(f"raisonSociale{key}") or frame.opt_text(f"designation{key}"),
        service_id=frame.opt_integer(f"idService{key}"),
        service_code=frame.opt_text(f"codeService{key}"),
        service_name=frame.opt_text(f"nomService{key}"),
    )


def _link(piece: Reader, key: str) -> PieceLink | None:
    link = piece.opt_obj(f"piece{key}")
    if link is None:
        return None
    return PieceLink(works_invoice_id=link.integer(f"idPiece{key}"),
                     invoice_number=link.opt_text(f"numeroPiece{key}"),
                     framework=link.opt_enum(f"cadreFacturationPiece{key}", BillingFramework))


def _empty(reader: Reader, key: str) -> Reader:
    found = reader.opt_obj(key)
    return found if found is not None else Reader({}, operation=reader.operation, path=key)


def works_details(answer: Reader) -> WorksInvoiceDetails:
    """consulter. [U] contract-works §1.4.2: the wrapper's name is a guess (``factureTravaux``);
    an unwrapped answer is read too."""
    piece = answer.obj("factureTravaux") if answer.has("factureTravaux") else answer
    frame = _empty(piece, "cadreDeFacturation")
    references = _empty(piece, "references")
    delays = _empty(piece, "delais")
    return WorksInvoiceDetails(
        summary=works_summary(piece),
        project_manager=_party_details(frame, "Moe"),
        project_owner=_party_details(frame, "Moa"),
        validator_id=frame.opt_integer("idStructureValideur"),
        validator_identifier=frame.opt_text("codeStructureValideur"),
        previous_piece=_link(piece, "Precedente"),
        next_piece=_link(piece, "Suivante"),
        deadlines=WorksDeadlines(
            project_manager_received_at=delays.opt_moment("dateReceptionMoe"),
            project_manager_due_at=delays.opt_moment("dateLimiteTraitementMoe"),
            validation_due_at=delays.opt_moment("dateLimiteValidation"),
            payment_delay_started_at=delays.opt_moment("dateDebutDelaiPaiement"),
            payment_due_at=delays.opt_moment("dateLimitePaiement"),
            payment_delay_days=delays.opt_integer("delaiGlobalPaiementJours"),
            general_statement_due_at=delays.opt_moment("dateLimiteDecompteGeneral"),
        ),
        mandate_number=references.opt_text("numeroDpMandat"),
        comment=piece.opt_text("commentaire"),
        attachments=[AttachmentInfo(
            attachment_id=item.integer("pieceJointeId"),
            designation=item.opt_text("pieceJointeDesignation"),
            extension=item.opt_text("pieceJointeExtension"),
            type_code=item.opt_text("pieceJointeTypeCode"),
            line_number=None,
        ) for item in _empty(piece, "listeDesPiecesJointes").items("pieceJointe")],
        statuses=[status_change(item) for item in _empty(
            piece, "historiquesDesStatuts").items("histoStatut")],
    )
