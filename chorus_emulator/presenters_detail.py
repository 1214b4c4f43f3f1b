"""The ``facture`` object of consulter/fournisseur|recipiendaire|valideur (contract §5.6).

The consultation does not echo the submission: validators come as numbered blocks
(``codeValideur1``...), lines carry their computed amounts, VAT lines name the referential rate
(``ligneTvaTauxRef*``), the currency has its label. Names follow contract §5.6 and GO's model of
the answer; the annexe's change log (V3.3) replaced ``lignePosteUniteCode/Libelle`` by
``lignePosteUnite`` and (V3.0) removed ``destinataireEtat``, which we follow.

The three sub-lists are paginated by the request's objects (``pLignesPoste``/``rechercheLignePoste``
...). [U] without one, a sub-list comes whole on one page.
"""

from decimal import ROUND_HALF_UP, Decimal

from chorus_emulator import referentiels, works_fields
from chorus_emulator.clock import day, histo_stamp
from chorus_emulator.presenters import (
    data_of,
    service_of,
    structure_of,
    validator_fields,
)
from chorus_emulator.protocol import amount_out, get_int, get_obj

CENT = Decimal("0.01")

# (names of the request's pagination object, suffix of its keys, suffix of the answer's keys)
SUB_LISTS = {
    "lines": (("pLignesPoste", "rechercheLignePoste"), "LignesPoste", "LignesPoste"),
    "attachments": (("pListePiecesJointes", "recherchePj"), "ListePieceJointe",
                    "ListePiecesJointe"),
    "vat": (("pLigneRecapTva", "rechercheligneTvaRecap"), "ListeRecapitulatifTVA",
            "LignesRecapitulativesTVA"),
}


def _page(body: dict, sub_list: str, items: list) -> tuple[list, dict]:
    objects, request_suffix, answer_suffix = SUB_LISTS[sub_list]
    params = next((get_obj(body, name) for name in objects if body.get(name)), {})
    # GO doubles "Liste" in the VAT page size key; both spellings are read.
    size = (get_int(params, f"nbResultatsParPage{request_suffix}")
            or get_int(params, f"nbResultatsParPageListe{request_suffix}")
            or max(len(items), 1))
    number = max(get_int(params, f"pageResultatDemandee{request_suffix}") or 1, 1)
    start = (number - 1) * size
    return items[start:start + size], {
        f"nbResultatsParPage{answer_suffix}": size,
        f"pageCourante{answer_suffix}": number,
        f"pages{answer_suffix}": (len(items) + size - 1) // size,
        f"total{answer_suffix}": len(items),
    }


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def _line(line: dict, rates: dict) -> dict:
    """A consulted line: the submitted fields plus HT after discount, VAT and TTC ([U] rounded
    to the cent, half up)."""
    quantity = Decimal(str(line.get("lignePosteQuantite") or 0))
    unit_price = Decimal(str(line.get("lignePosteMontantUnitaireHT") or 0))
    discount = Decimal(str(line.get("lignePosteMontantRemiseHT") or 0))
    manual = line.get("lignePosteTauxTvaManuel")
    code = line.get("lignePosteTauxTva")
    rate = Decimal(str(manual)) if manual is not None else rates.get(code)
    excl = quantity * unit_price - discount
    vat = None if rate is None else excl * rate / 100
    return {
        "lignePosteNumero": line.get("lignePosteNumero"),
        "lignePosteReference": line.get("lignePosteReference"),
        "lignePosteDenomination": line.get("lignePosteDenomination"),
        "lignePosteQuantite": line.get("lignePosteQuantite"),
        "lignePosteUnite": line.get("lignePosteUnite"),
        "lignePosteMontantUnitaireHT": line.get("lignePosteMontantUnitaireHT"),
        "lignePosteMontantRemiseHT": line.get("lignePosteMontantRemiseHT"),
        "lignePosteTauxTva": code,
        "lignePosteTauxTvaManuel": manual,
        "lignePosteMontantHtApresRemise": _money(excl),
        "lignePosteMontantTva": _money(vat),
        "lignePosteMontantTtcApresRemise": None if vat is None else _money(excl + vat),
    }


