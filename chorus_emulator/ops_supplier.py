"""Supplier side of the Factures API (contract §5.2–§5.11)."""

import base64
import hashlib
from decimal import Decimal

from chorus_emulator import flows, invoices, presenters, presenters_detail, rules
from chorus_emulator.clock import day
from chorus_emulator.operations import operation
from chorus_emulator.protocol import (
    OK_FACTURES,
    BusinessError,
    Page,
    get_amount,
    get_bool,
    get_int,
    get_list,
    get_obj,
    get_str,
    ok,
)
from chorus_emulator.rules import (
    ATTACHMENT_TOO_LARGE,
    BANK_ACCOUNT,
    INVALID_VALUE,
    LINES_TOTAL,
    MAIN_ATTACHMENT,
    SERVICE_UNKNOWN,
    SUPPLIER_NOT_ALLOWED,
    VAT_TOTAL,
)
from chorus_emulator.search import search


def _choice(value, allowed, field):
    if value is not None and value not in allowed:
        raise BusinessError(INVALID_VALUE, f"La valeur {value} n'est pas autorisée pour "
                                           f"{field}.")
    return value


def own_attachment(ctx, attachment_id, what: str):
    if attachment_id is None:
        raise BusinessError(MAIN_ATTACHMENT, f"L'identifiant de la pièce jointe {what} "
                                             f"n'est pas renseigné.")
    attachment = ctx.store.attachment(attachment_id)
    if attachment is None or attachment["owner"] != ctx.login:
        raise BusinessError(MAIN_ATTACHMENT, f"La pièce jointe {what} {attachment_id} est "
                                             f"inconnue ou n'a pas été déposée par ce compte.")
    return attachment


def complementary_attachments(ctx, items) -> list[tuple[int, str, str | None]]:
    linked = []
    for item in items:
        attachment_id = get_int(item, "pieceJointeComplementaireId")
        own_attachment(ctx, attachment_id, "complémentaire")
        linked.append((attachment_id, "02", get_str(item, "pieceJointeComplementaireDesignation")))
    return linked


def check_invoice_size(ctx, attachment_ids: list[int]) -> None:
    """Annex §1.3: an invoice, all its files together, weighs at most 100 MB."""
    total = sum(ctx.store.attachment(attachment_id)["size"] for attachment_id in attachment_ids)
    if total > rules.MAX_INVOICE_BYTES:
        raise BusinessError(ATTACHMENT_TOO_LARGE, "La taille totale des pièces jointes de la "
                                                  "facture dépasse la limite autorisée de 100 Mo.")


def check_totals(mode: str, body: dict, totals: dict) -> dict:
    """contract §5.3 [U]: which arithmetic checks Chorus runs is unknown. We check, within 0.01:
    lines vs montantHtTotal (20303) and VAT lines vs montantTVA (20304) in SAISIE_API, and
    montantTtcTotal = HT + TVA always (20305)."""
    ht = get_amount(totals, "montantHtTotal", required=True)
    tva = get_amount(totals, "montantTVA", required=True)
    ttc = get_amount(totals, "montantTtcTotal", required=True)
    to_pay = get_amount(totals, "montantAPayer")
    rules.check_ttc(ht, tva, ttc)
    if mode == "SAISIE_API":
        lines = get_list(body, "lignePoste")
        if not lines:
            raise BusinessError(LINES_TOTAL, "Au moins une ligne de poste est obligatoire en "
                                             "mode SAISIE_API.")
        lines_ht = Decimal(0)
        for line in lines:
            quantity = get_amount(line, "lignePosteQuantite", required=True)
            unit = get_amount(line, "lignePosteMontantUnitaireHT", required=True)
            discount = get_amount(line, "lignePosteMontantRemiseHT") or Decimal(0)
            lines_ht += quantity * unit - discount
        if not rules.close_enough(lines_ht, ht):
            raise BusinessError(LINES_TOTAL, f"La somme des lignes de poste ({lines_ht}) ne "
                                             f"correspond pas au montant HT total ({ht}).")
        vat_lines = get_list(body, "ligneTva")
        if not vat_lines:
            raise BusinessError(VAT_TOTAL, "Le récapitulatif de TVA (ligneTva) est obligatoire "
                                           "en mode SAISIE_API.")
        bases = sum((get_amount(v, "ligneTvaMontantBaseHtParTaux", required=True)
                     for v in vat_lines), Decimal(0))
        vat = sum((get_amount(v, "ligneTvaMontantTvaParTaux", required=True)
                   for v in vat_lines), Decimal(0))
        if not rules.close_enough(vat, tva) or not rules.close_enough(bases, ht):
            raise BusinessError(VAT_TOTAL, f"Le récapitulatif de TVA (bases {bases}, TVA {vat}) "
                                           f"ne correspond pas aux montants HT ({ht}) et TVA "
                                           f"({tva}) de la facture.")
    return {"montant_ht": ht, "montant_tva": tva, "montant_ttc": ttc,
            "montant_a_payer": ttc if to_pay is None else to_pay}


