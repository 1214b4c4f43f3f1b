"""Factures ``rechercher/demandePaiement`` (contract §5.14 [S: GO]): payment requests of every
space the caller works in, live or archived, in one search.

[U] GO shows no pagination for this operation: the emulator reads an optional ``pagination``
object (default: 10 000 at once) and answers ``parametresRetour`` besides each item's
``nombreResultatTotal``. The emulator archives nothing, so ``DP_ARCHIVE`` finds nothing; works
invoices (``FACTURE_TRAVAUX``) are not its payment requests either. The real operation does not
work in qualification (contract §11.12); the emulator answers anyway.
"""

from chorus_emulator.clock import iso_ms
from chorus_emulator.operations import operation
from chorus_emulator.presenters import invoice_fields, structure_of
from chorus_emulator.protocol import (
    MAX_PAGE_SIZE,
    OK_FACTURES,
    BusinessError,
    Page,
    get_obj,
    get_str,
    ok,
)
from chorus_emulator.rules import INVALID_VALUE
from chorus_emulator.search import search

SIDES_OF_ROLE = {"FOURNISSEUR": ("supplier",), "DESTINATAIRE": ("recipient",),
                 "VALIDATEUR": ("validator",)}
EVERY_SIDE = ("supplier", "recipient", "validator")


def _filters(body: dict) -> dict:
    """The payment-request filters under the names the invoice searches read."""
    filters = {key: body[key] for key in (
        "numeroFacture", "typeFacture", "cadreFacturation", "numeroBonCommande", "numeroMarche",
        "periodeDateDepotDu", "periodeDateDepotAu", "periodeDateHeureEtatCourantDu",
        "periodeDateHeureEtatCourantAu", "montantHTMin", "montantHTMax", "montantTTCMin",
        "montantTTCMax", "montantAPayerMin", "montantAPayerMax") if body.get(key) is not None}
    status = get_str(body, "statutCourant")
    if status:
        filters["statutCourant"] = [status]
    # The supplier's date is the invoice's date.
    for suffix in ("Du", "Au"):
        if body.get(f"periodeDateFournisseur{suffix}") is not None:
            filters[f"periodeDateFacture{suffix}"] = body[f"periodeDateFournisseur{suffix}"]
    for part, key, target in (("structureFournisseur", "idStructureFournisseur", "idFournisseur"),
                              ("structureDestinataire", "idStructureDestinataire",
                               "idDestinataire"),
                              ("structureValideur", "idStructureValideur",
                               "idStructureValideur")):
        value = get_obj(body, part).get(key)
        if value is not None:
            filters[target] = value
    for key, target in (("idServiceFournisseur", "idServiceFournisseur"),
                        ("idServiceDestinataire", "idServiceExecutant")):
        if body.get(key) is not None:
            filters[target] = body[key]
    return filters


def _item(world, invoice, total: int) -> dict:
    fields = invoice_fields(world, invoice)
    return {
        "idDemandePaiement": invoice["id"], "numeroDemandePaiement": invoice["numero"],
        "typeDemandePaiement": "FACTURE", "typeFacture": invoice["type_facture"],
        "typeFactureTravaux": None, "cadreFacturation": invoice["cadre"],
        "dpOuDpArchive": "DEMANDE_PAIEMENT", "etatCourant": invoice["status"],
        "dateHeureEtatCourant": iso_ms(invoice["status_at"]),
        "commentaireEtatCourant": invoice["status_comment"],
        "dateDepot": fields["dateDepot"], "dateFournisseur": invoice["date_facture"],
        "idStructureFournisseur": invoice["supplier_id"],
        "identifiantStructureFournisseur": fields["codeFournisseur"],
        "idServiceFournisseur": invoice["supplier_service_id"],
        "idStructureDestinataire": invoice["recipient_id"],
        "identifiantStructureDestinataire": fields["codeDestinataire"],
        "idServiceDestinataire": invoice["service_id"],
        "codeServiceDestinataire": fields["codeServiceExecutant"],
        "nomServiceDestinataire": fields["nomServiceExecutant"],
        "idStructureValideur1": structure_of(world, invoice["validator_id"]).get(
            "idStructureCPP"),
        "idStructureValideur2": structure_of(world, invoice["validator2_id"]).get(
            "idStructureCPP"),
        "idStructureMoa": None, "idStructureMoe": None, "idServiceMoa": None,
        "idServiceMoe": None, "idDossierFacturation": None, "numeroDossierFacturation": None,
        "montantHT": fields["montantHT"], "montantTTC": fields["montantTTC"],
        "montantAPayer": fields["montantAPayer"],
        "numeroBonCommande": invoice["numero_bon_commande"],
        "numeroMarche": invoice["numero_marche"],
        "numeroFactureOrigine": None, "numeroDpMandat": invoice["numero_dp_mandat"],
        # GO types this one as a string.
        "nombreResultatTotal": str(total),
    }


@operation("factures/v1/rechercher/demandePaiement")
def rechercher_demande_paiement(ctx, body):
    role = get_str(body, "roleUtilisateur")
    if role is not None and role not in (*SIDES_OF_ROLE, "MOE", "MOA"):
        raise BusinessError(INVALID_VALUE, f"Le rôle {role} est inconnu.")
    archive = get_str(body, "dpOuDpArchive")
    if archive not in (None, "DEMANDE_PAIEMENT", "DP_ARCHIVE"):
        raise BusinessError(INVALID_VALUE, f"La valeur {archive} n'est pas autorisée pour "
                                           f"dpOuDpArchive (DEMANDE_PAIEMENT ou DP_ARCHIVE).")
    kind = get_str(body, "typeDemandePaiement")
    page = Page(get_obj(body, "pagination"), default_size=MAX_PAGE_SIZE)
    found: dict[int, object] = {}
    if archive != "DP_ARCHIVE" and kind in (None, "FACTURE"):
        filters = _filters(body)
        everything = Page({"nbResultatsParPage": MAX_PAGE_SIZE})
        for side in SIDES_OF_ROLE.get(role, () if role else EVERY_SIDE):
            rows, _ = search(ctx.store, ctx.account, side, filters, everything)
            found.update((row["id"], row) for row in rows)
    rows = [found[key] for key in sorted(found)]
    return ok(OK_FACTURES, listeDemandePaiement=[_item(ctx.world, row, len(rows))
                                                 for row in page.slice(rows)],
              parametresRetour=page.info(len(rows)))