def _vat_line(line: dict, vat_rates: list[dict]) -> dict:
    code = line.get("ligneTvaTaux")
    position, reference = next(((index, rate) for index, rate in enumerate(vat_rates, 1)
                                if rate["codeTauxTva"] == code), (None, {}))
    return {
        # [U] the referential's rate id is unknown; its position in recuperer/tauxtva.
        "ligneTvaTauxRefId": position,
        "ligneTvaTauxRefCode": reference.get("codeTauxTva"),
        "ligneTvaTauxRefLibelle": reference.get("libelleTauxTva"),
        "ligneTvaTauxRefValeur": reference.get("valeurTauxTva"),
        "ligneTvaTauxManuel": line.get("ligneTvaTauxManuel"),
        "ligneTvaMontantBaseHtParTaux": line.get("ligneTvaMontantBaseHtParTaux"),
        "ligneTvaMontantTvaParTaux": line.get("ligneTvaMontantTvaParTaux"),
    }


def _address(world, structure: dict, prefix: str) -> dict:
    address = structure.get("adressePostale", {})
    country = address.get("pays")
    return {
        f"adresse{prefix}Detail": address.get("adresse"),
        f"adresse{prefix}Complement1": None,
        f"adresse{prefix}Complement2": None,
        f"adresse{prefix}CodePostal": address.get("codePostal"),
        f"adresse{prefix}Ville": address.get("ville"),
        f"adresse{prefix}CodePays": country,
        f"adresse{prefix}LibellePays": referentiels.country_label(world, country),
    }


def _validators(world, store, invoice) -> dict:
    first = validator_fields(world, store, invoice, 1)
    second = validator_fields(world, store, invoice, 2)
    second["designationValideur2"] = structure_of(world, invoice["validator2_id"]).get(
        "designationStructure")
    return {**first, **second}


