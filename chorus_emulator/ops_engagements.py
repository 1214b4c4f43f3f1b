"""Engagements API (contract-works-and-new-apis §3.3, ANNEX version 16/07/2025): the 12 resources
of ANNEX table §4.1 under ``/cpro/engagements/v1`` [U], in the Référentiel's REST style [U].
Every [U] choice is in ``commitments.ENGAGEMENTS_CHOICES``.

Reads are open to the issuer and the supplier of a commitment; writes (create, modify, change a
status, attach a document) to its issuer, the public structure the account is attached to.
"""

import base64
import binascii

from chorus_emulator import commitments as ej
from chorus_emulator import documents, rest, rest_search
from chorus_emulator.operations import RawResponse, resource

BASE = ej.ENGAGEMENTS_CHOICES["base"]
VERBS = ej.ENGAGEMENTS_CHOICES["verbs"]
MAX_TEXT = 255


@resource(VERBS["health"], f"{BASE}/engagement/healthcheck")
def healthcheck(ctx, request):
    # [U] as the Référentiel's /healthcheck: 200 with an empty body.
    return RawResponse(200, None)


@resource(VERBS["exists"], f"{BASE}/engagement/referentiel/{{numero}}/existence")
def verifier_existence(ctx, request):
    number = request.params["numero"]
    exists = any(c["numeroEngagementJuridique"] == number for c in ej.visible_commitments(ctx))
    if not exists and ctx.app.config.commitment_existence_404:
        raise rest.RestError(404, rest.NOT_FOUND, "Aucun Engagements trouvé",
                             f"Aucune donnée de type Engagements n'a pu être trouvée avec la "
                             f"référence {number}")
    return {"numero": number, "existe": exists}


@resource(VERBS["search"], f"{BASE}/engagement/recherche")
def rechercher(ctx, request):
    shapes = [ej.shape(ctx, c) for c in sorted(ej.visible_commitments(ctx),
                                               key=lambda c: c["idEngagementJuridique"])]
    return rest_search.run(shapes, request.body, ej.FIELDS)


@resource(VERBS["get"], f"{BASE}/engagement/{{id}}")
def consulter(ctx, request):
    return ej.shape(ctx, ej.find(ctx, request.params["id"]))


@resource(VERBS["status_history"], f"{BASE}/engagement/{{id}}/statuts")
def historique_statuts(ctx, request):
    return ej.status_history(ej.find(ctx, request.params["id"]))


@resource(VERBS["action_history"], f"{BASE}/engagement/{{id}}/actions")
def historique_actions(ctx, request):
    return ej.action_history(ej.find(ctx, request.params["id"]))


def _lines(body: dict) -> list[dict] | None:
    if body.get("lignesPoste") is None:
        return None
    lines = []
    for position, line in enumerate(rest.items(body, "lignesPoste"), start=1):
        number = line.get("numero", position)
        if isinstance(number, bool) or not isinstance(number, int):
            raise rest.bad_request("Le numéro d'une ligne de poste doit être un entier.")
        lines.append({"numero": number,
                      "libelle": rest.text(line, "libelle", max_length=MAX_TEXT),
                      "montantTtc": rest.amount(line, "montantTtc", required=True),
                      "statut": "ACTIF"})
    return lines


def _check_lines(lines: list[dict] | None, total) -> None:
    if lines and sum(line["montantTtc"] for line in lines) != total:
        raise rest.bad_request("La somme des lignes de poste doit être égale au montant total "
                               "TTC de l'engagement.", rest.BUSINESS_RULE)


def _supplier(ctx, body: dict) -> int | None:
    siret = rest.text(rest.obj(body, "recepteur"), "siret")
    if siret is None:
        return None
    structure = ctx.world.structures_by_siret.get(siret)
    if structure is None:
        raise rest.not_found("Structures", siret)
    return structure["idStructureCPP"]


def _service_code(ctx, issuer_id: int, body: dict) -> str | None:
    code = rest.text(rest.obj(body, "emetteur"), "codeService")
    if code is not None and ctx.world.service_by_code(issuer_id, code) is None:
        raise rest.not_found("Services", code)
    return code


def _choice(value, allowed, name):
    if value is not None and value not in allowed:
        raise rest.bad_request(f"La valeur {value} n'est pas autorisée pour {name} "
                               f"({', '.join(allowed)}).")
    return value


