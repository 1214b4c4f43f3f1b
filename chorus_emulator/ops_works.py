"""FacturesTravaux API (contract-works §1.4) and the two Transverses lists works clients need.

Every operation answers as the other legacy APIs do: POST, JSON, ``codeRetour``/``libelle``
(``TRA_MSG_00.000`` on success, ``GCU_MSG_01_000`` for recuperer/motifsrefus [S: COMM-API]).
Who may do what from which status is in works_rules.py; a move the piece's status or the
caller's place does not allow answers 20002, a piece the caller cannot see 20001.
"""

from chorus_emulator import works_flow, works_pieces, works_present, works_search
from chorus_emulator.clock import day
from chorus_emulator.operations import operation
from chorus_emulator.ops_supplier import complementary_attachments
from chorus_emulator.protocol import (
    OK_FACTURES,
    OK_TRANSVERSES,
    BusinessError,
    Page,
    get_int,
    get_list,
    get_obj,
    get_str,
    ok,
)
from chorus_emulator.rules import (
    INVALID_VALUE,
    MAX_MOTIF,
    MOTIF,
    UNKNOWN_INVOICE,
    UNKNOWN_INVOICE_LIBELLE,
    VALIDATOR,
)
from chorus_emulator.works_rules import (
    AMOUNT_ERROR,
    COMPLETABLE,
    DESTINATAIRE,
    FOURNISSEUR,
    MOA,
    MOE,
    MOE_FIXABLE,
    MOE_SERVICE_UNKNOWN,
    NO_RESULT,
    NO_RESULT_LIBELLE,
    ONLY_BY,
    REFUSED,
    ROUTING_REFUSALS,
    SUSPENDABLE_BY,
    TAKEN_INTO_ACCOUNT,
    VALIDATOR_FIXABLE,
    VALIDEUR,
    framework,
)
from chorus_emulator.works_submission import party, submit

API = "facturesTravaux/v1/"


def _piece(ctx, body: dict):
    """The piece named by ``idFactureTravaux`` if the caller may see it, else "unknown"."""
    piece_id = get_int(body, "idFactureTravaux", required=True)
    invoice = ctx.store.invoice(piece_id)
    piece = works_pieces.piece(ctx.store, piece_id) if invoice else None
    if piece is None or not works_pieces.sees(ctx.account, invoice, piece):
        raise BusinessError(UNKNOWN_INVOICE, UNKNOWN_INVOICE_LIBELLE)
    return invoice, piece


def _holding(ctx, invoice, piece, roles) -> str:
    """The caller's role when it holds the piece in one of ``roles``; otherwise 20002."""
    holder = works_flow.holder(invoice)
    if holder not in roles or not works_pieces.acts_as(ctx.account, invoice, piece, holder):
        raise works_flow.forbidden()
    return holder


def _as_depositor(ctx, invoice, piece, statuses) -> None:
    if invoice["status"] not in statuses or not works_pieces.is_depositor(ctx.account, piece):
        raise works_flow.forbidden()


def _comment(body: dict, *, required: bool) -> str | None:
    comment = get_str(body, "commentaire")
    if required and not (comment or "").strip():
        raise BusinessError(MOTIF, "Le commentaire est obligatoire pour cette action.")
    if comment and len(comment) > MAX_MOTIF:
        raise BusinessError(MOTIF, f"Le commentaire ne doit pas dépasser {MAX_MOTIF} "
                                   f"caractères.")
    return comment


def _moved(invoice, status: str, **extra) -> dict:
    return ok(OK_TRANSVERSES, idFactureTravaux=invoice["id"],
              numeroFactureTravaux=invoice["numero"], statutFactureTravaux=status, **extra)


@operation(API + "soumettre")
def soumettre(ctx, body):
    return submit(ctx, body)


@operation(API + "consulter")
def consulter(ctx, body):
    invoice, piece = _piece(ctx, body)
    return ok(OK_TRANSVERSES,
              factureTravaux=works_present.detail(ctx.world, ctx.store, invoice, piece))


@operation(API + "consulter/dossierfacturation")
def consulter_dossier(ctx, body):
    """contract-works §1.4.1 [U]: by a piece of the file or by the file's id; lists the pieces of
    the file the caller may see."""
    if body.get("idFactureTravaux") is not None:
        dossier_id = _piece(ctx, body)[1]["dossier_id"]
    else:
        dossier_id = get_int(body, "idDossierFacturation", required=True)
    rows = [row for row in works_pieces.dossier(ctx.store, dossier_id)
            if works_pieces.sees(ctx.account, row, row)]
    if not rows:
        raise BusinessError(UNKNOWN_INVOICE, UNKNOWN_INVOICE_LIBELLE)
    return ok(OK_TRANSVERSES, idDossierFacturation=dossier_id,
              numeroDossierFacturation=rows[0]["dossier_numero"],
              numeroMarche=rows[0]["numero_marche"],
              listeFacturesTravaux=[works_present.summary(ctx.world, row) for row in rows])