def detail(world, store, invoice, body: dict | None = None) -> dict:
    """The consultation of ``invoice``; ``body`` is the request (sub-list pagination)."""
    body = body or {}
    data = data_of(invoice)
    supplier = structure_of(world, invoice["supplier_id"])
    recipient = structure_of(world, invoice["recipient_id"])
    service = service_of(world, invoice["service_id"])
    supplier_service = service_of(world, invoice["supplier_service_id"])
    bank = world.bank_accounts.get(data.get("idCoordonneeBancaire")) or {}
    attachments = store.invoice_attachments(invoice["id"])
    main = next((a for a in attachments if a["role"] == "01"), None)
    vat_rates = world.referentiels.get("tauxTva", [])
    rates = {rate["codeTauxTva"]: Decimal(str(rate["valeurTauxTva"])) for rate in vat_rates}
    totals = data.get("montantTotal", {})
    lines, lines_page = _page(body, "lines", [_line(line, rates)
                                              for line in data.get("lignePoste", [])])
    vat_lines, vat_page = _page(body, "vat", [_vat_line(line, vat_rates)
                                              for line in data.get("ligneTva", [])])
    pieces, pieces_page = _page(body, "attachments", [{
        "pieceJointeId": a["id"], "pieceJointeIdLiaison": a["id"],
        "pieceJointeDesignation": a["designation"] or a["name"],
        "pieceJointeExtension": a["extension"],
        "pieceJointeTypeCode": a["role"],
        "pieceJointeTypeLibelle": ("Facture" if a["role"] == "01"
                                   else "Pièce jointe complémentaire"),
        "pieceJointeNumeroLigneFacture": None,
    } for a in attachments])
    exemption = data.get("motifExonerationTva")
    # A works piece adds its parties, its chain and its deadlines (works_fields.py).
    return works_fields.add_to_detail(world, store, invoice, {
        "identifiantFactureCPP": invoice["id"],
        "numeroFacture": invoice["numero"],
        "statutFacture": invoice["status"],
        "modeDepot": invoice["mode_depot"],
        "commentaire": data.get("commentaire"),
        "cadreDeFacturation": {"codeCadreFacturation": invoice["cadre"],
                               **_validators(world, store, invoice)},
        "destinataire": {
            "codeDestinataire": recipient.get("identifiantStructure"),
            "idDestinataire": invoice["recipient_id"],
            "libelleDestinataire": recipient.get("designationStructure"),
            "codeServiceExecutant": service.get("codeService"),
            "idServiceExecutant": invoice["service_id"],
            "libelleServiceExecutant": service.get("libelleService"),
            **_address(world, recipient, "Destinataire"),
        },
        "fournisseur": {
            "idFournisseur": invoice["supplier_id"],
            "codeFournisseur": supplier.get("identifiantStructure"),
            "designationFournisseur": supplier.get("designationStructure"),
            "typeIdentifiantFournisseur": supplier.get("typeIdentifiantStructure"),
            "idServiceFournisseur": invoice["supplier_service_id"],
            "codeServiceFournisseur": supplier_service.get("codeService"),
            "libelleServiceFournisseur": supplier_service.get("libelleService"),
            "numeroRcsFournisseur": supplier.get("numeroRcsStructure"),
            **_address(world, supplier, "Fournisseur"),
            "coordBancairesFournisseurId": bank.get("idCoordonneeBancaire"),
            "coordBancairesFournisseurLibelle": bank.get("nomCoordonneeBancaire"),
            "coordBancairesFournisseurType": "IBAN" if bank else None,
            "coordBancairesFournisseurCodePays": (bank.get("iban") or "")[:2] or None,
            "coordBancairesFournisseurCleIban": bank.get("iban"),
            "coordBancairesFournisseurCleRib": None,
            "coordBancairesFournisseurCodeBanque": None,
            "coordBancairesFournisseurCompteBancaire": None,
            "coordBancairesCodeGuichet": None,
            "coordBancairesBicSwift": bank.get("bic"),
            "affactureur": None,
        },
        "references": {
            "typeFacture": invoice["type_facture"],
            "typeTva": data.get("typeTva"),
            "codeDeviseFacture": invoice["devise"],
            "libelleDeviseFacture": referentiels.currency_label(world, invoice["devise"]),
            "modePaiement": data.get("modePaiement"),
            "motifExonerationTva": exemption,
            "libelleMotifExonerationTva": referentiels.exemption_label(world, exemption),
            "numeroBonCommande": invoice["numero_bon_commande"],
            "numeroMarche": invoice["numero_marche"],
            "numeroFactureOrigine": data.get("numeroFactureOrigine"),
            "numeroDpMandat": invoice["numero_dp_mandat"],
            "dateFacture": invoice["date_facture"],
            "dateDepot": day(invoice["deposited_at"]),
            "dateEcheancePaiement": data.get("dateEcheancePaiement"),
            # GO reads this one as "YYYY-MM-DD HH:MM", like the history stamps.
            "dateCreationFacture": histo_stamp(invoice["deposited_at"]),
            "tailleTotalePiecesJointes": sum(a["size"] for a in attachments),
            "typeFactureTravaux": None,
        },
        "montantTotal": {
            "montantHtTotal": amount_out(invoice["montant_ht"]),
            "montantTVA": amount_out(invoice["montant_tva"]),
            "montantTtcTotal": amount_out(invoice["montant_ttc"]),
            "montantAPayer": amount_out(invoice["montant_a_payer"]),
            "montantRemiseGlobaleTTC": totals.get("montantRemiseGlobaleTTC"),
            "motifRemiseGlobaleTTC": totals.get("motifRemiseGlobaleTTC"),
            # [U] the global discount applies to the TTC total (HT + TVA, checked at
            # submission): before the discount, the TTC is that total.
            "montantTtcAvantRemiseGlobalTTC": amount_out(invoice["montant_ttc"]),
        },
        "lignesDePoste": {"lignePoste": lines, **lines_page},
        "recapitulatifDeTva": {"ligneTva": vat_lines, **vat_page},
        "listeDesPiecesJointes": {"pieceJointe": pieces, **pieces_page},
        "pieceJointePrincipale": ({"idPieceJointePrincipale": main["id"],
                                   "idLiaisonPieceJointePrincipale": main["id"]} if main else None),
        "piecePrecedente": None,
        "pieceSuivante": None,
    })
