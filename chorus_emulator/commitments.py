"""Commitments (engagements juridiques) as the new Engagements API shows them, from the same
world entries the legacy ``engagementsJuridiques/v1/rechercher`` reads.

Every choice about this API is [U] (contract-works-and-new-apis §3.3: no public swagger or
client); they are gathered in ``ENGAGEMENTS_CHOICES`` below and listed in the README.

A commitment is consumed by the payment requests charged on it: the earlier ones of the fixture
(``demandesPaiement``, invoices that predate the emulator) and every invoice of the store whose
``numeroBonCommande`` is its number, sent to its issuer (by its supplier when it names one).
"""

import base64
from decimal import Decimal

from chorus_emulator import referentiel as ref
from chorus_emulator import rest
from chorus_emulator.clock import to_paris

# --- [U] choices of the Engagements API, in one place (contract-works-and-new-apis §3.3 and §5
# #13: "verbs and shapes are all [U]"). --------------------------------------------------------
ENGAGEMENTS_CHOICES = {
    # [U] §3.3: the Référentiel moved to /cpro/organisations/v1, so /cpro/engagements/v1.
    "base": "engagements/v1",
    # [U] §3.3's proposed verbs; PUT modifies because POST /engagement creates.
    "verbs": {"exists": "GET", "search": "POST", "create": "POST", "update": "PUT",
              "status": "POST", "get": "GET", "status_history": "GET", "action_history": "GET",
              "download": "GET", "download_attachment": "GET", "attach": "POST",
              "health": "GET"},
    # [U] §3.3: the REST style of the Référentiel (§2.0): bare objects and arrays, errors as
    # [{error, message, detail}], 201 on creation, the same .../recherche filter language. The
    # commitment object is §3.3's proposal (shape() below); attachments reuse the Référentiel's
    # attachment object (fileName, contentType, sizeBytes, attachmentData) with an integer id.
    "style": "referentiel",
    # [U] §3.3: a commitment keeps its legacy integer id (idEngagementJuridique) as {id}, so the
    # two APIs name it alike; attachments keep the integer ids of the attachment store.
    "id": "integer",
    # [U] §3.3: statuses COMMANDE and A_TRAITER are seen [S]; CLOTURE and ANNULE are ours. A
    # created commitment is A_TRAITER until validated; only COMMANDE accepts invoices (as the
    # legacy check of soumettre does).
    "statuses": ("A_TRAITER", "COMMANDE", "CLOTURE", "ANNULE"),
    # [U] §3.3: {operation} of /engagement/{id}/statuts/{operation}, POST, current → new status.
    "operations": {
        "valider": (("A_TRAITER",), "COMMANDE"),
        "cloturer": (("COMMANDE",), "CLOTURE"),
        "annuler": (("A_TRAITER", "COMMANDE"), "ANNULE"),
        "rouvrir": (("CLOTURE",), "COMMANDE"),
    },
    # [U] §3.1 [C: ANNEX change log] codeEngagementJuridique values, BON_DE_COMMANDE [S].
    "types": ("BON_DE_COMMANDE", "BAUX", "DECISIONS_DIVERSES", "LISTE_DE_PRIX", "SUBVENTIONS"),
    # [U] §3.3 "Télécharger engagement" is /piece-jointe/ with a trailing slash: we read the
    # commitment from the query parameter idEngagement and answer a generated PDF.
    "download_parameter": "idEngagement",
    # [U] §3.3: an existence check answers 200 {"numero", "existe"}; /_emulator/config
    # {"commitmentExistence404": true} makes an unknown number a 404 instead.
    "existence": "200",
}
STATUS_OPERATIONS = ENGAGEMENTS_CHOICES["operations"]
TYPES = ENGAGEMENTS_CHOICES["types"]
MAX_NUMBER = 50  # contract §8.3 [S]: a commitment number is at most 50 characters
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # [U] the 10 MB of ajouter/fichier
# [U] an invoice whose payment request is one of these no longer consumes its commitment.
NOT_CONSUMING = ("REJETEE", "SUPPRIMEE", "ABANDONNEE")


def visible(ctx, commitment: dict) -> bool:
    """Its issuer, and the supplier it was given to (every supplier when it names none), as
    the legacy search decides."""
    mine = set(ctx.account.roles)
    supplier = commitment.get("idStructureFournisseur")
    return commitment["idStructureEmettrice"] in mine or supplier in mine | {None}


def visible_commitments(ctx) -> list[dict]:
    return [c for c in ctx.world.commitments if visible(ctx, c)]


def find(ctx, commitment_id: str) -> dict:
    for commitment in visible_commitments(ctx):
        if str(commitment["idEngagementJuridique"]) == commitment_id:
            return commitment
    raise rest.not_found("Engagements", commitment_id)


def issued_by_caller(ctx, commitment: dict) -> None:
    if commitment["idStructureEmettrice"] not in ctx.account.roles:
        raise rest.forbidden("Seule la structure émettrice de l'engagement peut le modifier.")


def payment_requests(ctx, commitment: dict) -> list[dict]:
    """The earlier payment requests of the fixture, then the invoices of the store charged on
    it, oldest first."""
    requests = [{
        "id": p["idDemandePaiement"], "numero": p["numeroDemandePaiement"],
        "type": p.get("typeDemandePaiement", "FACTURE"), "sousType": p.get("sousType"),
        "etatCourant": p["etatCourantDemandePaiement"],
        "dateFournisseur": p.get("dateFournisseur"),
        "montantTtc": p["montantTtcDemandePaiement"],
    } for p in commitment.get("demandesPaiement", [])]
    query = ("SELECT id, numero, type_facture, status, date_facture, montant_ttc FROM invoices "
             "WHERE numero_bon_commande = ? AND recipient_id = ?")
    args = [commitment["numeroEngagementJuridique"], commitment["idStructureEmettrice"]]
    if commitment.get("idStructureFournisseur") is not None:
        query += " AND supplier_id = ?"
        args.append(commitment["idStructureFournisseur"])
    for row in ctx.store.conn.execute(query + " ORDER BY id", args).fetchall():
        requests.append({"id": row["id"], "numero": row["numero"], "type": row["type_facture"],
                         "sousType": None, "etatCourant": row["status"],
                         "dateFournisseur": row["date_facture"],
                         "montantTtc": Decimal(row["montant_ttc"])})
    return requests