def _id_of(structure: dict | None) -> int | None:
    return structure["idStructureCPP"] if structure else None


def supplier_structure(ctx, supplier_id):
    supplier = ctx.world.structures.get(supplier_id)
    if supplier is None or not ctx.account.has_role(supplier_id, "FOURNISSEUR"):
        raise BusinessError(SUPPLIER_NOT_ALLOWED, f"Le fournisseur {supplier_id} est inconnu ou "
                                                  f"n'est pas rattaché au compte technique.")
    return supplier


def next_generated_number(ctx) -> str:
    # contract §5.3 [S]: the SAISIE_API sample answered a generated 20-digit number.
    sequence = ctx.store.next_id("generated_number")
    return f"{day(ctx.clock.now())[:4]}{sequence:016d}"


@operation("factures/v1/soumettre")
def soumettre(ctx, body):
    mode = _choice(get_str(body, "modeDepot", required=True), rules.MODES_DEPOT, "modeDepot")
    supplier_part = get_obj(body, "fournisseur", required=True)
    supplier = supplier_structure(ctx, get_int(supplier_part, "idFournisseur", required=True))
    supplier_service_id = get_int(supplier_part, "idServiceFournisseur")
    if supplier_service_id is not None and ctx.world.services.get(
            supplier_service_id, {}).get("idStructure") != supplier["idStructureCPP"]:
        raise BusinessError(SERVICE_UNKNOWN, f"Le service fournisseur {supplier_service_id} "
                                             f"n'appartient pas au fournisseur.")
    bank_id = get_int(supplier_part, "codeCoordonneesBancairesFournisseur")
    if bank_id is not None and ctx.world.bank_accounts.get(bank_id, {}).get(
            "idStructure") != supplier["idStructureCPP"]:
        raise BusinessError(BANK_ACCOUNT, f"Les coordonnées bancaires {bank_id} ne sont pas "
                                          f"valides pour ce fournisseur.")
    frame = get_obj(body, "cadreDeFacturation", required=True)
    cadre = _choice(get_str(frame, "codeCadreFacturation", required=True),
                    ctx.world.referentiels.get("cadresFacturation", []), "codeCadreFacturation")
    refs = get_obj(body, "references", required=True)
    type_facture = _choice(get_str(refs, "typeFacture") or "FACTURE", rules.TYPES_FACTURE,
                           "typeFacture")
    _choice(get_str(refs, "typeTva"), rules.TYPES_TVA, "typeTva")
    # contract §9.7/§11.15 [U]: OCA forbids a payment mode on credit notes but whether Chorus
    # does is unknown; we only check the value belongs to the list.
    _choice(get_str(refs, "modePaiement"), ctx.world.referentiels.get("modesPaiement", []),
            "modePaiement")
    exemption = get_str(refs, "motifExonerationTva")
    _choice(exemption, [m["codeMotifExonerationTva"]
                        for m in ctx.world.referentiels.get("motifsExonerationTva", [])],
            "motifExonerationTva")
    vat_codes = [t["codeTauxTva"] for t in ctx.world.referentiels.get("tauxTva", [])]
    for line in get_list(body, "lignePoste"):
        _choice(get_str(line, "lignePosteTauxTva"), vat_codes, "lignePosteTauxTva")
    recipient_part = get_obj(body, "destinataire", required=True)
    numero_ej = get_str(refs, "numeroBonCommande")
    recipient, service = invoices.check_routing(
        ctx.world, supplier, get_str(recipient_part, "codeDestinataire", required=True),
        get_str(recipient_part, "codeServiceExecutant"), numero_ej)
    validator = invoices.check_validator(ctx.world, cadre, get_str(frame, "codeStructureValideur"))

    number = get_str(body, "numeroFactureSaisi", required=mode in rules.PDF_MODES)
    invoice_date = get_str(body, "dateFacture", required=mode in rules.PDF_MODES)
    totals = check_totals(mode, body, get_obj(body, "montantTotal", required=True))

    attachments = []
    mains = get_list(body, "pieceJointePrincipale")
    if mode in rules.PDF_MODES and not mains:
        raise BusinessError(MAIN_ATTACHMENT, f"La pièce jointe principale est obligatoire en mode "
                                             f"{mode}.")
    for main in mains[:1]:
        main_id = get_int(main, "pieceJointePrincipaleId")
        own_attachment(ctx, main_id, "principale")
        attachments.append((main_id, "01", get_str(main, "pieceJointePrincipaleDesignation")))
    attachments += complementary_attachments(ctx, get_list(body, "pieceJointeComplementaire"))
    check_invoice_size(ctx, [attachment_id for attachment_id, _role, _name in attachments])

    # contract §5.3 [U]: whether SAISIE_API ignores numeroFactureSaisi is unclear; we keep it
    # when given (the portal needs its own numbers) and generate one otherwise.
    number = number or next_generated_number(ctx)
    invoices.check_number_free(ctx.store, supplier["idStructureCPP"], number)
    data = {
        "lignePoste": get_list(body, "lignePoste"), "ligneTva": get_list(body, "ligneTva"),
        "montantTotal": get_obj(body, "montantTotal"), "typeTva": get_str(refs, "typeTva"),
        "modePaiement": get_str(refs, "modePaiement"), "motifExonerationTva": exemption,
        "numeroFactureOrigine": get_str(refs, "numeroFactureOrigine"),
        "dateEcheancePaiement": get_str(body, "dateEcheancePaiement"),
        "commentaire": get_str(body, "commentaire"), "idCoordonneeBancaire": bank_id,
    }
    invoice_id = invoices.create(ctx.store, ctx.clock, {
        "numero": number, "supplier_id": supplier["idStructureCPP"],
        "supplier_service_id": supplier_service_id, "recipient_id": recipient["idStructureCPP"],
        "service_id": service["idService"] if service else None,
        "validator_id": validator["idStructureCPP"] if validator else None,
        "validator2_id": _id_of(invoices.second_validator(ctx.world, recipient, validator)),
        "cadre": cadre, "type_facture": type_facture, "mode_depot": mode,
        "date_facture": (invoice_date or day(ctx.clock.now()))[:10],
        "devise": get_str(refs, "deviseFacture") or "EUR",
        "numero_bon_commande": numero_ej, "numero_marche": get_str(refs, "numeroMarche"),
        "data": data, **totals,
    }, login=ctx.login, attachments=attachments)
    fingerprint = hashlib.sha256(f"{invoice_id}:{number}".encode()).digest()
    return ok(OK_FACTURES, identifiantFactureCPP=invoice_id, numeroFacture=number,
              dateDepot=day(ctx.clock.now()), statutFacture="DEPOSEE",
              identifiantStructure=supplier["identifiantStructure"],
              empreinteCertificatDepot=base64.b64encode(fingerprint).decode())


