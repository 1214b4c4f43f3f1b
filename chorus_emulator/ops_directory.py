"""Transverses API, the directory side (contract §3.7, §3.8, §3.10, §3.13): the caller's active
structures and bank accounts, the recipients' directory (searched, or downloaded as a ZIP) and
the INSEE data of a SIRET, all read from the world."""

import base64
import csv
import io
import re
import zipfile

from chorus_emulator.operations import operation
from chorus_emulator.protocol import (
    OK_FACTURES,
    OK_TRANSVERSES,
    BusinessError,
    Page,
    get_int,
    get_obj,
    get_str,
    ok,
)
from chorus_emulator.rules import INVALID_VALUE, STRUCTURE_UNKNOWN


@operation("transverses/v1/recuperer/coordbanc/valides")
def recuperer_coordonnees_bancaires(ctx, body):
    structure_id = get_int(body, "idStructure", required=True)
    structure = ctx.world.structures.get(structure_id)
    if structure is None or structure_id not in ctx.account.roles:
        raise BusinessError(STRUCTURE_UNKNOWN, f"La structure {structure_id} est inconnue ou "
                                               f"n'est pas rattachée au compte.")
    # contract §3.7 names id and name only; [U] iban and bic are the emulator's additions, which
    # a client written from the contract ignores.
    banks = [{"idCoordonneeBancaire": b["idCoordonneeBancaire"],
              "nomCoordonneeBancaire": b["nomCoordonneeBancaire"],
              "iban": b.get("iban"), "bic": b.get("bic")}
             for b in structure.get("listeCoordonneeBancaire", [])]
    # contract §3.7: ZMOG shows the pagination fields at the top level for this operation.
    return ok(OK_TRANSVERSES, listeCoordonneeBancaire=banks, pageCourante=1,
              pages=1 if banks else 0, nbResultatsParPage=max(len(banks), 1), total=len(banks))


def _active_structures(ctx, *roles: str) -> dict:
    ids = sorted({sid for role in roles for sid in ctx.account.structures_with(role)})
    return ok(OK_TRANSVERSES, listeStructures=[
        {"idStructureCPP": sid, "identifiant": ctx.world.structures[sid]["identifiantStructure"],
         "designationStructure": ctx.world.structures[sid]["designationStructure"]}
        for sid in ids if ctx.world.structures[sid]["statut"] == "ACTIVE"])


@operation("transverses/v1/recuperer/structures/actives/fournisseur")
def structures_actives_fournisseur(ctx, body):
    return _active_structures(ctx, "FOURNISSEUR")


@operation("transverses/v1/recuperer/structures/actives/destinataire")
def structures_actives_destinataire(ctx, body):
    return _active_structures(ctx, "DESTINATAIRE")


@operation("transverses/v1/recuperer/structures/actives/facturetravaux")
def structures_actives_facture_travaux(ctx, body):
    # contract-works §1.4.15 [S: GO]: the caller's active structures in the works space, open to
    # the accounts holding its habilitation (FACTURES_TRAVAUX, see the world's accounts).
    return _active_structures(ctx, "FACTURES_TRAVAUX")


def _recipients(ctx) -> list[dict]:
    """The directory's recipients: public structures, in idStructureCPP order."""
    return sorted((s for s in ctx.world.structures.values() if s["typeStructure"] == "PUBLIQUE"),
                  key=lambda s: s["idStructureCPP"])


@operation("transverses/v1/rechercher/destinataire")
def rechercher_destinataire(ctx, body):
    """contract §3.8 [S: GO]. [U] ``nomVilleCodePostal`` is looked for in the name, the city and
    the postcode; only active public structures are recipients; nothing found is codeRetour 0
    with an empty list."""
    page = Page(get_obj(body, "parametresRecherche"))
    identifier = get_str(body, "identifiant")
    term = (get_str(body, "nomVilleCodePostal") or "").casefold()
    kind = get_str(body, "typeStructure")
    found = []
    for structure in _recipients(ctx):
        address = structure.get("adressePostale", {})
        haystack = " ".join(str(part or "") for part in (
            structure["designationStructure"], address.get("ville"),
            address.get("codePostal"))).casefold()
        if (structure["statut"] != "ACTIVE"
                or (identifier and structure["identifiantStructure"] != identifier)
                or (kind and structure["typeStructure"] != kind)
                or (term and term not in haystack)):
            continue
        found.append({"idStructureCPP": structure["idStructureCPP"],
                      "siret": structure["identifiantStructure"],
                      "nomDestinataire": structure["designationStructure"],
                      "adresseCodePostal": address.get("codePostal"),
                      "adresseVille": address.get("ville")})
    return ok(OK_TRANSVERSES, listeDestinataires=page.slice(found),
              parametresRetour=page.info(len(found)))


