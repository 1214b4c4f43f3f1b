"""JSON shapes of invoices as the API returns them (contract §5.5–§5.13)."""

import json
from decimal import Decimal

from chorus_emulator import works_fields
from chorus_emulator.clock import day, histo_stamp, iso_ms
from chorus_emulator.protocol import amount_out
from chorus_emulator.works_rules import payment_request_type, works_type


def _structure(world, structure_id):
    return world.structures.get(structure_id) or {}


def _service(world, service_id):
    return world.services.get(service_id) or {} if service_id else {}


def data_of(invoice) -> dict:
    return json.loads(invoice["data"] or "{}", parse_float=Decimal)


def _common(world, invoice) -> dict:
    supplier = _structure(world, invoice["supplier_id"])
    recipient = _structure(world, invoice["recipient_id"])
    service = _service(world, invoice["service_id"])
    supplier_service = _service(world, invoice["supplier_service_id"])
    return {
        "numeroFacture": invoice["numero"],
        "statut": invoice["status"],
        "commentaireEtatCourant": invoice["status_comment"],
        "dateDepot": day(invoice["deposited_at"]),
        "dateFacture": invoice["date_facture"],
        "dateHeureEtatCourant": iso_ms(invoice["status_at"]),
        "modeDepot": invoice["mode_depot"],
        "numeroFluxDepot": invoice["flow_numero"],
        "codeFournisseur": supplier.get("identifiantStructure"),
        "typeIdentifiantFournisseur": supplier.get("typeIdentifiantStructure"),
        "designationFournisseur": supplier.get("designationStructure"),
        "idFournisseur": invoice["supplier_id"],
        "codeServiceFournisseur": supplier_service.get("codeService"),
        "nomServiceFournisseur": supplier_service.get("libelleService"),
        "idDestinataire": invoice["recipient_id"],
        "codeDestinataire": recipient.get("identifiantStructure"),
        "designationDestinataire": recipient.get("designationStructure"),
        "codeServiceExecutant": service.get("codeService"),
        "idServiceExecutant": invoice["service_id"],
        "nomServiceExecutant": service.get("libelleService"),
        "devise": invoice["devise"],
        "montantHT": amount_out(invoice["montant_ht"]),
        "montantTTC": amount_out(invoice["montant_ttc"]),
        "montantAPayer": amount_out(invoice["montant_a_payer"]),
        "typeFacture": invoice["type_facture"],
        "typeDemandePaiement": payment_request_type(invoice["cadre"]),
        "typeFactureTravaux": works_type(invoice["cadre"]),
        "cadreFacturation": invoice["cadre"],
        "numeroBonCommande": invoice["numero_bon_commande"],
        "numeroMarche": invoice["numero_marche"],
        "factureTelechargeeParDestinataire": bool(invoice["downloaded"]),
        "rejetTraite": bool(invoice["rejet_traite"]),
    }


def supplier_summary(world, invoice) -> dict:
    return {"identifiantFactureCPP": invoice["id"], **_common(world, invoice),
            "nomPrenomUtilisateurCreateur": invoice["creator"]}


def recipient_summary(world, invoice) -> dict:
    return {"idFacture": invoice["id"], **_common(world, invoice)}


def validator_summary(world, invoice) -> dict:
    validator = _structure(world, invoice["validator_id"])
    return {"idFacture": invoice["id"], **_common(world, invoice),
            "idValideur": invoice["validator_id"],
            "codeValideur": validator.get("identifiantStructure"),
            "designationValideur": validator.get("designationStructure")}