@operation("factures/v1/deposer/flux")
def deposer_flux(ctx, body):
    return flows.deposit(ctx, body)


@operation("factures/v1/deposer/pdf")
def deposer_pdf(ctx, body):
    return flows.deposit_pdf(ctx, body)


@operation("factures/v1/rechercher/fournisseur")
def rechercher_fournisseur(ctx, body):
    page = Page(get_obj(body, "rechercheFactureParFournisseur"))
    rows, total = search(ctx.store, ctx.account, "supplier", body, page)
    # contract §5.5 [U]: an empty result keeps codeRetour 0 with an empty list here.
    with_size = bool(get_bool(body, "recupererTaille"))
    return ok(OK_FACTURES, listeFactures=[
        presenters.supplier_summary(ctx.world, ctx.store, row, with_size=with_size)
        for row in rows], parametresRetour=page.info(total))


@operation("factures/v1/consulter/fournisseur")
def consulter_fournisseur(ctx, body):
    invoice = invoices.for_supplier(ctx.store, ctx.account,
                                    get_int(body, "identifiantFactureCPP", required=True))
    # contract §5.6 [U]: the output is wrapped in "facture", as GO models it.
    return ok(OK_FACTURES, facture=presenters_detail.detail(ctx.world, ctx.store, invoice, body))


@operation("factures/v1/consulter/historique")
def consulter_historique(ctx, body):
    invoice = invoices.for_any_side(ctx.store, ctx.account,
                                    get_int(body, "idFacture", required=True))
    return ok(OK_FACTURES, **presenters.history(ctx.store, invoice))


@operation("factures/v1/completer")
def completer(ctx, body):
    invoice = invoices.for_supplier(ctx.store, ctx.account,
                                    get_int(body, "identifiantFactureCPP", required=True))
    if invoice["status"] != "SUSPENDUE":
        raise BusinessError(rules.FORBIDDEN_TRANSITION, rules.FORBIDDEN_TRANSITION_LIBELLE)
    linked = complementary_attachments(ctx, get_list(body, "pieceJointeComplementaire"))
    for attachment_id, role, designation in linked:
        ctx.store.link_attachment(invoice["id"], attachment_id, role, designation)
    comment = get_str(body, "commentaire")
    invoices.set_status(ctx.store, ctx.clock, invoice, "COMPLETEE", comment=comment,
                        login=ctx.login)
    return ok(OK_FACTURES, identifiantFactureCPP=invoice["id"], numeroFacture=invoice["numero"],
              dateTraitement=day(ctx.clock.now()))


