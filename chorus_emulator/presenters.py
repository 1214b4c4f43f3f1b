"""JSON shapes of invoice search items and histories as the API returns them (contract §5.5,
§5.7, §5.12, §5.13); the consultation shape is in ``presenters_detail``.

Each side has its own item keys: the names follow the contract and, where it defers to it, GO's
models of the three searches (supplier items say ``codeFournisseur``, validator items
``identifiantFournisseur``).
"""

import json
from decimal import Decimal

from chorus_emulator.clock import day, histo_stamp, iso_ms
from chorus_emulator.protocol import amount_out
from chorus_emulator.works_rules import payment_request_type, works_type


def structure_of(world, structure_id) -> dict:
    return world.structures.get(structure_id) or {}


def service_of(world, service_id) -> dict:
    return world.services.get(service_id) or {} if service_id else {}


def data_of(invoice) -> dict:
    return json.loads(invoice["data"] or "{}", parse_float=Decimal)


def invoice_fields(world, invoice) -> dict:
    """Every summary field of an invoice under the API's names, for documents and the admin."""
    supplier = structure_of(world, invoice["supplier_id"])
    recipient = structure_of(world, invoice["recipient_id"])
    service = service_of(world, invoice["service_id"])
    supplier_service = service_of(world, invoice["supplier_service_id"])
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
        "typeIdentifiantDestinataire": recipient.get("typeIdentifiantStructure"),
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


def _pick(fields: dict, *keys: str) -> dict:
    return {key: fields[key] for key in keys}


def validation_date(store, invoice, level: int) -> str | None:
    """dateValidation1/2: the day of the latest VALIDEE_<level> (None when not validated)."""
    if not invoice["validator_id" if level == 1 else "validator2_id"]:
        return None
    for entry in store.history(invoice["id"], "statut"):
        if entry["code"] == f"VALIDEE_{level}":
            return day(entry["at"])
    return None


def validator_fields(world, store, invoice, level: int) -> dict:
    """The validator blocks of supplier items and consultations (codeValideur1,
    raisonSocialeValideur2...). A validator is a structure, so its nom/prénom stay empty."""
    validator = structure_of(world, invoice["validator_id" if level == 1 else "validator2_id"])
    return {
        f"idValideur{level}": validator.get("idStructureCPP"),
        f"codeValideur{level}": validator.get("identifiantStructure"),
        f"typeIdentifiantValideur{level}": validator.get("typeIdentifiantStructure"),
        f"raisonSocialeValideur{level}": validator.get("raisonSocialeStructure"),
        f"nomValideur{level}": None,
        f"prenomValideur{level}": None,
        f"dateValidation{level}": validation_date(store, invoice, level),
    }


def attachments_size(store, invoice) -> int:
    return sum(attachment["size"] for attachment in store.invoice_attachments(invoice["id"]))


def supplier_summary(world, store, invoice, *, with_size: bool = False) -> dict:
    """An item of rechercher/fournisseur (contract §5.5). ``taille`` only when the search asked
    for it (``recupererTaille``) [U]: it costs a look at the attachments."""
    fields = invoice_fields(world, invoice)
    data = data_of(invoice)
    bank = world.bank_accounts.get(data.get("idCoordonneeBancaire")) or {}
    return {
        "identifiantFactureCPP": invoice["id"],
        **_pick(fields, "numeroFacture", "statut", "commentaireEtatCourant", "dateDepot",
                "dateFacture", "dateHeureEtatCourant", "modeDepot", "numeroFluxDepot",
                "codeFournisseur", "typeIdentifiantFournisseur", "designationFournisseur",
                "codeServiceFournisseur", "nomServiceFournisseur", "idDestinataire",
                "codeDestinataire", "designationDestinataire", "codeServiceExecutant",
                "idServiceExecutant", "nomServiceExecutant", "devise", "montantHT",
                "montantTTC", "montantAPayer", "typeFacture", "typeDemandePaiement",
                "numeroBonCommande", "numeroMarche", "rejetTraite"),
        "numeroFactureOrigine": data.get("numeroFactureOrigine"),
        "nomPrenomUtilisateurCreateur": invoice["creator"],
        "taille": attachments_size(store, invoice) if with_size else None,
        **{key: value for level in (1, 2)
           for key, value in validator_fields(world, store, invoice, level).items()
           if not key.startswith("idValideur")},
        "coordBancairesFournisseurNomCb": bank.get("nomCoordonneeBancaire"),
        "coordBancairesFournisseurCodePays": (bank.get("iban") or "")[:2] or None,
        "coordBancairesFournisseurCleIban": bank.get("iban"),
        "coordBancairesFournisseurCodeBanque": None,
        "coordBancairesFournisseurCompteBancaire": None,
        "coordBancairesFournisseurCleRib": None,
        "affactureurCode": None, "affactureurRaisonSociale": None,
        "affactureurTypeIdentifiant": None,
    }


