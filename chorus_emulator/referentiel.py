"""The shared world seen through the Référentiel des Organisations (contract-works-and-new-apis §2):
uuids, resolution of ``{uuid_identifiant}``, legal units (SIREN), and the Structure, Service,
bank-account and attachment shapes.

The structures, services and bank accounts are the very dicts of the world the Structures API
reads (world.py), so a change made through one API is seen by the other.
"""

import base64
import re

from chorus_emulator import documents
from chorus_emulator.ops_structures import SERVICE_START_ISO
from chorus_emulator.rest import derived_uuid, invalid_identifier, not_found

UUID_RE = re.compile(r"[0-9a-f]{32}")
SIRET_RE = re.compile(r"\d{14}")
SIREN_RE = re.compile(r"\d{9}")
VAT_RE = re.compile(r"[A-Z]{2}[0-9A-Z]{2,13}")

# §2.2.1 [S]: typeIdentifiant is "0" for a SIRET structure; §5 #11 [U]: the other codes follow
# the Structures API's order.
IDENTIFIER_TYPES = {"SIRET": "0", "UE_HORS_FRANCE": "1", "HORS_UE": "2", "RIDET": "3",
                    "TAHITI": "4", "AUTRE": "5", "PARTICULIER": "6"}
# §2.2.1 [S]: pays is a label ("France"), not an ISO code. Labels beyond France are ours.
COUNTRY_LABELS = {"FR": "France", "DE": "Allemagne", "BE": "Belgique", "ES": "Espagne",
                  "IT": "Italie", "CH": "Suisse", "LU": "Luxembourg"}
# [U] the fixture has no update stamps; this one stands for "before the emulator started".
FIXTURE_UPDATED_AT = "2026-01-05T09:00:00+01:00"
# The start of fixture services, as structures/v1/consulter/service shows it.
FIXTURE_SERVICE_START = SERVICE_START_ISO


def structure_uuid(structure: dict) -> str:
    return structure.get("uuid") or derived_uuid("structure", structure["idStructureCPP"])


def service_uuid(service: dict) -> str:
    return service.get("uuid") or derived_uuid("service", service["idService"])


def bank_uuid(bank: dict) -> str:
    return derived_uuid("coordonnee-bancaire", bank["idCoordonneeBancaire"])


def rib_uuid(bank: dict) -> str:
    return derived_uuid("piece-jointe-rib", bank["idCoordonneeBancaire"])


def siren_of(structure: dict) -> str | None:
    if structure.get("typeIdentifiantStructure") == "SIRET":
        return structure["identifiantStructure"][:9]
    return None


def siren_uuid(siren: str) -> str:
    return derived_uuid("siren", siren)


def visible(ctx, structure: dict) -> bool:
    """As in the Structures API: public structures for everyone, private ones for the accounts
    attached to them (contract §4.1)."""
    return (structure["typeStructure"] == "PUBLIQUE"
            or structure["idStructureCPP"] in ctx.account.roles)


def visible_structures(ctx) -> list[dict]:
    return [s for s in ctx.world.structures.values() if visible(ctx, s)]


def resolve_structure(ctx, identifier: str) -> dict:
    """§2.0 [S]: ``{uuid_identifiant}`` is a UUID, a SIRET or an intra-EU VAT number, tried in
    that order; anything else is ParamsInvalidUuidStructures, a well-formed unknown one
    NotFoundReference."""
    if not (UUID_RE.fullmatch(identifier) or SIRET_RE.fullmatch(identifier)
            or VAT_RE.fullmatch(identifier)):
        raise invalid_identifier()
    for structure in visible_structures(ctx):
        if identifier in (structure_uuid(structure), structure["identifiantStructure"],
                          structure.get("numeroTVA")):
            return structure
    raise not_found("Structures", identifier)


def legal_units(ctx) -> dict[str, list[dict]]:
    """SIREN → its visible structures (SIRET structures only: a foreign one has no SIREN)."""
    units: dict[str, list[dict]] = {}
    for structure in visible_structures(ctx):
        siren = siren_of(structure)
        if siren:
            units.setdefault(siren, []).append(structure)
    return units