@operation("transverses/v1/consulter/information/siret")
def consulter_information_siret(ctx, body):
    """contract §3.13 [S: GO]: INSEE data of a SIRET. The emulator knows the world's SIRETs only
    and, [U], answers in qualification too (the real service does not). Fields the world does not
    hold (legal category, creation dates...) come from an optional ``insee`` object of the
    structure, else null."""
    siret = get_str(body, "siretStructure", required=True)
    if not re.fullmatch(r"\d{14}", siret):
        raise BusinessError(INVALID_VALUE, f"Le SIRET {siret} doit comporter 14 chiffres.")
    structure = ctx.world.structures_by_siret.get(siret)
    if structure is None or structure["typeIdentifiantStructure"] != "SIRET":
        raise BusinessError(STRUCTURE_UNKNOWN, f"Le SIRET {siret} est inconnu du référentiel "
                                               f"de l'INSEE.")
    address = structure.get("adressePostale", {})
    insee = structure.get("insee", {})
    return ok(
        OK_TRANSVERSES, siret=siret, siren=siret[:9],
        raisonSociale=structure.get("raisonSocialeStructure", structure["designationStructure"]),
        adresse=" ".join(str(part) for part in (address.get("adresse"), address.get("codePostal"),
                                                address.get("ville")) if part),
        estActif=structure["statut"] == "ACTIVE",
        categorieEntreprise=insee.get("categorieEntreprise"),
        categorieJuridique=insee.get("categorieJuridique"),
        civilite=None,
        dateCreationEntreprise=insee.get("dateCreationEntreprise"),
        dateCreationEtablissement=insee.get("dateCreationEtablissement"),
        dateReactivationEtablissement=None,
        localisationSiege=insee.get("localisationSiege"),
        nonDiffusibleInsee=False,
        numeroInterneClassement=siret[9:],
        siege=insee.get("siege"),
        siretPredecesseurSuccesseur=None,
    )


# contract §3.10 [U]: the file's content is not documented (GO only shows it is a ZIP). Ours is
# one UTF-8 CSV, ";"-separated, one line per recipient and service (a recipient without service
# has one line with empty service columns), its columns named after the API's own fields.
DIRECTORY_FILE = "annuaire_destinataires.csv"
DIRECTORY_COLUMNS = (
    "identifiantStructure", "typeIdentifiantStructure", "designationStructure",
    "raisonSocialeStructure", "statut", "adresse", "codePostal", "ville", "pays",
    "codeServiceDoitEtreRenseigne", "numeroEJDoitEtreRenseigne", "gestionNumeroEJOuCodeService",
    "statutMiseEnPaiementNestPasRemonte", "codeService", "libelleService", "estActif",
    "numeroEngagement")
# A fixed stamp: the same world gives the same bytes (a client may compare downloads).
ZIP_STAMP = (2026, 1, 1, 0, 0, 0)


def _flag(value) -> str:
    return "true" if value else "false"


def directory_rows(world) -> list[dict]:
    rows = []
    for structure in sorted(world.structures.values(), key=lambda s: s["idStructureCPP"]):
        if structure["typeStructure"] != "PUBLIQUE":
            continue
        address = structure.get("adressePostale", {})
        params = structure.get("parametres", {})
        base = {
            "identifiantStructure": structure["identifiantStructure"],
            "typeIdentifiantStructure": structure["typeIdentifiantStructure"],
            "designationStructure": structure["designationStructure"],
            "raisonSocialeStructure": structure.get("raisonSocialeStructure",
                                                    structure["designationStructure"]),
            "statut": structure["statut"], "adresse": address.get("adresse"),
            "codePostal": address.get("codePostal"), "ville": address.get("ville"),
            "pays": address.get("pays"),
            **{key: _flag(params.get(key)) for key in (
                "codeServiceDoitEtreRenseigne", "numeroEJDoitEtreRenseigne",
                "gestionNumeroEJOuCodeService", "statutMiseEnPaiementNestPasRemonte")},
        }
        services = structure.get("services", [])
        for service in services or [None]:
            rows.append({**base, **({
                "codeService": service["codeService"],
                "libelleService": service["libelleService"],
                "estActif": _flag(service.get("estActif", True)),
                "numeroEngagement": _flag(service.get("numeroEngagement"))} if service else {})})
    return rows


def directory_zip(world) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=DIRECTORY_COLUMNS, delimiter=";",
                            lineterminator="\r\n", restval="")
    writer.writeheader()
    writer.writerows(directory_rows(world))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(DIRECTORY_FILE, ZIP_STAMP),
                         text.getvalue().encode("utf-8"), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@operation("transverses/v1/telecharger/annuaire/destinataire")
def telecharger_annuaire_destinataire(ctx, body):
    # contract §8.1 [C: GO test]: this one answers GCU_MSG_01_000.
    return ok(OK_FACTURES, fichierResultat=base64.b64encode(directory_zip(ctx.world)).decode())