def recipient_summary(world, store, invoice, *, with_size: bool = False) -> dict:
    """An item of rechercher/recipiendaire (contract §5.12 [C])."""
    fields = invoice_fields(world, invoice)
    return {
        "idFacture": invoice["id"],
        **_pick(fields, "numeroFacture", "statut", "commentaireEtatCourant", "dateDepot",
                "dateFacture", "dateHeureEtatCourant", "codeDestinataire", "idDestinataire",
                "designationDestinataire", "codeFournisseur", "typeIdentifiantFournisseur",
                "designationFournisseur", "codeServiceExecutant", "idServiceExecutant",
                "nomServiceExecutant", "codeServiceFournisseur", "nomServiceFournisseur",
                "devise", "montantHT", "montantTTC", "montantAPayer", "numeroBonCommande",
                "numeroMarche", "typeDemandePaiement", "typeFacture",
                "factureTelechargeeParDestinataire"),
        "typeFactureTravaux": fields["typeFactureTravaux"],
        "taille": attachments_size(store, invoice) if with_size else None,
    }


def validator_summary(world, invoice, account) -> dict:
    """An item of rechercher/valideur (contract §5.13 [S: GO]): parties by ``identifiant*``,
    the validator being the caller's level. [U] ``dateHeureEtatCourant`` and
    ``commentaireEtatCourant`` are added as in the other searches."""
    from chorus_emulator.invoices import validator_level

    fields = invoice_fields(world, invoice)
    level = validator_level(account, invoice) if account else 1
    validator = structure_of(world, invoice["validator2_id" if level == 2 else "validator_id"])
    return {
        "idFacture": invoice["id"],
        **_pick(fields, "numeroFacture", "statut", "commentaireEtatCourant",
                "dateHeureEtatCourant", "dateDepot", "dateFacture", "idFournisseur",
                "typeIdentifiantFournisseur", "designationFournisseur", "codeServiceFournisseur",
                "nomServiceFournisseur", "idDestinataire", "typeIdentifiantDestinataire",
                "designationDestinataire", "idServiceExecutant", "codeServiceExecutant",
                "nomServiceExecutant", "devise", "montantHT", "montantTTC", "montantAPayer",
                "numeroMarche", "typeDemandePaiement", "typeFacture"),
        "identifiantFournisseur": fields["codeFournisseur"],
        "identifiantDestinataire": fields["codeDestinataire"],
        "numeroEngagement": fields["numeroBonCommande"],
        "idValideur": validator.get("idStructureCPP"),
        "identifiantValideur": validator.get("identifiantStructure"),
        "typeIdentifiantValideur": validator.get("typeIdentifiantStructure"),
        "designationValideur": validator.get("designationStructure"),
        "typeFactureTravaux": fields["typeFactureTravaux"],
    }


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
        "histoActionUtilisateurNom": h["login"], "histoActionUtilisateurPrenom": None,
        "histoActionUtilisateurEmail": h["login"], "histoActionUtilisateurTelephone": None,
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
