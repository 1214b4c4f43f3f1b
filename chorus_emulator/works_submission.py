"""facturesTravaux/v1/soumettre: deposit a works piece, opening a billing file (annexe §2.1.2.5)
or answering the previous piece of one (annexe §2.1.2.7).

contract-works §1.4.4 [U]: no public sample of the input exists; the field names are the ones the
contract proposes, modelled on factures/v1/soumettre and on the works consult outputs.
"""

from datetime import date

from chorus_emulator import invoices, rules, works_flow, works_pieces
from chorus_emulator.clock import day, iso_ms
from chorus_emulator.ops_supplier import (
    check_invoice_size,
    complementary_attachments,
    own_attachment,
)
from chorus_emulator.protocol import (
    OK_TRANSVERSES,
    BadRequest,
    BusinessError,
    get_amount,
    get_int,
    get_list,
    get_obj,
    get_str,
    ok,
)
from chorus_emulator.rules import (
    BANK_ACCOUNT,
    INVALID_VALUE,
    MAIN_ATTACHMENT,
    SUPPLIER_NOT_ALLOWED,
    VALIDATOR,
)
from chorus_emulator.works_rules import (
    CHAIN_BROKEN,
    DUPLICATE_NUMBER,
    FOURNISSEUR,
    MOA,
    MOA_SERVICE_UNKNOWN,
    MOA_UNKNOWN,
    MOE,
    MOE_SERVICE_UNKNOWN,
    MOE_UNKNOWN,
    NOT_DEPOSITOR,
    PAYMENT_DAYS,
    PREVIOUS_NOT_WAITING,
    PREVIOUS_UNKNOWN,
    TACIT_TOO_EARLY,
    WORKS_ROLE,
    framework,
)

REPLACING = "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE"


def _choice(value, allowed, field):
    if value is not None and value not in allowed:
        raise BusinessError(INVALID_VALUE, f"La valeur {value} n'est pas autorisée pour {field}.")
    return value


def _previous(ctx, frame, cadre: str, previous_id: int):
    """The piece this one answers, checked: visible, of a framework it may follow, waiting for
    the caller (or, on the tacit path, left unanswered past its delay)."""
    invoice = ctx.store.invoice(previous_id)
    piece = works_pieces.piece(ctx.store, previous_id) if invoice else None
    if piece is None or not works_pieces.sees(ctx.account, invoice, piece):
        raise BusinessError(PREVIOUS_UNKNOWN, f"La pièce précédente {previous_id} est inconnue "
                                              f"ou n'est pas visible par ce compte.")
    if invoice["cadre"] not in frame.answers:
        raise BusinessError(CHAIN_BROKEN, f"Une pièce {cadre} ne peut pas suivre une pièce "
                                          f"{invoice['cadre']}.")
    role = frame.deposited_by
    if not works_pieces.acts_as(ctx.account, invoice, piece, role):
        raise BusinessError(NOT_DEPOSITOR, f"Ce compte n'agit pas comme {role} sur la pièce "
                                           f"précédente {previous_id}.")
    waiting_for = works_flow.holder(invoice)
    if waiting_for is None or (not frame.tacit and waiting_for != role):
        raise BusinessError(PREVIOUS_NOT_WAITING, f"La pièce précédente {previous_id} "
                                                  f"(statut {invoice['status']}) n'attend pas de "
                                                  f"pièce de ce compte.")
    if frame.tacit and (piece["general_due_at"] is None
                        or ctx.clock.now() < piece["general_due_at"]):
        raise BusinessError(TACIT_TOO_EARLY, "La procédure tacite n'est ouverte qu'une fois "
                                             "expiré le délai de notification du décompte "
                                             "général.")
    return invoice, piece


def _depositor(ctx, body: dict, frame, previous) -> tuple[int, dict]:
    """(the depositing structure's id, the billing file's company)."""
    part = get_obj(body, "fournisseur", required=previous is None)
    given = get_int(part, "idFournisseur", required=previous is None)
    if previous is None:
        supplier = ctx.world.structures.get(given)
        if supplier is None or not ctx.account.has_role(given, WORKS_ROLE):
            raise BusinessError(SUPPLIER_NOT_ALLOWED, f"Le fournisseur {given} est inconnu ou "
                                                      f"n'est pas rattaché au compte technique "
                                                      f"pour les factures de travaux.")
        return given, supplier
    invoice, piece = previous
    supplier = ctx.world.structures[invoice["supplier_id"]]
    if frame.deposited_by == FOURNISSEUR:
        if given is not None and given != invoice["supplier_id"]:
            raise BusinessError(SUPPLIER_NOT_ALLOWED, f"Le fournisseur {given} n'est pas celui "
                                                      f"du dossier de facturation.")
        return invoice["supplier_id"], supplier
    return (piece["moe_id"] if frame.deposited_by == MOE else piece["moa_id"]), supplier