def resolve_legal_unit(ctx, identifier: str) -> tuple[str, list[dict]]:
    """``/siren/{uuid_identifiant}`` [U]: the SIREN's uuid, the SIREN itself, or a SIRET or a
    French VAT number of one of its establishments."""
    if not (UUID_RE.fullmatch(identifier) or SIREN_RE.fullmatch(identifier)
            or SIRET_RE.fullmatch(identifier) or VAT_RE.fullmatch(identifier)):
        raise invalid_identifier()
    for siren, structures in legal_units(ctx).items():
        if identifier in (siren, siren_uuid(siren)) or any(
                identifier in (s["identifiantStructure"], s.get("numeroTVA"))
                for s in structures):
            return siren, structures
    raise not_found("Siren", identifier)


def find_service(ctx, service_id: str) -> tuple[dict, dict]:
    for structure in visible_structures(ctx):
        for service in structure.get("services", []):
            if service_uuid(service) == service_id:
                return structure, service
    raise not_found("Services", service_id)


# Shapes ---------------------------------------------------------------------------------------
def _address(structure: dict) -> dict:
    address = structure.get("adressePostale", {})
    return {
        "adresse": address.get("adresse"),
        "complementAdresse1": address.get("complementAdresse1"),
        "complementAdresse2": address.get("complementAdresse2"),
        "codePostal": address.get("codePostal"),
        "ville": address.get("ville"),
        "pays": COUNTRY_LABELS.get(address.get("pays", "FR"), address.get("pays")),
    }


def structure_shape(structure: dict) -> dict:
    """§2.2.1 [S: ZMOG-RO]. [U]: empty texts are null (ZMOG reads them as "")."""
    params = structure.get("parametres", {})
    return {
        "uuid": structure_uuid(structure),
        "identifiant": structure["identifiantStructure"],
        "typeIdentifiant": IDENTIFIER_TYPES.get(structure["typeIdentifiantStructure"], "5"),
        "libelleOrganisation": structure["designationStructure"],
        "raisonSociale": structure.get("raisonSocialeStructure",
                                       structure["designationStructure"]),
        "nomStructure": None,
        "prenomStructure": None,
        "typeOrganisation": "public" if structure["typeStructure"] == "PUBLIQUE" else "private",
        "status": "active" if structure["statut"] == "ACTIVE" else "inactive",
        "numeroTvaIntracommunautaire": structure.get("numeroTVA"),
        "numeroRcsStructure": structure.get("numeroRcsStructure"),
        "categorieJuridique": None,
        "categorieEntreprise": None,
        "contactPrincipal": None,
        "organisationParent": None,
        **_address(structure),
        "adresseElectronique": structure.get("emailStructure"),
        "telephone": None,
        "codeServiceDoitEtreRenseigne": bool(params.get("codeServiceDoitEtreRenseigne")),
        "numeroEjDoitEtreRenseigne": bool(params.get("numeroEJDoitEtreRenseigne")),
        "gestionNumeroEJOuCodeService": bool(params.get("gestionNumeroEJOuCodeService")),
        "statutMiseEnPaiementNestPasRemonte": bool(
            params.get("statutMiseEnPaiementNestPasRemonte")),
        "avecMOA": bool(params.get("getaMoa")),
        "estMOAUniquement": bool(params.get("estMoaUniquement")),
        # §2.3 [U pairing]: the Structures API's recevoirDonneesViaEDI and connexionEDI.
        "recevoirCyclesViesEdi": bool(params.get("recevoirDonneesViaEDI")),
        "emetteurFluxEdi": bool(params.get("connexionEDI")),
        "nonDiffusibleInsee": bool(params.get("nonDiffusibleInsee")),
        "estCentreGestionAgricole": False,
        "numeroPacage": 0,
        "categorieFournisseurMemoireId": 0,
        "categorieBeneficiaireId": 0,
        "structureOrigine": 0,
        "derniereMaj": structure.get("derniereMaj", FIXTURE_UPDATED_AT),
    }


