"""Transverses API (contract §3)."""

from chorus_emulator import flows, rules
from chorus_emulator.operations import operation
from chorus_emulator.protocol import (
    OK_FACTURES,
    OK_TRANSVERSES,
    BusinessError,
    decode_base64,
    get_str,
    ok,
)
from chorus_emulator.rules import INVALID_VALUE, KNOWN_STATUSES


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


@operation("transverses/v1/consulterCR")
def consulter_cr(ctx, body):
    return flows.report(ctx, get_str(body, "numeroFluxDepot", required=True), detailed=False)


@operation("transverses/v1/consulterCRDetaille")
def consulter_cr_detaille(ctx, body):
    return flows.report(ctx, get_str(body, "numeroFluxDepot", required=True), detailed=True)
