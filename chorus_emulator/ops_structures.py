"""Structures API (contract §4) and engagementsJuridiques/v1/rechercher (contract §6)."""

import unicodedata

from chorus_emulator.operations import operation
from chorus_emulator.protocol import (
    OK_TRANSVERSES,
    BusinessError,
    Page,
    get_bool,
    get_int,
    get_obj,
    get_str,
    ok,
)
from chorus_emulator.rules import SERVICE_UNKNOWN, STRUCTURE_UNKNOWN

SERVICE_START = "2016-12-28 08:30"  # contract §4.3: PAS-L sample date, in the API's format
SERVICE_START_ISO = "2016-12-28T08:31:19+01:00"  # contract §2: consulter/service date format

# The search's statutStructure says ACTIF/INACTIF where a structure's statut says ACTIVE/INACTIVE.
STRUCTURE_STATUSES = {"ACTIF": "ACTIVE", "INACTIF": "INACTIVE"}
SERVICE_SORTS = {"codeservice": "codeService", "libelleservice": "libelleService",
                 "estactif": "estActif"}
STRUCTURE_SORTS = {
    "identifiantstructure": "identifiantStructure", "designationstructure": "designationStructure",
    "typeidentifiantstructure": "typeIdentifiantStructure", "statut": "statut",
}


def _visible(ctx, structure: dict) -> bool:
    """Public structures are visible to all; private ones only to the accounts attached to
    them (the restreindreStructuresPrivees default, contract §4.1)."""
    return (structure["typeStructure"] == "PUBLIQUE"
            or structure["idStructureCPP"] in ctx.account.roles)


def _structure(ctx, structure_id) -> dict:
    structure = ctx.world.structures.get(structure_id)
    if structure is None or not _visible(ctx, structure):
        raise BusinessError(STRUCTURE_UNKNOWN, f"La structure {structure_id} est inconnue.")
    return structure


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def _contains(haystack: str | None, needle: str) -> bool:
    # contract §4.1 [U]: how Chorus Pro compares names is not documented. Its directory names come
    # from SIRENE, in capitals without accents, so "universite" finds "UNIVERSITE ..." there;
    # this world's names carry accents, so we ignore accents and case to answer alike.
    return _folded(needle) in _folded(haystack or "")


@operation("structures/v1/rechercher")
def rechercher(ctx, body):
    criteria = get_obj(body, "structure")
    page = Page(get_obj(body, "parametres"))
    # contract §4.1: missing or true restricts private structures to the caller's own.
    restrict = get_bool(body, "restreindreStructuresPrivees") is not False
    identifier = get_str(criteria, "identifiantStructure")
    kind = get_str(criteria, "typeIdentifiantStructure")
    name = (get_str(criteria, "raisonSocialeStructure")
            or get_str(criteria, "libelleStructure") or get_str(criteria, "nomStructure"))
    status = get_str(criteria, "statutStructure")
    status = STRUCTURE_STATUSES.get(status, status)
    public_private = get_str(criteria, "typeStructure")
    postcode = get_str(criteria, "adresseCodePostal")
    city = get_str(criteria, "adresseVille")
    found = []
    for structure in ctx.world.structures.values():
        address = structure.get("adressePostale", {})
        if ((restrict and not _visible(ctx, structure))
                or (identifier and structure["identifiantStructure"] != identifier)
                or (kind and structure["typeIdentifiantStructure"] != kind)
                or (name and not _contains(structure["designationStructure"], name))
                or (status and structure["statut"] != status)
                or (public_private and structure["typeStructure"] != public_private)
                or (postcode and address.get("codePostal") != postcode)
                or (city and not _contains(address.get("ville"), city))):
            continue
        found.append(structure)
    key = STRUCTURE_SORTS.get((page.sort_column or "").lower())
    found.sort(key=(lambda s: s[key]) if key else (lambda s: s["idStructureCPP"]),
               reverse=page.descending)
    items = [{
        "idStructureCPP": s["idStructureCPP"],
        "identifiantStructure": s["identifiantStructure"],
        "designationStructure": s["designationStructure"],
        "statut": s["statut"],
        "typeIdentifiantStructure": s["typeIdentifiantStructure"],
    } for s in page.slice(found)]
    # contract §4.1 [U]: the answer to an empty search is not documented; we keep codeRetour 0
    # with an empty list (the recipient search's 20000 is specific to that operation).
    return ok(OK_TRANSVERSES, listeStructures=items, parametresRetour=page.info(len(found)))