@operation(API + "rechercher")
def rechercher(ctx, body):
    page = Page(get_obj(body, "rechercheFactureTravaux"))
    rows, total = works_search.search(ctx.store, ctx.account, body, page)
    items = [works_present.summary(ctx.world, row) for row in rows]
    if not items:
        # contract-works §1.4.3 [C: PAS-W, PAS-L]: nothing found is 20007, HTTP 200, and
        # PAS-W still reads parametresRetour.
        return {"codeRetour": NO_RESULT, "libelle": NO_RESULT_LIBELLE,
                "listeFacturesTravaux": [], "parametresRetour": page.info(total)}
    return ok(OK_TRANSVERSES, listeFacturesTravaux=items, parametresRetour=page.info(total))


@operation(API + "prendreencompte")
def prendre_en_compte(ctx, body):
    """Annexe §2.1.2.9: on a subcontractor's piece, the MOE, MOA or destinataire holding it
    closes the actions on it."""
    invoice, piece = _piece(ctx, body)
    if not piece["subcontracted"]:
        raise works_flow.forbidden()
    if invoice["status"] == "MISE_A_DISPOSITION" and works_pieces.acts_as(
            ctx.account, invoice, piece, DESTINATAIRE):
        role = DESTINATAIRE
    else:
        role = _holding(ctx, invoice, piece, (MOE, MOA))
    status = TAKEN_INTO_ACCOUNT[role]
    works_flow.close(ctx.store, ctx.clock, invoice, status,
                     comment=_comment(body, required=False), login=ctx.login)
    return _moved(invoice, status)


def _reason(ctx, body: dict) -> dict:
    code = get_str(body, "codeMotif")
    motif_id = get_int(body, "idMotif")
    for reason in ctx.world.referentiels.get("motifsRefusFactureTravaux", []):
        if (code and reason["codeMotif"] == code) or (motif_id and reason["idMotif"] == motif_id):
            return reason
    raise BusinessError(MOTIF, "Le motif de refus (codeMotif ou idMotif) est absent ou ne fait "
                               "pas partie des motifs de refus des factures de travaux.")


@operation(API + "refuser")
def refuser(ctx, body):
    invoice, piece = _piece(ctx, body)
    role = _holding(ctx, invoice, piece, (VALIDEUR, MOE, MOA, FOURNISSEUR))
    reason = _reason(ctx, body)
    code = reason["codeMotif"]
    if code == AMOUNT_ERROR:
        # contract-works §1.4.7 [C: KB0011867]: since 19/02/2025 an amount disagreement is not a
        # refusal reason; the amount admitted goes in the next piece.
        raise BusinessError(MOTIF, "Une erreur de montant ne permet pas de refuser la pièce : "
                                   "corrigez les montants dans votre propre pièce (état "
                                   "d'acompte, projet de décompte général).")
    if ONLY_BY.get(code, role) != role:
        raise BusinessError(MOTIF, f"Le motif {code} ne peut être donné que par la "
                                   f"{ONLY_BY[code]}.")
    comment = _comment(body, required=code == "AUTRE")
    status = ROUTING_REFUSALS.get((code, role), REFUSED[role])
    works_flow.close(ctx.store, ctx.clock, invoice, status, login=ctx.login,
                     comment=f"{reason['libelleMotif']} : {comment}" if comment
                     else reason["libelleMotif"])
    return _moved(invoice, status)


@operation(API + "suspendre/demander/completer/factureTravaux")
def suspendre(ctx, body):
    invoice, piece = _piece(ctx, body)
    _holding(ctx, invoice, piece, SUSPENDABLE_BY)
    works_flow.suspend(ctx.store, ctx.clock, invoice, comment=_comment(body, required=True),
                       login=ctx.login)
    # contract-works §1.4.8 [S: COMM-API]: the sample answers the envelope only.
    return ok(OK_TRANSVERSES)


@operation(API + "recuperer/motifsrefus")
def recuperer_motifs_refus(ctx, body):
    cadre = get_str(body, "codeCadreFacturationTravaux", required=True)
    if framework(cadre) is None:
        raise BusinessError(INVALID_VALUE, f"Le cadre de facturation {cadre} n'est pas un cadre "
                                           f"de factures de travaux.")
    # contract-works §1.4.9 [S: COMM-API]: the sample for A15 lists every reason, including
    # MAUVAIS_VALIDEUR, so the list does not depend on the framework [U].
    return ok(OK_FACTURES, listeMotifRefusFactureTravaux=[
        {"codeMotif": r["codeMotif"], "idMotif": r["idMotif"], "libelleMotif": r["libelleMotif"]}
        for r in ctx.world.referentiels.get("motifsRefusFactureTravaux", [])])


