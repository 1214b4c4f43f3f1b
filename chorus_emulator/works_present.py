"""JSON shapes of works pieces in the facturesTravaux outputs (contract-works §1.4)."""

from chorus_emulator import presenters, works_fields
from chorus_emulator.clock import day, iso_ms
from chorus_emulator.protocol import amount_out
from chorus_emulator.works_rules import PAYMENT_REQUEST_TYPE, works_type


def _named(world, structure_id, service_id) -> tuple[dict, dict]:
    structure = world.structures.get(structure_id) or {} if structure_id else {}
    service = world.services.get(service_id) or {} if service_id else {}
    return structure, service


def summary(world, row) -> dict:
    """An item of rechercher and of consulter/dossierfacturation; ``row`` joins the invoices and
    works_pieces rows. [C: PAS-W fixture] for the first block, [S: COMM-API] for the service
    codes, the MOE/MOA and billing file fields are [U]."""
    supplier, supplier_service = _named(world, row["supplier_id"], row["supplier_service_id"])
    recipient, service = _named(world, row["recipient_id"], row["service_id"])
    moe, moe_service = _named(world, row["moe_id"], row["moe_service_id"])
    moa, moa_service = _named(world, row["moa_id"], row["moa_service_id"])
    return {
        "idFactureTravaux": row["id"],
        "numeroFactureTravaux": row["numero"],
        "statutFactureTravaux": row["status"],
        "typeFactureTravaux": works_type(row["cadre"]),
        "typeDemandePaiement": PAYMENT_REQUEST_TYPE,
        "cadreFacturation": row["cadre"],
        "modeDepot": row["mode_depot"],
        "dateDepot": day(row["deposited_at"]),
        "dateFactureTravaux": row["date_facture"],
        "dateHeureEtatCourant": iso_ms(row["status_at"]),
        "commentaireEtatCourant": row["status_comment"],
        "idDestinataire": row["recipient_id"],
        "identifiantDestinataire": recipient.get("identifiantStructure"),
        "designationDestinataire": recipient.get("designationStructure"),
        "idServiceExecutant": row["service_id"],
        # contract-works §1.4.3 [U]: PAS-W reads identifiantServiceExecutant, COMM-API shows
        # codeServiceExecutant; both carry the service code.
        "codeServiceExecutant": service.get("codeService"),
        "identifiantServiceExecutant": service.get("codeService"),
        "idFournisseur": row["supplier_id"],
        "identifiantFournisseur": supplier.get("identifiantStructure"),
        "typeIdentifiantFournisseur": supplier.get("typeIdentifiantStructure"),
        "designationFournisseur": supplier.get("designationStructure"),
        "codeServiceFournisseur": supplier_service.get("codeService"),
        "idStructureMoe": row["moe_id"],
        "identifiantMoe": moe.get("identifiantStructure"),
        "designationMoe": moe.get("designationStructure"),
        "codeServiceMoe": moe_service.get("codeService"),
        "idStructureMoa": row["moa_id"],
        "identifiantMoa": moa.get("identifiantStructure"),
        "designationMoa": moa.get("designationStructure"),
        "codeServiceMoa": moa_service.get("codeService"),
        "devise": row["devise"],
        "montantHT": amount_out(row["montant_ht"]),
        "montantTTC": amount_out(row["montant_ttc"]),
        "montantAPayer": amount_out(row["montant_a_payer"]),
        "numeroMarche": row["numero_marche"],
        "numeroBonCommande": row["numero_bon_commande"],
        "factureTelechargeeParDestinataire": bool(row["downloaded"]),
        "idDossierFacturation": row["dossier_id"],
        "numeroDossierFacturation": row["dossier_numero"],
        "idPiecePrecedente": row["previous_id"],
        "idPieceSuivante": row["next_id"],
    }


def detail(world, store, invoice, piece) -> dict:
    """The ``factureTravaux`` object of consulter (contract-works §1.4.2 [U]): the consult shape
    of simple invoices, with the works fields, the delays and the status history."""
    data = presenters.data_of(invoice)
    supplier, supplier_service = _named(world, invoice["supplier_id"],
                                        invoice["supplier_service_id"])
    recipient, service = _named(world, invoice["recipient_id"], invoice["service_id"])
    bank = world.bank_accounts.get(data.get("idCoordonneeBancaire")) or {}
    attachments = store.invoice_attachments(invoice["id"])
    history = presenters.history(store, invoice)
    return {
        **summary(world, {**dict(invoice), **piece}),
        "commentaire": data.get("commentaire"),
        "cadreDeFacturation": works_fields.parties(world, invoice, piece),
        "fournisseur": {
            "idFournisseur": invoice["supplier_id"],
            "codeFournisseur": supplier.get("identifiantStructure"),
            "typeIdentifiantFournisseur": supplier.get("typeIdentifiantStructure"),
            "designationFournisseur": supplier.get("designationStructure"),
            "idServiceFournisseur": invoice["supplier_service_id"],
            "codeServiceFournisseur": supplier_service.get("codeService"),
            "idCoordonneesBancairesFournisseur": bank.get("idCoordonneeBancaire"),
            "coordBancairesFournisseurCleIban": bank.get("iban"),
        },
        "destinataire": {
            "idDestinataire": invoice["recipient_id"],
            "codeDestinataire": recipient.get("identifiantStructure"),
            "libelleDestinataire": recipient.get("designationStructure"),
            "idServiceExecutant": invoice["service_id"],
            "codeServiceExecutant": service.get("codeService"),
            "libelleServiceExecutant": service.get("libelleService"),
        },
        "references": {
            "typeFactureTravaux": works_type(invoice["cadre"]),
            "numeroMarche": invoice["numero_marche"],
            "numeroBonCommande": invoice["numero_bon_commande"],
            "numeroDpMandat": invoice["numero_dp_mandat"],
            "deviseFacture": invoice["devise"], "typeTva": data.get("typeTva"),
            "modePaiement": data.get("modePaiement"),
        },
        "montantTotal": {
            "montantHtTotal": amount_out(invoice["montant_ht"]),
            "montantTVA": amount_out(invoice["montant_tva"]),
            "montantTtcTotal": amount_out(invoice["montant_ttc"]),
            "montantAPayer": amount_out(invoice["montant_a_payer"]),
        },
        **works_fields.chain(world, store, piece),
        "delais": works_fields.deadlines(piece),
        "listeDesPiecesJointes": {
            "pieceJointe": [{
                "pieceJointeId": a["id"], "pieceJointeDesignation": a["designation"] or a["name"],
                "pieceJointeExtension": a["extension"], "pieceJointeTypeCode": a["role"],
            } for a in attachments],
            "totalPiecesJointes": len(attachments),
        },
        "historiquesDesStatuts": history["historiquesDesStatuts"],
    }