@operation("structures/v1/consulter")
def consulter(ctx, body):
    structure = _structure(ctx, get_int(body, "idStructureCPP", required=True))
    address = structure.get("adressePostale", {})
    params = structure.get("parametres", {})
    own = structure["idStructureCPP"] in ctx.account.roles
    return ok(
        OK_TRANSVERSES,
        adressePostaleDuSiege={
            "adresse": address.get("adresse"), "codePostal": address.get("codePostal"),
            "complementAdresse1": None, "complementAdresse2": None, "fax": None,
            "indicatifFax": None, "indicatifTelephone": None, "pays": address.get("pays", "FR"),
            "telephone": None, "ville": address.get("ville"),
        },
        informationGenerales={
            "idStructureCPP": structure["idStructureCPP"],
            "idStructureOrigine": None,
            "identifiantStructure": structure["identifiantStructure"],
            "typeIdentifiantStructure": structure["typeIdentifiantStructure"],
            "libelleStructure": structure["designationStructure"],
            "raisonSocialeStructure": structure.get("raisonSocialeStructure",
                                                    structure["designationStructure"]),
            "nomStructure": None, "prenomStructure": None,
            "emailStructure": structure.get("emailStructure"),
            "numeroRcsStructure": structure.get("numeroRcsStructure"),
            "numeroTVA": structure.get("numeroTVA"),
            "structurePriveePublique": structure["typeStructure"],
            "estValideurDeleguee": bool(structure.get("estValideurDelegue")),
            # contract §1.3 [C]: lets a client watch its own technical password's expiry; only
            # the caller's own structures reveal it.
            "dateExpirationMotPasseCompteTech": (
                ctx.account.password_expires_at.isoformat(timespec="milliseconds")
                if own else None),
            "listeStructureDupliquees": [],
        },
        parametres={
            "codeServiceDoitEtreRenseigne": bool(params.get("codeServiceDoitEtreRenseigne")),
            "numeroEJDoitEtreRenseigne": bool(params.get("numeroEJDoitEtreRenseigne")),
            "gestionNumeroEJOuCodeService": bool(params.get("gestionNumeroEJOuCodeService")),
            "statutMiseEnPaiementNestPasRemonte": bool(
                params.get("statutMiseEnPaiementNestPasRemonte")),
            # Written through the Référentiel's PATCH parametres-edi (ops_organisations).
            "connexionEDI": bool(params.get("connexionEDI")),
            "recevoirDonneesViaEDI": bool(params.get("recevoirDonneesViaEDI")),
            "estMoaUniquement": False,
            "estValideurDelegue": bool(structure.get("estValideurDelegue")),
            "getaMoa": False, "nonDiffusibleInsee": False,
        },
    )


@operation("structures/v1/rechercher/services")
def rechercher_services(ctx, body):
    structure = _structure(ctx, get_int(body, "idStructure", required=True))
    page = Page(get_obj(body, "parametresRechercherServicesStructure"))
    services = list(structure.get("services", []))
    key = SERVICE_SORTS.get((page.sort_column or "").lower())
    if key:
        services.sort(key=lambda s: s[key], reverse=page.descending)
    items = [{
        "idService": s["idService"], "codeService": s["codeService"],
        "libelleService": s["libelleService"], "estActif": bool(s.get("estActif", True)),
        "statutService": "ACTIF" if s.get("estActif", True) else "INACTIF",
        "dateDbtService": s.get("dateDbtService", SERVICE_START),
        "dateFinService": s.get("dateFinService"),
    } for s in page.slice(services)]
    return ok(OK_TRANSVERSES, listeServices=items, parametresRetour=page.info(len(services)))


