"""Utilisateurs API (contract §4.5): what the technical account is attached to."""

from __future__ import annotations

from .paging import page_params, read_page
from .transport import Transport
from .types_accounts import AttachedService, AttachedStructure
from .types_common import IdentifierType, Page, PageRequest
from .wire import Reader


def attached_service(item: Reader) -> AttachedService:
    """A service in either answer: monCompte says ``libelleService``/``dateDbtService``,
    lister/rattachementsutilisateur ``nomService``/``dateDebut`` (contract §4.5)."""
    return AttachedService(
        service_id=item.integer("idService"), code=item.text("codeService"),
        name=item.opt_text("libelleService") or item.opt_text("nomService"),
        active=item.opt_boolean("estActif"),
        attachment_id=(item.opt_integer("idRattachementService")
                       or item.opt_integer("idRattachement")),
        attachment_status=(item.opt_text("statutRattachementService")
                           or item.opt_text("statutRattachement")),
        starts_at=item.opt_moment("dateDbtService") or item.opt_moment("dateDebut"),
        ends_at=item.opt_moment("dateFinService") or item.opt_moment("dateFin"))


def _attached_structure(item: Reader) -> AttachedStructure:
    return AttachedStructure(
        structure_id=item.integer("idStructure"), identifier=item.text("identifiantStructure"),
        identifier_type=item.opt_enum("typeIdentifiantStructure", IdentifierType),
        name=item.opt_text("designationStructure"),
        attachment_id=item.opt_integer("idRattachementStructure"),
        user_role=item.opt_text("roleUtilisateur"),
        attachment_status=item.opt_text("statutRattachementStructure"),
        user_status=item.opt_text("statutUtilisateur"),
        services=[attached_service(service) for service in item.items("listeServicesRattache")])


class Users:
    """Operations of ``/cpro/utilisateurs/v1``."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def attached_structures(self, page: PageRequest | None = None) -> Page[AttachedStructure]:
        """``POST /cpro/utilisateurs/v1/monCompte/recuperer/rattachements``
        (recupererRattachementsMonCompteUtilisateur): the structures the account works for, with
        the services it is attached to."""
        page = page or PageRequest()
        operation = "utilisateurs/v1/monCompte/recuperer/rattachements"
        answer = Reader(self._transport.call(operation, {
            "parametresRecherche": page_params(page)}), operation=operation)
        return read_page(answer, "listeStructureRattachement", _attached_structure,
                         request=page)