@resource(VERBS["create"], f"{BASE}/engagement")
def creer(ctx, request):
    """[U] body: ``numero``, ``montantTotalTtc``, ``emetteur.siret`` (a public structure of the
    account) required; ``libelle``, ``type``, ``devise``, ``dateNotification``, ``numeroMarche``,
    ``emetteur.codeService``, ``recepteur.siret``, ``lignesPoste[{numero, libelle, montantTtc}]``
    optional. 201 with the commitment, status A_TRAITER."""
    body = request.body
    number = rest.text(body, "numero", required=True, max_length=ej.MAX_NUMBER)
    total = rest.amount(body, "montantTotalTtc", required=True)
    issuer = ctx.world.structures_by_siret.get(
        rest.text(rest.obj(body, "emetteur"), "siret", required=True))
    if issuer is None or issuer["typeStructure"] != "PUBLIQUE":
        raise rest.bad_request("L'émetteur d'un engagement doit être une structure publique "
                               "connue.", rest.NOT_FOUND)
    if issuer["idStructureCPP"] not in ctx.account.roles:
        raise rest.forbidden("Le compte n'est pas rattaché à la structure émettrice.")
    lines = _lines(body)
    _check_lines(lines, total)
    if ctx.world.commitment(number) is not None:
        raise rest.bad_request(f"L'engagement {number} existe déjà.", rest.ALREADY_EXISTS)
    commitment = {
        "idEngagementJuridique": max((c["idEngagementJuridique"] for c in ctx.world.commitments),
                                     default=41000000) + 1,
        "numeroEngagementJuridique": number,
        "idStructureEmettrice": issuer["idStructureCPP"],
        "codeServiceEmetteur": _service_code(ctx, issuer["idStructureCPP"], body),
        "idStructureFournisseur": _supplier(ctx, body),
        "etatCourantEngagementJuridique": "A_TRAITER",
        "montantEngagementJuridique": total,
        "libelleEngagementJuridique": rest.text(body, "libelle", max_length=MAX_TEXT),
        "dateCreation": ej.today(ctx),
        "codeEngagementJuridique": _choice(rest.text(body, "type"), ej.TYPES, "type")
        or "BON_DE_COMMANDE",
        "dateNotification": rest.moment(body, "dateNotification"),
        "devise": rest.text(body, "devise", max_length=3) or "EUR",
        "numeroMarche": rest.text(body, "numeroMarche", max_length=MAX_TEXT),
        "lignesPoste": lines or [],
    }
    ej.start_history(ctx, commitment)
    stored = ctx.world.document.setdefault("engagementsJuridiques", [])
    stored.append(commitment)
    if ctx.world.commitments is not stored:  # build_world keeps its own list of the same dicts
        ctx.world.commitments.append(commitment)
    ej.save(ctx)
    return rest.created(ej.shape(ctx, commitment))


@resource(VERBS["update"], f"{BASE}/engagement")
def modifier(ctx, request):
    """[U] body: ``id`` and the fields to change among ``libelle``, ``montantTotalTtc``,
    ``dateNotification``, ``numeroMarche``, ``emetteur.codeService``, ``recepteur.siret``,
    ``lignesPoste`` (replaced as a whole). The number and the issuer never change; the total
    may not fall below what invoices already consumed."""
    body = request.body
    commitment_id = body.get("id")
    if commitment_id is None:
        raise rest.bad_request("Le paramètre id est obligatoire.", rest.MISSING_PARAMETER)
    commitment = ej.find(ctx, str(commitment_id))
    ej.issued_by_caller(ctx, commitment)
    if commitment["etatCourantEngagementJuridique"] not in ("A_TRAITER", "COMMANDE"):
        raise rest.bad_request("Un engagement clôturé ou annulé ne peut plus être modifié.",
                               rest.INVALID_STATUS)
    number = rest.text(body, "numero")
    if number is not None and number != commitment["numeroEngagementJuridique"]:
        raise rest.bad_request("Le numéro d'un engagement ne peut pas être modifié.")
    total = rest.amount(body, "montantTotalTtc")
    total = commitment["montantEngagementJuridique"] if total is None else total
    lines = _lines(body)
    _check_lines(lines if lines is not None else commitment.get("lignesPoste"), total)
    if total < ej.consumed(ctx, commitment):
        raise rest.bad_request("Le montant de l'engagement ne peut pas être inférieur au "
                               "montant déjà consommé par les factures.", rest.BUSINESS_RULE)
    changes = {
        "montantEngagementJuridique": total,
        "libelleEngagementJuridique": rest.text(body, "libelle", max_length=MAX_TEXT),
        "dateNotification": rest.moment(body, "dateNotification"),
        "numeroMarche": rest.text(body, "numeroMarche", max_length=MAX_TEXT),
        "lignesPoste": lines,
    }
    if "emetteur" in body:
        changes["codeServiceEmetteur"] = _service_code(ctx, commitment["idStructureEmettrice"],
                                                       body)
    if "recepteur" in body:
        changes["idStructureFournisseur"] = _supplier(ctx, body)
    commitment.update({key: value for key, value in changes.items()
                       if value is not None or key in ("codeServiceEmetteur",
                                                       "idStructureFournisseur")})
    ej.record_action(ctx, commitment, "MODIFICATION", rest.text(body, "commentaire"))
    ej.save(ctx)
    return ej.shape(ctx, commitment)