@operation("structures/v1/consulter/service")
def consulter_service(ctx, body):
    structure = _structure(ctx, get_int(body, "idStructure", required=True))
    service_id = get_int(body, "idService", required=True)
    service = next((s for s in structure.get("services", []) if s["idService"] == service_id),
                   None)
    if service is None:
        raise BusinessError(SERVICE_UNKNOWN, f"Le service {service_id} n'existe pas pour la "
                                             f"structure {structure['idStructureCPP']}.")
    address = structure.get("adressePostale", {})
    return ok(
        OK_TRANSVERSES,
        adressePostale={"adresse": address.get("adresse"), "codePostal": address.get("codePostal"),
                        "pays": address.get("pays", "FR"), "ville": address.get("ville")},
        informationsGenerales={"codeService": service["codeService"],
                               "nomService": service["libelleService"],
                               "descriptionService": service.get("descriptionService")},
        parametres={"dateCreation": service.get("dateCreation", SERVICE_START_ISO),
                    "dateDebutValidite": service.get("dateDebutActivation", SERVICE_START_ISO),
                    "dateFinValidite": None,
                    "dateModification": service.get("derniereMaj", SERVICE_START_ISO),
                    "miseEnPaiement": True,
                    "numeroEngagement": bool(service.get("numeroEngagement")),
                    "estActif": bool(service.get("estActif", True))},
        nbResultatsParPage=1, pageCourante=1, pages=1, total=1,
    )


@operation("engagementsJuridiques/v1/rechercher")
def rechercher_engagements(ctx, body):
    """contract §6 [U]: the response item fields are not documented; ours are listed in the
    README. A commitment is visible to its issuer and to the supplier it was given to (or to
    every supplier when none is named)."""
    receiver = get_str(body, "structureReceptriceEngagementJuridique")
    number = get_str(body, "numeroEngagementJuridique")
    state = get_str(body, "etatCourantEngagementJuridique")
    page = Page(get_obj(body, "parametresRechercheEngagementJuridique")
                or get_obj(body, "parametres"))
    mine = set(ctx.account.roles)
    found = []
    for commitment in ctx.world.commitments:
        supplier = commitment.get("idStructureFournisseur")
        if commitment["idStructureEmettrice"] not in mine and supplier not in mine | {None}:
            continue
        if number and commitment["numeroEngagementJuridique"] != number:
            continue
        if state and commitment["etatCourantEngagementJuridique"] != state:
            continue
        if receiver and supplier is not None and str(supplier) != receiver:
            continue
        found.append(commitment)
    items = []
    for c in page.slice(found):
        issuer = ctx.world.structures[c["idStructureEmettrice"]]
        supplier = ctx.world.structures.get(c.get("idStructureFournisseur"), {})
        items.append({
            "idEngagementJuridique": c["idEngagementJuridique"],
            "numeroEngagementJuridique": c["numeroEngagementJuridique"],
            "libelleEngagementJuridique": c.get("libelleEngagementJuridique"),
            "etatCourantEngagementJuridique": c["etatCourantEngagementJuridique"],
            "montantEngagementJuridique": c.get("montantEngagementJuridique"),
            "dateCreationEngagementJuridique": c.get("dateCreation"),
            "idStructureEmettrice": issuer["idStructureCPP"],
            "identifiantStructureEmettrice": issuer["identifiantStructure"],
            "designationStructureEmettrice": issuer["designationStructure"],
            "codeServiceEmetteur": c.get("codeServiceEmetteur"),
            "idStructureReceptrice": supplier.get("idStructureCPP"),
            "identifiantStructureReceptrice": supplier.get("identifiantStructure"),
        })
    return ok(OK_TRANSVERSES, listeEngagementJuridique=items,
              parametresRetour=page.info(len(found)))