@operation("factures/v1/recycler")
def recycler(ctx, body):
    """contract §5.9/§9.3 [U]: a recycled invoice goes back to DEPOSEE and is routed again to
    the (possibly new) recipient, who no longer sees it until it is made available again."""
    invoice = invoices.for_supplier(ctx.store, ctx.account,
                                    get_int(body, "identifiantFactureCPP", required=True))
    if invoice["status"] != "A_RECYCLER":
        raise BusinessError(rules.FORBIDDEN_TRANSITION, rules.FORBIDDEN_TRANSITION_LIBELLE)
    recipient_part = get_obj(body, "destinataire")
    # contract §5.9 [U]: GO sends the singular "reference"; we accept both spellings.
    refs = get_obj(body, "reference") or get_obj(body, "references")
    old_recipient = ctx.world.structures[invoice["recipient_id"]]
    old_service = ctx.world.services.get(invoice["service_id"] or 0, {})
    supplier = ctx.world.structures[invoice["supplier_id"]]
    numero_ej = get_str(refs, "numeroBonCommande") or invoice["numero_bon_commande"]
    recipient, service = invoices.check_routing(
        ctx.world, supplier,
        get_str(recipient_part, "codeDestinataire") or old_recipient["identifiantStructure"],
        get_str(recipient_part, "codeServiceExecutant") or (
            old_service.get("codeService") if not recipient_part else None),
        numero_ej)
    validator = ctx.world.structures.get(invoice["validator_id"])
    invoices.set_status(
        ctx.store, ctx.clock, invoice, "DEPOSEE", comment=get_str(body, "commentaire"),
        login=ctx.login, recipient_id=recipient["idStructureCPP"],
        validator2_id=_id_of(invoices.second_validator(ctx.world, recipient, validator)),
        service_id=service["idService"] if service else None, numero_bon_commande=numero_ej,
        numero_marche=get_str(refs, "numeroMarche") or invoice["numero_marche"],
        visible_to_recipient=0, downloaded=0)
    return ok(OK_FACTURES, identifiantFactureCPP=invoice["id"], numeroFacture=invoice["numero"],
              dateDepot=day(ctx.clock.now()), statutFacture="DEPOSEE")


@operation("factures/v1/traiterRejet")
def traiter_rejet(ctx, body):
    items = get_list(body, "listeDemandePaiement")
    if not items:
        raise BusinessError(INVALID_VALUE, "Le champ obligatoire listeDemandePaiement n'est pas "
                                           "renseigné.")
    found = [invoices.for_supplier(ctx.store, ctx.account, get_int(item, "idDemandePaiement"))
             for item in items]
    for invoice in found:
        if invoice["status"] != "REJETEE":
            raise BusinessError(rules.FORBIDDEN_TRANSITION, rules.FORBIDDEN_TRANSITION_LIBELLE)
    for invoice in found:
        ctx.store.update_invoice(invoice["id"], rejet_traite=1)
        invoices.add_action(ctx.store, ctx.clock, invoice["id"], "TRAITEMENT_REJET", ctx.login,
                            get_str(body, "motifRejet") or get_str(body, "cpltInfos"))
    return ok(OK_FACTURES)


@operation("factures/v1/corriger/valideur/facture")
def corriger_valideur(ctx, body):
    invoice = invoices.for_supplier(ctx.store, ctx.account, get_int(body, "idFacture",
                                                                    required=True))
    # [U] after a refusal at either level the corrected first validator starts over.
    if invoice["status"] not in ("REFUSEE_1", "REFUSEE_2", "ERREUR_FOURNISSEUR_SUR_VALIDEUR"):
        raise BusinessError(rules.FORBIDDEN_TRANSITION, rules.FORBIDDEN_TRANSITION_LIBELLE)
    siret = get_str(body, "identifiantStructure")
    structure_id = get_int(body, "idStructure")
    if not siret and structure_id in ctx.world.structures:
        siret = ctx.world.structures[structure_id]["identifiantStructure"]
    validator = invoices.check_validator(ctx.world, invoice["cadre"], siret)
    if validator is None:
        raise BusinessError(rules.VALIDATOR, f"Le cadre de facturation {invoice['cadre']} ne "
                                             f"prévoit pas de valideur.")
    recipient = ctx.world.structures[invoice["recipient_id"]]
    invoices.set_status(ctx.store, ctx.clock, invoice, "A_VALIDER_1", login=ctx.login,
                        validator_id=validator["idStructureCPP"],
                        validator2_id=_id_of(invoices.second_validator(ctx.world, recipient,
                                                                       validator)))
    return ok(OK_FACTURES, idFacture=invoice["id"])
