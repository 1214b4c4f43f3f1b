"""Transverses API (contract §3)."""

from chorus_emulator import documents, flows, rules
from chorus_emulator.operations import operation
from chorus_emulator.protocol import (
    OK_FACTURES,
    OK_TRANSVERSES,
    BusinessError,
    decode_base64,
    get_int,
    get_obj,
    get_str,
    ok,
)
from chorus_emulator.rules import INVALID_VALUE, KNOWN_STATUSES, STRUCTURE_UNKNOWN


@operation("transverses/v1/health-check")
def health_check(ctx, body):
    # contract §3.1 [U]: GO's test answers {"statusCode":"200"}; we add the numeric twin.
    return {"statusCode": "200", "statusCodeValue": 200}


@operation("transverses/v1/ajouter/fichier")
def ajouter_fichier(ctx, body):
    encoded = get_str(body, "pieceJointeFichier", required=True)
    name = get_str(body, "pieceJointeNom", required=True)
    mime = get_str(body, "pieceJointeTypeMime") or "application/octet-stream"
    if len(mime) > 255:
        raise BusinessError(INVALID_VALUE, "Le type MIME ne doit pas dépasser 255 caractères.")
    # Check the declared size before decoding: base64 is 4/3 of the content.
    if len(encoded) * 3 // 4 > rules.MAX_ATTACHMENT_BYTES + 3:
        rules.check_attachment(name, None, len(encoded) * 3 // 4)
    content = decode_base64(encoded, "pieceJointeFichier")
    extension = rules.check_attachment(name, get_str(body, "pieceJointeExtension"), len(content))
    attachment_id = ctx.store.insert_attachment(ctx.login, name, mime, extension, content,
                                                ctx.clock.now())
    return ok(OK_FACTURES, pieceJointeId=attachment_id)


@operation("transverses/v1/recuperer/etats/traitement")
def recuperer_etats_traitement(ctx, body):
    status = get_str(body, "statutCourant", required=True)
    if status not in KNOWN_STATUSES:
        raise BusinessError(INVALID_VALUE, f"Le statut {status} est inconnu.")
    return ok(OK_TRANSVERSES, listeStatutsPossiblesPourTraitement=[
        {"statutPossiblePourTraitement": target} for target in rules.allowed_targets(status)])


def _referentiel(ctx, name):
    return ctx.world.referentiels.get(name, [])


@operation("transverses/v1/recuperer/tauxtva")
def recuperer_taux_tva(ctx, body):
    # contract §3.4/§9.10 [U]: only TVA1 is real; the rest of the fixture's list is made up.
    return ok(OK_TRANSVERSES, listeTauxTva=_referentiel(ctx, "tauxTva"))


@operation("transverses/v1/recuperer/cadrefacturation")
def recuperer_cadre_facturation(ctx, body):
    return ok(OK_TRANSVERSES, listeCadreFacturation=[
        {"codeCadreFacturation": code} for code in _referentiel(ctx, "cadresFacturation")])


@operation("transverses/v1/recuperer/modereglements")
def recuperer_mode_reglements(ctx, body):
    return ok(OK_TRANSVERSES, listeModePaiement=[
        {"modePaiement": mode} for mode in _referentiel(ctx, "modesPaiement")])


@operation("transverses/v1/recuperer/motifs/exonerationtva")
def recuperer_motifs_exoneration(ctx, body):
    return ok(OK_TRANSVERSES, listeMotifsExonerationTva=_referentiel(ctx, "motifsExonerationTva"))


@operation("transverses/v1/recuperer/motifs/refus/Facture/AValider")
def recuperer_motifs_refus(ctx, body):
    return ok(OK_TRANSVERSES,
              listeMotifRefusFactureAValider=_referentiel(ctx, "motifsRefusFactureAValider"))


@operation("transverses/v1/recuperer/devises")
def recuperer_devises(ctx, body):
    return ok(OK_TRANSVERSES, listeDevises=[{"codeDevise": "EUR", "libelleDevise": "Euro"},
                                            {"codeDevise": "USD", "libelleDevise": "Dollar US"},
                                            {"codeDevise": "CHF",
                                             "libelleDevise": "Franc suisse"}])


@operation("transverses/v1/recuperer/modedepot")
def recuperer_mode_depot(ctx, body):
    return ok(OK_TRANSVERSES, listeModeDepot=[{"modeDepot": m} for m in rules.MODES_DEPOT])


@operation("transverses/v1/recuperer/formatflux")
def recuperer_format_flux(ctx, body):
    return ok(OK_TRANSVERSES, listeFormatFlux=[{"formatFlux": f} for f in flows.SYNTAXES])


@operation("transverses/v1/recuperer/coordbanc/valides")
def recuperer_coordonnees_bancaires(ctx, body):
    structure_id = get_int(body, "idStructure", required=True)
    structure = ctx.world.structures.get(structure_id)
    if structure is None or structure_id not in ctx.account.roles:
        raise BusinessError(STRUCTURE_UNKNOWN, f"La structure {structure_id} est inconnue ou "
                                               f"n'est pas rattachée au compte.")
    banks = [{"idCoordonneeBancaire": b["idCoordonneeBancaire"],
              "nomCoordonneeBancaire": b["nomCoordonneeBancaire"],
              "iban": b.get("iban"), "bic": b.get("bic")}
             for b in structure.get("listeCoordonneeBancaire", [])]
    # contract §3.7: ZMOG shows the pagination fields at the top level for this operation.
    return ok(OK_TRANSVERSES, listeCoordonneeBancaire=banks, pageCourante=1,
              pages=1 if banks else 0, nbResultatsParPage=max(len(banks), 1), total=len(banks))


def _active_structures(ctx, role):
    return ok(OK_TRANSVERSES, listeStructures=[
        {"idStructureCPP": sid, "identifiant": ctx.world.structures[sid]["identifiantStructure"],
         "designationStructure": ctx.world.structures[sid]["designationStructure"]}
        for sid in ctx.account.structures_with(role)
        if ctx.world.structures[sid]["statut"] == "ACTIVE"])


@operation("transverses/v1/recuperer/structures/actives/fournisseur")
def structures_actives_fournisseur(ctx, body):
    return _active_structures(ctx, "FOURNISSEUR")


@operation("transverses/v1/recuperer/structures/actives/destinataire")
def structures_actives_destinataire(ctx, body):
    return _active_structures(ctx, "DESTINATAIRE")


@operation("transverses/v1/consulterCR")
def consulter_cr(ctx, body):
    return flows.report(ctx, get_str(body, "numeroFluxDepot", required=True), detailed=False)


@operation("transverses/v1/consulterCRDetaille")
def consulter_cr_detaille(ctx, body):
    return flows.report(ctx, get_str(body, "numeroFluxDepot", required=True), detailed=True)


@operation("transverses/v1/telecharger/pieceJointe")
def telecharger_piece_jointe(ctx, body):
    kind = get_str(body, "objetPieceJointe") or "DEMANDE_PAIEMENT"
    if kind != "DEMANDE_PAIEMENT":
        raise BusinessError(INVALID_VALUE, f"Le téléchargement de pièces jointes de type {kind} "
                                           f"n'est pas pris en charge par l'émulateur.")
    request = get_obj(body, "demandePaiement", required=True)
    result = documents.download(ctx, request, flip_download=False)
    if not isinstance(result, dict):
        return result
    return ok(OK_TRANSVERSES, pieceJointe=result["fichierResultat"])
