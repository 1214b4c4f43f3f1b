"""Transverses API, attachments (contract §3.9, §3.13): search the caller's own files and its
structures' files, and download the files of any object ``telecharger/pieceJointe`` names.

The world's structures list their documents under ``piecesJointes``; their content, like a
commitment's or a bank account's RIB, is a generated one-page PDF [U]: only the names exist.
"""

import base64

from chorus_emulator import documents
from chorus_emulator.operations import operation
from chorus_emulator.protocol import (
    OK_TRANSVERSES,
    BusinessError,
    Page,
    get_int,
    get_obj,
    get_str,
    ok,
)
from chorus_emulator.referentiels import localized
from chorus_emulator.rules import COMMITMENT_UNKNOWN, INVALID_VALUE, STRUCTURE_UNKNOWN

# [U] what ajouter/fichier stores is the account's own file: typeObjet UTILISATEUR.
ACCOUNT_FILE_TYPE = "UTILISATEUR_PJ"
# contract §3.9 [S: GO]: objetPieceJointe values.
OBJECTS = ("DEMANDE_PAIEMENT", "ENGAGEMENT_JURIDIQUE", "SOLLICITATION", "STRUCTURE_PIECEJOINTE",
           "STRUCTURE_MANDAT", "STRUCTURE_COORDONNEE_BANCAIRE", "UTILISATEUR")


def user_id(ctx) -> int:
    """[U] Chorus Pro numbers its users; a technical account's number is its rank in the world."""
    logins = [account["login"] for account in ctx.world.document.get("comptesTechniques", [])]
    return 91000001 + logins.index(ctx.login)


def _attachment_type(ctx, *, code: str | None = None, type_id: int | None = None) -> dict:
    types = localized(ctx.world.referentiels.get("typesPieceJointe", []))
    return next((t for t in types if t["codeTypePieceJointe"] == code
                 or t["idTypePieceJointe"] == type_id), {})


def _filtered(body: dict, found: list[tuple[dict, int | None]]) -> list[dict]:
    """The (item, its type id) pairs that match the search's designation and type."""
    designation = (get_str(body, "pieceJointeDesignation") or "").casefold()
    # GO always sends pieceJointeTypeId, 0 when it means "any type".
    wanted_type = get_int(body, "pieceJointeTypeId")
    return [item for item, type_id in found
            if designation in (item["pieceJointeDesignation"] or "").casefold()
            and wanted_type in (None, 0, type_id)]


def _account_files(ctx) -> list:
    with ctx.store.lock:
        return ctx.store.conn.execute(
            "SELECT id, name, extension, mime, content FROM attachments WHERE owner = ? "
            "ORDER BY id", (ctx.login,)).fetchall()


@operation("transverses/v1/rechercher/pj/moncompte")
def rechercher_pj_mon_compte(ctx, body):
    """contract §3.13 [S: GO]: the files of the caller's account, i.e. what it stored with
    ajouter/fichier (deposer/pdf too). [U] pieceJointeObjetId is the file's own id."""
    page = Page(get_obj(body, "parametresRecherche"))
    kind = _attachment_type(ctx, code=ACCOUNT_FILE_TYPE)
    items = _filtered(body, [({
        "pieceJointeId": row["id"], "pieceJointeDesignation": row["name"],
        "pieceJointeExtension": row["extension"], "pieceJointeObjetId": row["id"],
        "pieceJointeTypeCode": kind.get("codeTypePieceJointe"),
        "pieceJointeTypeLibelle": kind.get("libelleTypePieceJointe"),
        "pieceJointeUtilisateurId": user_id(ctx),
    }, kind.get("idTypePieceJointe")) for row in _account_files(ctx)])
    return ok(OK_TRANSVERSES, listePiecesJointes=page.slice(items),
              parametresRetour=page.info(len(items)))


def _own_structure(ctx, structure_id: int | None, identifier: str | None = None) -> dict:
    structure = (ctx.world.structures.get(structure_id) if structure_id is not None
                 else ctx.world.structures_by_siret.get(identifier or ""))
    if structure is None or structure["idStructureCPP"] not in ctx.account.roles:
        shown = structure_id if structure_id is not None else identifier
        raise BusinessError(STRUCTURE_UNKNOWN, f"La structure {shown} est inconnue ou n'est pas "
                                               f"rattachée au compte.")
    return structure


