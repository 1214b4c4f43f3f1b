"""Who the caller is attached to: Utilisateurs ``monCompte/recuperer/rattachements`` and
Structures ``lister/rattachementsutilisateur`` (contract §4.5), read from the world's technical
accounts.

[U] In the world a technical account is attached to whole structures with roles (FOURNISSEUR,
DESTINATAIRE, VALIDATEUR) and so to every service of each; attachments are active from the
services' start date, their ids derived from the structure's and the service's.
"""

from chorus_emulator.operations import operation
from chorus_emulator.ops_structures import SERVICE_START, SERVICE_START_ISO
from chorus_emulator.protocol import (
    OK_TRANSVERSES,
    BusinessError,
    Page,
    get_int,
    get_obj,
    get_str,
    ok,
)
from chorus_emulator.rules import STRUCTURE_UNKNOWN

ACTIVE = "ACTIF"
# [U] the roles of a structure's users in Chorus Pro are not documented; a technical account is
# an ordinary user of its structures.
USER_ROLE = "UTILISATEUR"


def _attachment_id(structure_id: int, service_id: int | None = None) -> int:
    return (structure_id % 1_000_000) * 100 + (service_id % 100 if service_id else 0)


def _services(structure: dict) -> list[dict]:
    return [{
        "idService": service["idService"], "codeService": service["codeService"],
        "libelleService": service["libelleService"],
        "estActif": bool(service.get("estActif", True)),
        "statutService": ACTIVE if service.get("estActif", True) else "INACTIF",
        "idRattachementService": _attachment_id(structure["idStructureCPP"],
                                                service["idService"]),
        "statutRattachementService": ACTIVE,
        "dateDbtService": service.get("dateDbtService", SERVICE_START),
        "dateFinService": service.get("dateFinService"),
    } for service in structure.get("services", [])]


@operation("utilisateurs/v1/monCompte/recuperer/rattachements")
def recuperer_rattachements(ctx, body):
    """The caller's structures with their services (contract §4.5 [S: GO])."""
    page = Page(get_obj(body, "parametresRecherche"))
    found = []
    for structure_id in sorted(ctx.account.roles):
        structure = ctx.world.structures[structure_id]
        found.append({
            "idStructure": structure_id,
            "identifiantStructure": structure["identifiantStructure"],
            "typeIdentifiantStructure": structure["typeIdentifiantStructure"],
            "designationStructure": structure["designationStructure"],
            "idRattachementStructure": _attachment_id(structure_id),
            "roleUtilisateur": USER_ROLE,
            "statutRattachementStructure": ACTIVE,
            "statutUtilisateur": ACTIVE,
            "listeServicesRattache": _services(structure),
        })
    return ok(OK_TRANSVERSES, listeStructureRattachement=page.slice(found),
              parametresRetour=page.info(len(found)))


@operation("structures/v1/lister/rattachementsutilisateur")
def lister_rattachements_utilisateur(ctx, body):
    """A user's attachments to the services of one of the caller's structures (contract §4.5
    [C: SWAG]). The user is a technical account named by its login
    (``adresseEmailConnexionUtilisateur``), the caller by default; [U] a user not attached to
    the structure has no service in the list."""
    structure_id = get_int(body, "idStructure")
    identifier = get_str(body, "identifiantStructure")
    structure = (ctx.world.structures.get(structure_id) if structure_id is not None
                 else ctx.world.structures_by_siret.get(identifier or ""))
    if structure is None or structure["idStructureCPP"] not in ctx.account.roles:
        shown = structure_id if structure_id is not None else identifier
        raise BusinessError(STRUCTURE_UNKNOWN, f"La structure {shown} est inconnue ou n'est pas "
                                               f"rattachée au compte.")
    login = get_str(body, "adresseEmailConnexionUtilisateur") or ctx.login
    user = ctx.world.accounts.get(login)
    attached = user is not None and structure["idStructureCPP"] in user.roles
    page = Page(get_obj(body, "parametresListerRattachementsStructureUtilisateur"))
    services = [{
        "idService": service["idService"], "codeService": service["codeService"],
        "nomService": service["libelleService"],
        "idRattachement": service["idRattachementService"],
        "statutRattachement": service["statutRattachementService"],
        # GO reads these two as ISO date-times, unlike monCompte's "YYYY-MM-DD HH:MM".
        "dateDebut": SERVICE_START_ISO, "dateFin": None,
        "commentaire": None,
    } for service in (_services(structure) if attached else [])]
    return ok(OK_TRANSVERSES, idStructure=structure["idStructureCPP"],
              identifiantStructure=structure["identifiantStructure"],
              designationStructure=structure["designationStructure"],
              premierService=bool(services), listeServices=page.slice(services),
              parametresRetour=page.info(len(services)))