STRUCTURE_FIELDS = set(structure_shape({
    "idStructureCPP": 0, "identifiantStructure": "", "typeIdentifiantStructure": "SIRET",
    "designationStructure": "", "typeStructure": "PUBLIQUE", "statut": "ACTIVE"}))


def service_shape(structure: dict, service: dict) -> dict:
    """§2.2.2 [S: ZMOG-RO]; address fields are the structure's unless the service has its own."""
    active = service.get("estActif", True)
    address = {**_address(structure), **{key: service[key] for key in (
        "adresse", "complementAdresse1", "complementAdresse2", "codePostal", "ville", "pays")
        if service.get(key) is not None}}
    return {
        "uuid": service_uuid(service),
        "codeService": service["codeService"],
        "libelle": service["libelleService"],
        "description": service.get("descriptionService"),
        "rattachementOrganisation": structure_uuid(structure),
        "etatService": "ACTIF" if active else "INACTIF",
        "numeroEj": bool(service.get("numeroEngagement")),
        "dateCreation": service.get("dateCreation"),
        "dateDebutActivation": service.get("dateDebutActivation", FIXTURE_SERVICE_START),
        "dateFinActivation": service.get("dateFinActivation"),
        "dateModification": service.get("dateModification"),
        "dateSuppression": None,
        **address,
        "telephone": service.get("telephone"),
        "derniereMaj": service.get("derniereMaj", FIXTURE_UPDATED_AT),
    }


SERVICE_FIELDS = set(service_shape(
    {"idStructureCPP": 0}, {"idService": 0, "codeService": "", "libelleService": ""}))


def legal_unit_shape(siren: str, structures: list[dict]) -> dict:
    """§5 #9 [U]: the SIREN object is not documented; this shape is the contract's proposal."""
    head = min(structures, key=lambda s: s["identifiantStructure"])
    return {"uuid": siren_uuid(siren), "siren": siren,
            "raisonSociale": head.get("raisonSocialeStructure", head["designationStructure"]),
            "structures": [structure_uuid(s) for s in structures]}


LEGAL_UNIT_FIELDS = {"uuid", "siren", "raisonSociale", "structures"}


def bank_shape(structure: dict, bank: dict) -> dict:
    """§5 #9 [U]: the contract's proposed bank-account shape, plus the account's label."""
    return {"uuid": bank_uuid(bank), "iban": bank.get("iban"), "bic": bank.get("bic"),
            "libelle": bank.get("nomCoordonneeBancaire"),
            "titulaire": structure.get("raisonSocialeStructure",
                                       structure["designationStructure"]),
            "statut": "VALIDE", "uuidPieceJointe": rib_uuid(bank)}


def rib_pdf(structure: dict, bank: dict) -> bytes:
    """The RIB document of a bank account, generated (invariant, so its size never changes)."""
    def draw(page):
        for row, line in enumerate((
                "Relevé d'identité bancaire",
                f"Titulaire : {structure['designationStructure']}",
                f"Compte : {bank.get('nomCoordonneeBancaire') or '-'}",
                f"IBAN : {bank.get('iban') or '-'}", f"BIC : {bank.get('bic') or '-'}",
                "Document généré par l'émulateur Chorus Pro.")):
            page.drawString(50, 800 - 18 * row, line)
    return documents._pdf(draw)


def attachment_shape(structure: dict, bank: dict, *, with_data: bool) -> dict:
    """§2.2.3 [S: ZMOG-RO]: attachmentData (base64) only in the single-item GET. A structure's
    attachments are the RIBs of its bank accounts [U]."""
    content = rib_pdf(structure, bank)
    shape = {"uuid": rib_uuid(bank), "fileName": f"RIB-{bank['idCoordonneeBancaire']}.pdf",
             "contentType": "application/pdf", "sizeBytes": len(content)}
    if with_data:
        shape["attachmentData"] = base64.b64encode(content).decode("ascii")
    return shape


def banks_of(structures: list[dict]) -> list[tuple[dict, dict]]:
    return [(structure, bank) for structure in structures
            for bank in structure.get("listeCoordonneeBancaire", [])]