def detail(world, store, invoice) -> dict:
    """The ``facture`` object of consulter/fournisseur|recipiendaire|valideur (contract §5.6)."""
    data = data_of(invoice)
    supplier = _structure(world, invoice["supplier_id"])
    recipient = _structure(world, invoice["recipient_id"])
    service = _service(world, invoice["service_id"])
    validator = _structure(world, invoice["validator_id"])
    bank = world.bank_accounts.get(data.get("idCoordonneeBancaire")) or {}
    attachments = store.invoice_attachments(invoice["id"])
    main = next((a for a in attachments if a["role"] == "01"), None)
    lines = data.get("lignePoste", [])
    vat_lines = data.get("ligneTva", [])
    montant = data.get("montantTotal", {})
    return works_fields.add_to_detail(world, store, invoice, {
        "identifiantFactureCPP": invoice["id"],
        "numeroFacture": invoice["numero"],
        "statutFacture": invoice["status"],
        "modeDepot": invoice["mode_depot"],
        "commentaire": data.get("commentaire"),
        "cadreDeFacturation": {
            "codeCadreFacturation": invoice["cadre"],
            "codeStructureValideur": validator.get("identifiantStructure"),
            "idStructureValideur": invoice["validator_id"],
            "designationStructureValideur": validator.get("designationStructure"),
        },
        "destinataire": {
            "codeDestinataire": recipient.get("identifiantStructure"),
            "idDestinataire": invoice["recipient_id"],
            "libelleDestinataire": recipient.get("designationStructure"),
            "codeServiceExecutant": service.get("codeService"),
            "idServiceExecutant": invoice["service_id"],
            "libelleServiceExecutant": service.get("libelleService"),
            "destinataireEtat": recipient.get("statut"),
        },
        "fournisseur": {
            "idFournisseur": invoice["supplier_id"],
            "codeFournisseur": supplier.get("identifiantStructure"),
            "designationFournisseur": supplier.get("designationStructure"),
            "typeIdentifiantFournisseur": supplier.get("typeIdentifiantStructure"),
            "idServiceFournisseur": invoice["supplier_service_id"],
            "numeroRcsFournisseur": supplier.get("numeroRcsStructure"),
            "idCoordonneesBancairesFournisseur": bank.get("idCoordonneeBancaire"),
            "coordBancairesFournisseurCleIban": bank.get("iban"),
            "coordBancairesFournisseurCodeBic": bank.get("bic"),
        },
        "references": {
            "typeFacture": invoice["type_facture"],
            "typeTva": data.get("typeTva"),
            "codeDeviseFacture": invoice["devise"],
            "modePaiement": data.get("modePaiement"),
            "motifExonerationTva": data.get("motifExonerationTva"),
            "numeroBonCommande": invoice["numero_bon_commande"],
            "numeroMarche": invoice["numero_marche"],
            "numeroFactureOrigine": data.get("numeroFactureOrigine"),
            "numeroDpMandat": invoice["numero_dp_mandat"],
            "dateFacture": invoice["date_facture"],
            "dateDepot": day(invoice["deposited_at"]),
            "dateEcheancePaiement": data.get("dateEcheancePaiement"),
            "dateCreationFacture": day(invoice["deposited_at"]),
            "tailleTotalePiecesJointes": sum(a["size"] for a in attachments),
        },
        "montantTotal": {
            "montantHtTotal": amount_out(invoice["montant_ht"]),
            "montantTVA": amount_out(invoice["montant_tva"]),
            "montantTtcTotal": amount_out(invoice["montant_ttc"]),
            "montantAPayer": amount_out(invoice["montant_a_payer"]),
            "montantRemiseGlobaleTTC": montant.get("montantRemiseGlobaleTTC"),
            "motifRemiseGlobaleTTC": montant.get("motifRemiseGlobaleTTC"),
        },
        "lignesDePoste": {
            "lignePoste": lines,
            "nbResultatsParPageLignesPoste": max(len(lines), 1),
            "pageCouranteLignesPoste": 1, "pagesLignesPoste": 1 if lines else 0,
            "totalLignesPoste": len(lines),
        },
        "recapitulatifDeTva": {"ligneTva": vat_lines, "totalLigneTva": len(vat_lines)},
        "listeDesPiecesJointes": {
            "pieceJointe": [{
                "pieceJointeId": a["id"], "pieceJointeIdLiaison": a["id"],
                "pieceJointeDesignation": a["designation"] or a["name"],
                "pieceJointeExtension": a["extension"],
                "pieceJointeTypeCode": a["role"],
                "pieceJointeTypeLibelle": ("Facture" if a["role"] == "01"
                                           else "Pièce jointe complémentaire"),
                "pieceJointeNumeroLigneFacture": None,
            } for a in attachments],
            "totalPiecesJointes": len(attachments),
        },
        "pieceJointePrincipale": ({"idPieceJointePrincipale": main["id"],
                                   "idLiaisonPieceJointePrincipale": main["id"]} if main else None),
    })


def history(store, invoice) -> dict:
    statuses = store.history(invoice["id"], "statut")
    actions = store.history(invoice["id"], "action")
    histo_statut = [{
        "histoStatutId": h["id"], "histoStatutCode": h["code"],
        "histoStatutDatePassage": histo_stamp(h["at"]),
        "histoStatutCommentaire": h["commentaire"],
        "histoStatutUtilisateurNom": h["login"], "histoStatutUtilisateurPrenom": None,
        "histoStatutUtilisateurEmail": h["login"], "histoStatutUtilisateurTelephone": None,
    } for h in statuses]
    histo_action = [{
        "histoActionId": h["id"], "histoActionCode": h["code"],
        "histoActionDateHeure": histo_stamp(h["at"]),
        "histoActionUtilisateurNom": h["login"], "histoActionUtilisateurEmail": h["login"],
        "histoActionCommentaire": h["commentaire"],
    } for h in actions]
    return {
        "idFacture": invoice["id"],
        "numeroFacture": invoice["numero"],
        "modeDepot": invoice["mode_depot"],
        "statutCourantCode": invoice["status"],
        "historiquesDesStatuts": {
            "histoStatut": histo_statut, "pageCouranteHistoStatut": 1,
            "pagesHistoStatut": 1, "nbResultatsParPageHistoStatut": max(len(histo_statut), 1),
            "totalHistoStatut": len(histo_statut),
        },
        "historiquesDesEvenementsComplementaires": {
            "evenement": [], "pageCouranteEvenement": 1, "pagesEvenement": 0,
            "nbResultatsParPageEvenement": 1, "totalEvenement": 0,
        },
        "historiquesDesActionsUtilisateurs": {
            "histoAction": histo_action, "pageCouranteHistoAction": 1,
            "pagesHistoAction": 1 if histo_action else 0,
            "nbResultatsParPageHistoAction": max(len(histo_action), 1),
            "totalHistoAction": len(histo_action),
        },
        "derniereAction": ({"derniereActionId": actions[0]["id"],
                            "derniereActionCode": actions[0]["code"]} if actions else None),
    }