def party(ctx, part: dict, who: str, *, public: bool) -> tuple[dict, dict | None]:
    """An MOE or MOA named by SIRET (``identifiantMoe``) or id (``idMoe``), with its service."""
    key = "Moe" if who == MOE else "Moa"
    unknown, service_unknown = ((MOE_UNKNOWN, MOE_SERVICE_UNKNOWN) if who == MOE
                                else (MOA_UNKNOWN, MOA_SERVICE_UNKNOWN))
    identifier = get_str(part, f"identifiant{key}")
    structure = (ctx.world.structures_by_siret.get(identifier) if identifier
                 else ctx.world.structures.get(get_int(part, f"id{key}")))
    if (structure is None or structure["statut"] != "ACTIVE"
            or (public and structure["typeStructure"] != "PUBLIQUE")):
        raise BusinessError(unknown, f"La {who} {identifier or get_int(part, f'id{key}')} est "
                                     f"inconnue, inactive"
                                     f"{' ou n’est pas une entité publique' if public else ''}.")
    code = get_str(part, f"codeService{key}")
    service = ctx.world.service_by_code(structure["idStructureCPP"], code) if code else None
    if code and (service is None or not service.get("estActif", True)):
        raise BusinessError(service_unknown, f"Le service {code} de la {who} "
                                             f"{structure['identifiantStructure']} est inconnu "
                                             f"ou inactif.")
    return structure, service


def _validator(ctx, body: dict, frame_part: dict, cadre: str) -> dict:
    siret = get_str(frame_part, "codeStructureValideur") or get_str(
        get_obj(body, "valideur"), "codeStructureValideur")
    validator = ctx.world.structures_by_siret.get(siret or "")
    if validator is None or validator["statut"] != "ACTIVE":
        raise BusinessError(VALIDATOR, f"Le cadre de facturation {cadre} exige une structure "
                                       f"valideuse active (codeStructureValideur).")
    return validator


def _invoice_date(body: dict) -> str:
    text = get_str(body, "dateFactureTravaux") or get_str(body, "dateFacture", required=True)
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError as error:
        raise BadRequest("Requête mal formatée : dateFactureTravaux n'est pas une date "
                         "AAAA-MM-JJ.") from error


def _attachments(ctx, body: dict) -> list:
    mains = get_list(body, "pieceJointePrincipale")
    if not mains:
        # contract-works §1.0 [S]: works pieces are PDFs; no way to key them in field by field.
        raise BusinessError(MAIN_ATTACHMENT, "La pièce jointe principale (le PDF de la pièce) "
                                             "est obligatoire pour une facture de travaux.")
    main_id = get_int(mains[0], "pieceJointePrincipaleId", required=True)
    own_attachment(ctx, main_id, "principale")
    linked = [(main_id, "01", get_str(mains[0], "pieceJointePrincipaleDesignation"))]
    linked += complementary_attachments(ctx, get_list(body, "pieceJointeComplementaire"))
    check_invoice_size(ctx, [attachment_id for attachment_id, _role, _name in linked])
    return linked