@operation("transverses/v1/rechercher/pj/structure")
def rechercher_pj_structure(ctx, body):
    """contract §3.13 [S: GO]: the documents of a structure the caller is attached to."""
    structure = _own_structure(ctx, get_int(body, "idStructureCPP", required=True))
    page = Page(get_obj(body, "parametresRecherche"))
    found = []
    for piece in structure.get("piecesJointes", []):
        kind = _attachment_type(ctx, type_id=piece.get("idTypePieceJointe"))
        found.append(({
            "pieceJointeId": piece["pieceJointeId"],
            "pieceJointeDesignation": piece["pieceJointeDesignation"],
            "pieceJointeExtension": piece["pieceJointeExtension"],
            "pieceJointeObjetId": structure["idStructureCPP"],
            "pieceJointeStructureId": structure["idStructureCPP"],
            "pieceJointeStructureCode": structure["identifiantStructure"],
            "pieceJointeStructureRaisonSociale": structure.get("raisonSocialeStructure"),
            "pieceJointeTypeCode": kind.get("codeTypePieceJointe"),
            "pieceJointeTypeLibelle": kind.get("libelleTypePieceJointe"),
            "pieceJointeUtilisateurId": None}, kind.get("idTypePieceJointe")))
    items = _filtered(body, found)
    return ok(OK_TRANSVERSES, listePiecesJointes=page.slice(items),
              parametresRetour=page.info(len(items)))


# telecharger/pieceJointe ----------------------------------------------------------------------
def _nothing(what: str) -> BusinessError:
    # [U] no documented code for "no file to download": the value-out-of-list code.
    return BusinessError(INVALID_VALUE, f"Aucune pièce jointe à télécharger pour {what}.")


def _structure_files(ctx, body: dict, kind: str) -> list[tuple[str, bytes]]:
    request = get_obj(body, "structure", required=True)
    structure = _own_structure(ctx, get_int(request, "idStructure"),
                               get_str(request, "identifiantStructure"))
    name = structure["designationStructure"]
    if kind == "STRUCTURE_PIECEJOINTE":
        files = [(f"{piece['pieceJointeDesignation']}.{piece['pieceJointeExtension'].lower()}",
                  documents.text_pdf([piece["pieceJointeDesignation"], name,
                                      structure["identifiantStructure"]]))
                 for piece in structure.get("piecesJointes", [])]
    elif kind == "STRUCTURE_COORDONNEE_BANCAIRE":
        files = [(f"RIB_{bank['idCoordonneeBancaire']}.pdf", documents.text_pdf([
            "Relevé d'identité bancaire", name, bank["nomCoordonneeBancaire"],
            f"IBAN {bank.get('iban') or '-'}", f"BIC {bank.get('bic') or '-'}"]))
                 for bank in structure.get("listeCoordonneeBancaire", [])]
    else:  # STRUCTURE_MANDAT: the world holds no mandate
        files = []
    if not files:
        raise _nothing(f"la structure {structure['identifiantStructure']}")
    return files


def _commitment_files(ctx, body: dict) -> list[tuple[str, bytes]]:
    number = get_str(get_obj(body, "engagementJuridique", required=True),
                     "numeroEngagementJuridique", required=True)
    commitment = ctx.world.commitment(number)
    mine = set(ctx.account.roles)
    if commitment is None or (commitment["idStructureEmettrice"] not in mine
                              and commitment.get("idStructureFournisseur") not in mine | {None}):
        raise BusinessError(COMMITMENT_UNKNOWN, f"L'engagement juridique {number} est inconnu.")
    issuer = ctx.world.structures[commitment["idStructureEmettrice"]]
    return [(f"{number}.pdf", documents.text_pdf([
        f"Engagement juridique {number}", commitment.get("libelleEngagementJuridique") or "",
        f"Émis par {issuer['designationStructure']} le {commitment.get('dateCreation')}",
        f"Montant {commitment.get('montantEngagementJuridique')} EUR"]))]


def _account_download(ctx) -> list[tuple[str, bytes]]:
    files = [(f"{row['id']}_{row['name']}", row["content"]) for row in _account_files(ctx)]
    if not files:
        raise _nothing("ce compte")
    return files


@operation("transverses/v1/telecharger/pieceJointe")
def telecharger_piece_jointe(ctx, body):
    """contract §3.9 [S: GO]: one object per call, named by ``objetPieceJointe``; one file comes
    as itself, several as a ZIP. [U] the emulator holds no sollicitation nor mandate."""
    kind = get_str(body, "objetPieceJointe") or "DEMANDE_PAIEMENT"
    if kind not in OBJECTS:
        raise BusinessError(INVALID_VALUE, f"L'objet de pièce jointe {kind} est inconnu.")
    if kind == "DEMANDE_PAIEMENT":
        request = get_obj(body, "demandePaiement", required=True)
        result = documents.download(ctx, request, flip_download=False)
        if not isinstance(result, dict):
            return result  # the 413 of an oversized bundle
        return ok(OK_TRANSVERSES, pieceJointe=result["fichierResultat"])
    if kind == "ENGAGEMENT_JURIDIQUE":
        files = _commitment_files(ctx, body)
    elif kind == "UTILISATEUR":
        files = _account_download(ctx)
    elif kind == "SOLLICITATION":
        request = get_obj(body, "sollicitation", required=True)
        raise BusinessError(INVALID_VALUE, f"La sollicitation "
                                           f"{get_int(request, 'idSollicitation', required=True)}"
                                           f" est inconnue.")
    else:
        files = _structure_files(ctx, body, kind)
    return ok(OK_TRANSVERSES, pieceJointe=base64.b64encode(documents.zipped(files)).decode())
