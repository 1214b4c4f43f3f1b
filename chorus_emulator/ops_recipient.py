"""Recipient and validator sides of the Factures API (contract §5.12–§5.13)."""

from chorus_emulator import documents, invoices, presenters, rules
from chorus_emulator.clock import day
from chorus_emulator.operations import operation
from chorus_emulator.protocol import (
    OK_FACTURES,
    BusinessError,
    Page,
    get_int,
    get_obj,
    get_str,
    ok,
)
from chorus_emulator.rules import INVALID_VALUE, KNOWN_STATUSES, NO_RESULT, NO_RESULT_LIBELLE
from chorus_emulator.search import search


@operation("factures/v1/rechercher/recipiendaire")
def rechercher_recipiendaire(ctx, body):
    page = Page(get_obj(body, "paramRecherche"))
    # typeDemandePaiement FACTURE or FACTURE_TRAVAUX: see works_rules.payment_request_clause.
    rows, total = search(ctx.store, ctx.account, "recipient", body, page)
    # contract §2/§5.12 [C]: pagination at the top level for this operation only.
    pagination = page.info(total)
    items = [presenters.recipient_summary(ctx.world, r) for r in rows]
    if not items:
        # contract §5.12 [C]: nothing found is codeRetour 20000 with HTTP 200.
        return {"codeRetour": NO_RESULT, "libelle": NO_RESULT_LIBELLE, "listeFactures": [],
                **pagination}
    return ok(OK_FACTURES, listeFactures=items, **pagination)


@operation("factures/v1/consulter/recipiendaire")
def consulter_recipiendaire(ctx, body):
    invoice = invoices.for_recipient(ctx.store, ctx.account,
                                     get_int(body, "identifiantFactureCPP", required=True))
    return ok(OK_FACTURES, facture=presenters.detail(ctx.world, ctx.store, invoice))


@operation("factures/v1/traiter/recue")
def traiter_recue(ctx, body):
    invoice = invoices.for_recipient(ctx.store, ctx.account,
                                     get_int(body, "idFacture", required=True))
    target = get_str(body, "nouveauStatut", required=True)
    if target not in KNOWN_STATUSES:
        raise BusinessError(INVALID_VALUE, f"Le statut {target} est inconnu.")
    motif = get_str(body, "motif")
    rules.check_transition(invoice["status"], target)
    rules.check_motif(target, motif)
    updates = {}
    if target == "MANDATEE":
        # contract §5.12 [S]: the mandate number travels only with MANDATEE.
        updates["numero_dp_mandat"] = get_str(body, "numeroDPMandat")
    invoices.set_status(ctx.store, ctx.clock, invoice, target, comment=motif, login=ctx.login,
                        **updates)
    return ok(OK_FACTURES, idFacture=invoice["id"], numeroFacture=invoice["numero"],
              dateTraitement=day(ctx.clock.now()), nouveauStatut=target)


@operation("factures/v1/telecharger/groupe")
def telecharger_groupe(ctx, body):
    result = documents.download(ctx, body, flip_download=True)
    return ok(OK_FACTURES, **result) if isinstance(result, dict) else result


# Validator ------------------------------------------------------------------------------------
@operation("factures/v1/rechercher/valideur")
def rechercher_valideur(ctx, body):
    # contract §5.13 [U]: the pagination object's name is unsure ("pagination" in GO).
    page = Page(get_obj(body, "pagination") or get_obj(body, "rechercheFactureParValideur")
                or get_obj(body, "paramRecherche"))
    rows, total = search(ctx.store, ctx.account, "validator", body, page)
    # [U] an empty validator search answers codeRetour 0 with an empty list.
    return ok(OK_FACTURES, listeFactures=[presenters.validator_summary(ctx.world, r)
                                          for r in rows], parametresRetour=page.info(total))


@operation("factures/v1/consulter/valideur")
def consulter_valideur(ctx, body):
    invoice = invoices.for_validator(ctx.store, ctx.account,
                                     get_int(body, "identifiantFactureCPP", required=True)
                                     if body.get("identifiantFactureCPP") is not None
                                     else get_int(body, "idFacture", required=True))
    return ok(OK_FACTURES, facture=presenters.detail(ctx.world, ctx.store, invoice))


# contract §5.13 [U]: of GO's actions only VALIDATION and REFUS are open to a validator (the
# annexe §2.1.4.4 lists "Validée" and "Refusée"); a refusal needs a reason.
VALIDATOR_ACTIONS = {"VALIDATION": "VALIDEE_1", "REFUS": "REFUSEE_1"}


@operation("factures/v1/traiter/factureAValider")
def traiter_facture_a_valider(ctx, body):
    invoice = invoices.for_validator(ctx.store, ctx.account,
                                     get_int(body, "idFacture", required=True))
    action = get_str(body, "action", required=True)
    if action not in VALIDATOR_ACTIONS:
        raise BusinessError(INVALID_VALUE, f"L'action {action} n'est pas autorisée pour un "
                                           f"valideur (VALIDATION ou REFUS).")
    if invoice["status"] != "A_VALIDER_1":
        raise BusinessError(rules.FORBIDDEN_TRANSITION, rules.FORBIDDEN_TRANSITION_LIBELLE)
    reason = get_str(body, "motifRefus")
    complement = get_str(body, "complementInfo")
    if action == "REFUS":
        rules.check_motif("REFUSEE_1", reason, required_for=("REFUSEE_1",))
    target = VALIDATOR_ACTIONS[action]
    comment = " - ".join(part for part in (reason, complement) if part) or None
    invoices.set_status(ctx.store, ctx.clock, invoice, target, comment=comment, login=ctx.login)
    return ok(OK_FACTURES, idFacture=invoice["id"], numeroFacture=invoice["numero"],
              dateTraitement=day(ctx.clock.now()), statutFacture=target)


@operation("factures/v1/recuperer/statutsFactureVisibles/valideur")
def statuts_visibles_valideur(ctx, body):
    return ok(OK_FACTURES, listeStatutFacture=[
        {"codeStatutFacture": s} for s in ("A_VALIDER_1", "VALIDEE_1", "REFUSEE_1")])