@operation(API + "completer")
def completer(ctx, body):
    """Annexe §2.1.2.11: the depositor completes a suspended piece (attachments, comment)."""
    invoice, piece = _piece(ctx, body)
    _as_depositor(ctx, invoice, piece, COMPLETABLE)
    for attachment_id, role, designation in complementary_attachments(
            ctx, get_list(body, "pieceJointeComplementaire")):
        ctx.store.link_attachment(invoice["id"], attachment_id, role, designation)
    works_flow.complete(ctx.store, ctx.clock, invoice, piece,
                        comment=_comment(body, required=False), login=ctx.login)
    return _moved(invoice, "COMPLETEE", dateTraitement=day(ctx.clock.now()))


def _reroute_to_moe(ctx, invoice, piece, **updates) -> str:
    works_pieces.update(ctx.store, invoice["id"], **updates)
    piece = {**piece, **updates}
    return works_flow.arrive(ctx.store, ctx.clock, invoice, piece, MOE, at=ctx.clock.now(),
                             login=ctx.login)


@operation(API + "completermoe")
def completer_moe(ctx, body):
    """Annexe §2.1.2.14: the depositor names the right MOE after a refusal for a wrong one, or a
    subcontractor names one when its validator let the delay pass and none was named."""
    invoice, piece = _piece(ctx, body)
    waiting_moe = (invoice["status"] == "ABSENCE_VALIDATION_1_HORS_DELAI"
                   and not piece["moe_id"])
    _as_depositor(ctx, invoice, piece,
                  (*MOE_FIXABLE, "ABSENCE_VALIDATION_1_HORS_DELAI") if waiting_moe
                  else MOE_FIXABLE)
    moe, service = party(ctx, get_obj(body, "moe") or body, MOE, public=False)
    status = _reroute_to_moe(ctx, invoice, piece, moe_id=moe["idStructureCPP"],
                             moe_service_id=service["idService"] if service else None,
                             validated=1)
    return _moved(invoice, status)


@operation(API + "completerservicemoe")
def completer_service_moe(ctx, body):
    """[U] The MOE service alone: the depositor fixes it after a refusal for a wrong MOE
    (re-routing the piece), or the MOE holding the piece hands it to one of its services."""
    invoice, piece = _piece(ctx, body)
    code = get_str(body, "codeServiceMoe")
    service = (ctx.world.service_by_code(piece["moe_id"], code) if code and piece["moe_id"]
               else ctx.world.services.get(get_int(body, "idServiceMoe", required=not code)))
    if (service is None or service.get("idStructure") != piece["moe_id"]
            or not service.get("estActif", True)):
        raise BusinessError(MOE_SERVICE_UNKNOWN, "Le service MOE est inconnu, inactif ou "
                                                 "n'appartient pas à la MOE de la pièce.")
    if invoice["status"] in MOE_FIXABLE and works_pieces.is_depositor(ctx.account, piece):
        status = _reroute_to_moe(ctx, invoice, piece, moe_service_id=service["idService"])
        return _moved(invoice, status)
    _holding(ctx, invoice, piece, (MOE,))
    works_pieces.update(ctx.store, invoice["id"], moe_service_id=service["idService"])
    return _moved(invoice, invoice["status"])


@operation(API + "corriger/valideur")
def corriger_valideur(ctx, body):
    """Annexe §2.1.2.13: the depositor names the right validator after a refusal."""
    invoice, piece = _piece(ctx, body)
    _as_depositor(ctx, invoice, piece, VALIDATOR_FIXABLE)
    siret = get_str(body, "identifiantStructure")
    validator = (ctx.world.structures_by_siret.get(siret) if siret
                 else ctx.world.structures.get(get_int(body, "idStructure", required=True)))
    if validator is None or validator["statut"] != "ACTIVE":
        raise BusinessError(VALIDATOR, "La structure valideuse est inconnue ou inactive.")
    ctx.store.update_invoice(invoice["id"], validator_id=validator["idStructureCPP"])
    status = works_flow.arrive(ctx.store, ctx.clock, ctx.store.invoice(invoice["id"]), piece,
                               VALIDEUR, at=ctx.clock.now(), login=ctx.login)
    return _moved(invoice, status)


# Recycling is withdrawn (annexe v6.1 §2: "il ne sera plus possible de recycler une facture";
# a wrong routing is refused and a new piece deposited). The two resources stay in the annex's
# table, so they still answer; no piece can be in a recyclable state any more, so after the
# usual checks every call is a forbidden move (20002) [U: how the real platform answers].
@operation(API + "demander/recyclage")
def demander_recyclage(ctx, body):
    _piece(ctx, body)
    raise works_flow.forbidden()


@operation(API + "recycler")
def recycler(ctx, body):
    _piece(ctx, body)
    raise works_flow.forbidden()