def consumed(ctx, commitment: dict) -> Decimal:
    total = Decimal(0)
    for request in payment_requests(ctx, commitment):
        if request["etatCourant"] not in NOT_CONSUMING:
            sign = -1 if request["type"] == "AVOIR" else 1
            total += sign * request["montantTtc"]
    return total


def _party(ctx, structure_id) -> dict | None:
    """A structure as a commitment names it; its uuid leads to the Référentiel."""
    structure = ctx.world.structures.get(structure_id)
    if structure is None:
        return None
    return {"uuid": ref.structure_uuid(structure), "siret": structure["identifiantStructure"],
            "raisonSociale": structure["designationStructure"]}


def shape(ctx, commitment: dict) -> dict:
    """The commitment object: §3.3's proposal (legacy consultation fields under REST names)."""
    issuer = _party(ctx, commitment["idStructureEmettrice"])
    code = commitment.get("codeServiceEmetteur")
    service = ctx.world.service_by_code(commitment["idStructureEmettrice"], code) if code else None
    issuer.update(codeService=code, libelleService=service["libelleService"] if service else None)
    return {
        "id": commitment["idEngagementJuridique"],
        "numero": commitment["numeroEngagementJuridique"],
        "libelle": commitment.get("libelleEngagementJuridique"),
        "type": commitment.get("codeEngagementJuridique", "BON_DE_COMMANDE"),
        "etatCourant": commitment["etatCourantEngagementJuridique"],
        "dateCreation": rest.iso_day(commitment.get("dateCreation")),
        "dateNotification": rest.iso_day(commitment.get("dateNotification")),
        "dateModification": commitment.get("dateModification"),
        "montantTotalTtc": commitment.get("montantEngagementJuridique"),
        "devise": commitment.get("devise", "EUR"),
        "numeroMarche": commitment.get("numeroMarche"),
        "emetteur": issuer,
        "recepteur": _party(ctx, commitment.get("idStructureFournisseur")),
        "lignesPoste": [{"numero": line["numero"], "libelle": line.get("libelle"),
                         "montantTtc": line["montantTtc"], "statut": line.get("statut", "ACTIF")}
                        for line in commitment.get("lignesPoste", [])],
        "demandesPaiement": payment_requests(ctx, commitment),
        "piecesJointes": [attachment_info(ctx, attachment_id)
                          for attachment_id in commitment.get("piecesJointes", [])],
    }


FIELDS = {"id", "numero", "libelle", "type", "etatCourant", "dateCreation", "dateNotification",
          "dateModification", "montantTotalTtc", "devise", "numeroMarche", "emetteur",
          "recepteur", "lignesPoste", "demandesPaiement", "piecesJointes"}


def attachment_info(ctx, attachment_id: int, *, with_data: bool = False) -> dict:
    row = ctx.store.attachment(attachment_id)
    info = {"id": row["id"], "fileName": row["name"], "contentType": row["mime"],
            "sizeBytes": row["size"]}
    if with_data:
        info["attachmentData"] = base64.b64encode(row["content"]).decode("ascii")
    return info


# Histories ------------------------------------------------------------------------------------
def status_history(commitment: dict) -> list[dict]:
    """Newest first; a fixture commitment starts with its current status at its creation."""
    return commitment.get("historiqueStatuts") or [{
        "statut": commitment["etatCourantEngagementJuridique"],
        "date": rest.iso_day(commitment.get("dateCreation")), "auteur": None,
        "commentaire": None}]


def action_history(commitment: dict) -> list[dict]:
    return commitment.get("historiqueActions") or [{
        "action": "CREATION", "date": rest.iso_day(commitment.get("dateCreation")),
        "auteur": None, "commentaire": None}]


def record_action(ctx, commitment: dict, action: str, comment: str | None = None) -> str:
    stamp = rest.iso_seconds(ctx.clock.now())
    commitment["historiqueActions"] = [
        {"action": action, "date": stamp, "auteur": ctx.login, "commentaire": comment},
        *action_history(commitment)]
    commitment["dateModification"] = stamp
    return stamp


def start_history(ctx, commitment: dict) -> None:
    stamp = rest.iso_seconds(ctx.clock.now())
    commitment["historiqueStatuts"] = [{"statut": commitment["etatCourantEngagementJuridique"],
                                        "date": stamp, "auteur": ctx.login, "commentaire": None}]
    commitment["historiqueActions"] = [{"action": "CREATION", "date": stamp,
                                        "auteur": ctx.login, "commentaire": None}]


def set_status(ctx, commitment: dict, status: str, comment: str | None = None) -> None:
    history = status_history(commitment)
    stamp = record_action(ctx, commitment, "CHANGEMENT_STATUT", comment)
    commitment["historiqueStatuts"] = [
        {"statut": status, "date": stamp, "auteur": ctx.login, "commentaire": comment},
        *history]
    commitment["etatCourantEngagementJuridique"] = status


def today(ctx) -> str:
    return to_paris(ctx.clock.now()).strftime("%Y-%m-%d")


def save(ctx) -> None:
    ctx.store.save_world(ctx.world.document)
