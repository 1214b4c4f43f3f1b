"""Recipient and validator sides of the Factures API (contract §5.12–§5.13)."""

from chorus_emulator import documents, invoices, presenters, presenters_detail, rules
from chorus_emulator.clock import day
from chorus_emulator.operations import operation
from chorus_emulator.protocol import (
    OK_FACTURES,
    BusinessError,
    Page,
    get_bool,
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
    with_size = bool(get_bool(body, "recupererTaille"))
    items = [presenters.recipient_summary(ctx.world, ctx.store, row, with_size=with_size)
             for row in rows]
    if not items:
        # contract §5.12 [C]: nothing found is codeRetour 20000 with HTTP 200.
        return {"codeRetour": NO_RESULT, "libelle": NO_RESULT_LIBELLE, "listeFactures": [],
                **pagination}
    return ok(OK_FACTURES, listeFactures=items, **pagination)


@operation("factures/v1/consulter/recipiendaire")
def consulter_recipiendaire(ctx, body):
    invoice = invoices.for_recipient(ctx.store, ctx.account,
                                     get_int(body, "identifiantFactureCPP", required=True))
    return ok(OK_FACTURES, facture=presenters_detail.detail(ctx.world, ctx.store, invoice, body))


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
    return ok(OK_FACTURES, listeFactures=[presenters.validator_summary(ctx.world, r, ctx.account)
                                          for r in rows], parametresRetour=page.info(total))


@operation("factures/v1/consulter/valideur")
def consulter_valideur(ctx, body):
    invoice = invoices.for_validator(ctx.store, ctx.account,
                                     get_int(body, "identifiantFactureCPP", required=True)
                                     if body.get("identifiantFactureCPP") is not None
                                     else get_int(body, "idFacture", required=True))
    return ok(OK_FACTURES, facture=presenters_detail.detail(ctx.world, ctx.store, invoice, body))


# contract §5.13 [U]: of GO's actions only VALIDATION and REFUS are open to a validator (the
# annexe §2.1.4.4 lists "Validée" and "Refusée"); a refusal needs a reason. The level acted at
# is the one the invoice waits at: A_VALIDER_1 for its first validator, A_VALIDER_2 for its
# second.
@operation("factures/v1/traiter/factureAValider")
def traiter_facture_a_valider(ctx, body):
    invoice = invoices.for_validator(ctx.store, ctx.account,
                                     get_int(body, "idFacture", required=True))
    action = get_str(body, "action", required=True)
    if action not in invoices.VALIDATION_OUTCOMES[1]:
        raise BusinessError(INVALID_VALUE, f"L'action {action} n'est pas autorisée pour un "
                                           f"valideur (VALIDATION ou REFUS).")
    level = _waiting_level(ctx.account, invoice)
    if level is None:
        raise BusinessError(rules.FORBIDDEN_TRANSITION, rules.FORBIDDEN_TRANSITION_LIBELLE)
    target = invoices.VALIDATION_OUTCOMES[level][action]
    reason = get_str(body, "motifRefus")
    complement = get_str(body, "complementInfo")
    if action == "REFUS":
        rules.check_motif(target, reason, required_for=(target,))
    comment = " - ".join(part for part in (reason, complement) if part) or None
    invoices.set_status(ctx.store, ctx.clock, invoice, target, comment=comment, login=ctx.login)
    return ok(OK_FACTURES, idFacture=invoice["id"], numeroFacture=invoice["numero"],
              dateTraitement=day(ctx.clock.now()), statutFacture=target)


def _waiting_level(account, invoice) -> int | None:
    if invoice["status"] == "A_VALIDER_1" and account.has_role(invoice["validator_id"],
                                                               "VALIDATEUR"):
        return 1
    if invoice["status"] == "A_VALIDER_2" and account.has_role(invoice["validator2_id"],
                                                               "VALIDATEUR"):
        return 2
    return None


# contract §5.13 [U]: the statuses in which a validator finds invoices, both levels.
VISIBLE_TO_VALIDATORS = ("A_VALIDER_1", "VALIDEE_1", "REFUSEE_1", "A_VALIDER_2", "VALIDEE_2",
                         "REFUSEE_2")


@operation("factures/v1/recuperer/statutsFactureVisibles/valideur")
def statuts_visibles_valideur(ctx, body):
    statuses = VISIBLE_TO_VALIDATORS if ctx.account.structures_with("VALIDATEUR") else ()
    return ok(OK_FACTURES, listeStatutFacture=[{"codeStatutFacture": s} for s in statuses])