@resource(VERBS["status"], f"{BASE}/engagement/{{id}}/statuts/{{operation}}")
def modifier_statut(ctx, request):
    commitment = ej.find(ctx, request.params["id"])
    ej.issued_by_caller(ctx, commitment)
    operation = request.params["operation"]
    if operation not in ej.STATUS_OPERATIONS:
        raise rest.bad_request(f"Opération {operation} inconnue ; opérations possibles : "
                               f"{', '.join(ej.STATUS_OPERATIONS)}.")
    sources, target = ej.STATUS_OPERATIONS[operation]
    current = commitment["etatCourantEngagementJuridique"]
    if current not in sources:
        raise rest.bad_request(f"L'opération {operation} n'est pas possible pour un engagement "
                               f"au statut {current}.", rest.INVALID_STATUS)
    if target == "ANNULE" and ej.consumed(ctx, commitment) > 0:
        raise rest.bad_request("Un engagement déjà consommé par des factures ne peut pas être "
                               "annulé ; clôturez-le.", rest.INVALID_STATUS)
    ej.set_status(ctx, commitment, target, rest.text(request.body, "commentaire",
                                                     max_length=MAX_TEXT))
    ej.save(ctx)
    return ej.shape(ctx, commitment)


# Documents ------------------------------------------------------------------------------------
def _commitment_pdf(ctx, commitment: dict) -> bytes:
    data = ej.shape(ctx, commitment)

    def draw(page):
        rows = [f"Engagement juridique {data['numero']} ({data['type']})",
                f"Émetteur : {data['emetteur']['raisonSociale']} ({data['emetteur']['siret']})",
                f"Fournisseur : {(data['recepteur'] or {}).get('raisonSociale') or 'tous'}",
                f"Statut : {data['etatCourant']}",
                f"Montant TTC : {data['montantTotalTtc']} {data['devise']}",
                *(f"  Ligne {line['numero']} : {line['libelle'] or '-'} {line['montantTtc']}"
                  for line in data["lignesPoste"][:30]),
                "Document généré par l'émulateur Chorus Pro."]
        for row, text in enumerate(rows):
            page.drawString(50, 800 - 18 * row, text)
    return documents._pdf(draw)


@resource(VERBS["download"], f"{BASE}/piece-jointe")
def telecharger_engagement(ctx, request):
    parameter = ej.ENGAGEMENTS_CHOICES["download_parameter"]
    commitment_id = request.query.get(parameter)
    if not commitment_id:
        raise rest.bad_request(f"Le paramètre {parameter} est obligatoire.",
                               rest.MISSING_PARAMETER)
    commitment = ej.find(ctx, commitment_id)
    content = _commitment_pdf(ctx, commitment)
    return {"id": None, "fileName": f"{commitment['numeroEngagementJuridique']}.pdf",
            "contentType": "application/pdf", "sizeBytes": len(content),
            "attachmentData": base64.b64encode(content).decode("ascii")}


@resource(VERBS["download_attachment"], f"{BASE}/piece-jointe/{{id}}")
def telecharger_piece_jointe(ctx, request):
    attachment_id = request.params["id"]
    for commitment in ej.visible_commitments(ctx):
        if attachment_id in {str(i) for i in commitment.get("piecesJointes", [])}:
            return ej.attachment_info(ctx, int(attachment_id), with_data=True)
    raise rest.not_found("PiecesJointes", attachment_id)


@resource(VERBS["attach"], f"{BASE}/piece-jointe")
def ajouter_piece_jointe(ctx, request):
    """[U] body ``{idEngagement, fileName, contentType, attachmentData (base64)}``, the
    Référentiel's attachment shape; 201 with the attachment without its data."""
    body = request.body
    commitment_id = body.get("idEngagement")
    if commitment_id is None:
        raise rest.bad_request("Le paramètre idEngagement est obligatoire.",
                               rest.MISSING_PARAMETER)
    commitment = ej.find(ctx, str(commitment_id))
    ej.issued_by_caller(ctx, commitment)
    name = rest.text(body, "fileName", required=True, max_length=MAX_TEXT)
    mime = rest.text(body, "contentType", max_length=MAX_TEXT) or "application/octet-stream"
    encoded = rest.text(body, "attachmentData", required=True)
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise rest.bad_request("attachmentData n'est pas du base64 valide.") from error
    if len(content) > ej.MAX_ATTACHMENT_BYTES:
        raise rest.bad_request("La pièce jointe dépasse 10 Mo.", rest.BUSINESS_RULE)
    extension = name.rsplit(".", 1)[1].upper() if "." in name else ""
    attachment_id = ctx.store.insert_attachment(ctx.login, name, mime, extension, content,
                                                ctx.clock.now())
    commitment.setdefault("piecesJointes", []).append(attachment_id)
    ej.record_action(ctx, commitment, "AJOUT_PIECE_JOINTE", name)
    ej.save(ctx)
    return rest.created({**ej.attachment_info(ctx, attachment_id),
                         "idEngagement": commitment["idEngagementJuridique"]})