def submit(ctx, body: dict) -> dict:
    frame_part = get_obj(body, "cadreDeFacturation", required=True)
    cadre = get_str(frame_part, "codeCadreFacturation", required=True)
    frame = framework(cadre)
    if frame is None:
        raise BusinessError(INVALID_VALUE, f"Le cadre de facturation {cadre} n'est pas un cadre "
                                           f"de factures de travaux.")
    mode = _choice(get_str(body, "modeDepot") or "DEPOT_PDF_API", rules.PDF_MODES, "modeDepot")
    previous_id = get_int(body, "idPiecePrecedente", required=bool(frame.answers))
    if previous_id is not None and not frame.answers:
        raise BusinessError(CHAIN_BROKEN, f"Le cadre {cadre} ouvre un dossier de facturation : "
                                          f"une telle pièce n'a pas de pièce précédente.")
    previous = _previous(ctx, frame, cadre, previous_id) if previous_id is not None else None
    depositor_id, supplier = _depositor(ctx, body, frame, previous)
    old_invoice, old_piece = (dict(previous[0]), previous[1]) if previous else ({}, {})

    refs = get_obj(body, "references")
    numero_ej = get_str(refs, "numeroBonCommande") or old_invoice.get("numero_bon_commande")
    recipient_part = get_obj(body, "destinataire", required=previous is None)
    if recipient_part or previous is None:
        recipient, service = invoices.check_routing(
            ctx.world, supplier, get_str(recipient_part, "codeDestinataire", required=True),
            get_str(recipient_part, "codeServiceExecutant"), numero_ej)
    else:
        recipient = ctx.world.structures[old_invoice["recipient_id"]]
        service = ctx.world.services.get(old_invoice["service_id"] or 0)
    moe_part = get_obj(body, "moe", required=(
        previous is None and frame.goes_to == MOE and not frame.subcontracted))
    moe, moe_service = party(ctx, moe_part, MOE, public=False) if moe_part else (
        ctx.world.structures.get(old_piece.get("moe_id") or 0),
        ctx.world.services.get(old_piece.get("moe_service_id") or 0))
    moa_part = get_obj(body, "moa")
    if moa_part:
        moa, moa_service = party(ctx, moa_part, MOA, public=True)
    elif previous is not None:
        moa = ctx.world.structures[old_piece["moa_id"]]
        moa_service = ctx.world.services.get(old_piece["moa_service_id"] or 0)
    else:
        moa, moa_service = recipient, service  # [U] the MOA is the public buyer unless named
    validator = _validator(ctx, body, frame_part, cadre) if (
        frame.validator and previous is None) else None

    number = get_str(body, "numeroFactureTravaux") or get_str(body, "numeroFactureSaisi",
                                                              required=True)
    invoice_date = _invoice_date(body)
    totals = get_obj(body, "montantTotal", required=True)
    ht = get_amount(totals, "montantHtTotal", required=True)
    tva = get_amount(totals, "montantTVA", required=True)
    ttc = get_amount(totals, "montantTtcTotal", required=True)
    rules.check_ttc(ht, tva, ttc)
    to_pay = get_amount(totals, "montantAPayer")
    _choice(get_str(refs, "typeTva"), rules.TYPES_TVA, "typeTva")
    _choice(get_str(refs, "modePaiement"), ctx.world.referentiels.get("modesPaiement", []),
            "modePaiement")
    bank_id = get_int(get_obj(body, "fournisseur"), "codeCoordonneesBancairesFournisseur")
    if bank_id is not None and ctx.world.bank_accounts.get(bank_id, {}).get(
            "idStructure") != supplier["idStructureCPP"]:
        raise BusinessError(BANK_ACCOUNT, f"Les coordonnées bancaires {bank_id} ne sont pas "
                                          f"valides pour ce fournisseur.")
    attachments = _attachments(ctx, body)
    if works_pieces.number_taken(ctx.store, depositor_id, number):
        raise BusinessError(DUPLICATE_NUMBER, f"Le numéro de facture de travaux {number} a déjà "
                                              f"été utilisé par cette structure.")

    now = ctx.clock.now()
    dossier_id = old_piece.get("dossier_id") or ctx.store.next_id("works_dossier")
    piece_id = works_flow.create(ctx.store, ctx.clock, {
        "numero": number, "supplier_id": supplier["idStructureCPP"],
        "supplier_service_id": get_int(get_obj(body, "fournisseur"), "idServiceFournisseur"),
        "recipient_id": recipient["idStructureCPP"],
        "service_id": service["idService"] if service else None,
        "validator_id": validator["idStructureCPP"] if validator else None,
        "cadre": cadre, "type_facture": "FACTURE", "mode_depot": mode,
        "date_facture": invoice_date, "devise": get_str(refs, "deviseFacture") or "EUR",
        "numero_bon_commande": numero_ej,
        "numero_marche": get_str(refs, "numeroMarche") or old_invoice.get("numero_marche"),
        "montant_ht": ht, "montant_tva": tva, "montant_ttc": ttc,
        "montant_a_payer": ttc if to_pay is None else to_pay,
        "data": {"commentaire": get_str(body, "commentaire"), "idCoordonneeBancaire": bank_id,
                 "typeTva": get_str(refs, "typeTva"), "modePaiement": get_str(refs,
                                                                              "modePaiement"),
                 "montantTotal": totals},
    }, {
        "dossier_id": dossier_id,
        "dossier_numero": old_piece.get("dossier_numero") or (
            f"DF{day(now)[:4]}{dossier_id:08d}"),
        "depositor_id": depositor_id, "depositor_role": frame.deposited_by,
        "previous_id": previous_id,
        "moe_id": moe["idStructureCPP"] if moe else None,
        "moe_service_id": moe_service["idService"] if moe_service else None,
        "moa_id": moa["idStructureCPP"],
        "moa_service_id": moa_service["idService"] if moa_service else None,
        "subcontracted": int(frame.subcontracted or bool(old_piece.get("subcontracted"))),
        "payment_days": recipient.get("delaiGlobalPaiementJours", PAYMENT_DAYS),
        # The chain's delays run on from piece to piece.
        "payment_start_at": old_piece.get("payment_start_at"),
        "payment_due_at": old_piece.get("payment_due_at"),
        "general_due_at": old_piece.get("general_due_at"),
    }, login=ctx.login, attachments=attachments)
    if previous is not None:
        works_flow.associate(ctx.store, ctx.clock, previous[0], piece_id,
                             replaced=cadre == REPLACING, login=ctx.login)
    return ok(OK_TRANSVERSES, idFactureTravaux=piece_id, numeroFactureTravaux=number,
              dateDepotFactureTravaux=iso_ms(now), statutFactureTravaux="DEPOSEE",
              idDossierFacturation=dossier_id,
              numeroDossierFacturation=works_pieces.piece(ctx.store, piece_id)["dossier_numero"],
              idPiecePrecedente=previous_id)
