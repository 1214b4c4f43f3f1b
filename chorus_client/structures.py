"""Structures API (contract §4) and the commitment search (engagements juridiques, §6)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from .paging import page_params, read_page
from .transport import Transport
from .types_accounts import UserServiceAttachments
from .types_common import IdentifierType, Page, PageRequest, StructureKind, iterate_pages
from .types_structures import (
    Commitment,
    CommitmentSearch,
    PostalAddress,
    ServiceDetails,
    ServiceSummary,
    StructureDetails,
    StructureRouting,
    StructureSearch,
    StructureSummary,
)
from .users import attached_service
from .wire import Reader, compact


def _address(reader: Reader | None) -> PostalAddress | None:
    if reader is None:
        return None
    return PostalAddress(
        line=reader.opt_text("adresse"), complement_1=reader.opt_text("complementAdresse1"),
        complement_2=reader.opt_text("complementAdresse2"),
        postal_code=reader.opt_text("codePostal"), city=reader.opt_text("ville"),
        country=reader.opt_text("pays"), phone=reader.opt_text("telephone"),
        fax=reader.opt_text("fax"))


def _structure_summary(item: Reader) -> StructureSummary:
    return StructureSummary(
        id=item.integer("idStructureCPP"),
        identifier=item.text("identifiantStructure"),
        identifier_type=item.opt_enum("typeIdentifiantStructure", IdentifierType),
        name=item.opt_text("designationStructure"),
        # Contract §9.10: output status is ACTIVE | INACTIVE.
        active=item.opt_text("statut") != "INACTIVE",
    )


def _service_summary(item: Reader) -> ServiceSummary:
    return ServiceSummary(
        id=item.integer("idService"), code=item.text("codeService"),
        name=item.opt_text("libelleService"), active=item.boolean("estActif"),
        starts_at=item.opt_moment("dateDbtService"), ends_at=item.opt_moment("dateFinService"))


def _commitment(item: Reader) -> Commitment:
    return Commitment(
        # [U] contract §6: item fields undocumented; names shared with the local emulator.
        number=item.text("numeroEngagementJuridique"),
        label=item.opt_text("libelleEngagementJuridique"),
        state=item.opt_text("etatCourantEngagementJuridique"),
        amount=item.opt_amount("montantEngagementJuridique"),
        issuer_structure_id=item.opt_integer("idStructureEmettrice"),
        issuer_identifier=item.opt_text("identifiantStructureEmettrice"),
        issuer_name=item.opt_text("designationStructureEmettrice"),
        service_code=item.opt_text("codeServiceEmetteur"),
        issued_on=item.opt_day("dateCreationEngagementJuridique"),
    )


class Structures:
    """Operations of ``/cpro/structures/v1`` and ``/cpro/engagementsJuridiques/v1``."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _call(self, operation: str, body: dict[str, Any]) -> Reader:
        return Reader(self._transport.call(operation, body), operation=operation)

    def search_structures(self, filters: StructureSearch,
                          page: PageRequest | None = None) -> Page[StructureSummary]:
        """``POST /cpro/structures/v1/rechercher`` (rechercherStructure): one page of structures.

        Sort columns: ``IdentifiantStructure``, ``DesignationStructure``,
        ``TypeIdentifiantStructure``, ``Statut``.
        """
        page = page or PageRequest()
        active = None if filters.active is None else ("ACTIF" if filters.active else "INACTIF")
        body = compact({
            "structure": compact({
                "identifiantStructure": filters.identifier,
                "typeIdentifiantStructure": filters.identifier_type,
                "raisonSocialeStructure": filters.company_name,
                "libelleStructure": filters.label,
                "adresseCodePostal": filters.postal_code,
                "adresseVille": filters.city,
                "adresseCodePays": filters.country_code,
                "statutStructure": active,
                "typeStructure": filters.kind,
            }),
            "parametres": page_params(page),
            "restreindreStructuresPrivees": filters.only_attached_private,
        })
        answer = self._call("structures/v1/rechercher", body)
        return read_page(answer, "listeStructures", _structure_summary, request=page)

    def iter_structures(self, filters: StructureSearch, *, page_size: int = 100
                        ) -> Iterator[StructureSummary]:
        """Every structure matching ``filters``, across all pages."""
        return iterate_pages(partial(self.search_structures, filters), page_size)

    def find_structure_by_siret(self, siret: str) -> StructureSummary | None:
        """The structure with this SIRET (the usual first step, contract §4.1), or None.

        Private structures are included even when the technical user is not attached to them.
        """
        result = self.search_structures(
            StructureSearch(identifier=siret, identifier_type=IdentifierType.SIRET,
                            only_attached_private=False), PageRequest(page_size=10))
        return next((item for item in result.items if item.identifier == siret), None)

    def get_structure(self, structure_id: int, *, language: str = "fr") -> StructureDetails:
        """``POST /cpro/structures/v1/consulter`` (consulterStructure): details, routing rules
        (service code / commitment required) and the technical password expiry date."""
        answer = self._call("structures/v1/consulter",
                            {"idStructureCPP": structure_id, "codeLangue": language})
        info = answer.obj("informationGenerales")
        params = answer.opt_obj("parametres")
        flag = params.flag if params is not None else (lambda key: False)
        return StructureDetails(
            id=info.opt_integer("idStructureCPP") or structure_id,
            identifier=info.text("identifiantStructure"),
            identifier_type=info.opt_enum("typeIdentifiantStructure", IdentifierType),
            company_name=info.opt_text("raisonSocialeStructure"),
            label=info.opt_text("libelleStructure"),
            last_name=info.opt_text("nomStructure"),
            first_name=info.opt_text("prenomStructure"),
            email=info.opt_text("emailStructure"),
            rcs_number=info.opt_text("numeroRcsStructure"),
            vat_number=info.opt_text("numeroTVA"),
            kind=info.opt_enum("structurePriveePublique", StructureKind),
            is_delegated_validator=info.flag("estValideurDeleguee") or flag("estValideurDelegue"),
            technical_password_expires_at=info.opt_moment("dateExpirationMotPasseCompteTech"),
            address=_address(answer.opt_obj("adressePostaleDuSiege")),
            routing=StructureRouting(
                service_code_required=flag("codeServiceDoitEtreRenseigne"),
                commitment_required=flag("numeroEJDoitEtreRenseigne"),
                service_code_or_commitment=flag("gestionNumeroEJOuCodeService")),
            payment_status_not_reported=flag("statutMiseEnPaiementNestPasRemonte"),
            edi_connection=flag("connexionEDI"),
            receives_data_via_edi=flag("recevoirDonneesViaEDI"),
            project_owner_only=flag("estMoaUniquement"),
        )

    def search_services(self, structure_id: int,
                        page: PageRequest | None = None) -> Page[ServiceSummary]:
        """``POST /cpro/structures/v1/rechercher/services`` (rechercherServicesStructure).

        Sort columns: ``CodeService``, ``LibelleService``, ``DateDbtService``,
        ``DateFinService``, ``EstActif``.
        """
        page = page or PageRequest()
        answer = self._call("structures/v1/rechercher/services", {
            "idStructure": structure_id,
            "parametresRechercherServicesStructure": page_params(page),
        })
        return read_page(answer, "listeServices", _service_summary, request=page)

    def iter_services(self, structure_id: int, *, page_size: int = 100
                      ) -> Iterator[ServiceSummary]:
        """Every service of a structure, across all pages."""
        return iterate_pages(partial(self.search_services, structure_id), page_size)

    def get_service(self, structure_id: int, service_id: int, *,
                    language: str = "fr") -> ServiceDetails:
        """``POST /cpro/structures/v1/consulter/service`` (consulterServiceStructure).

        ``commitment_required`` (``parametres.numeroEngagement``) means invoices to this service
        need a commitment number (contract §4.4 [C]).
        """
        answer = self._call("structures/v1/consulter/service", {
            "idStructure": structure_id, "idService": service_id, "codeLangue": language})
        info = answer.obj("informationsGenerales")
        params = answer.opt_obj("parametres")
        return ServiceDetails(
            code=info.text("codeService"),
            name=info.opt_text("nomService"),
            description=info.opt_text("descriptionService"),
            address=_address(answer.opt_obj("adressePostale")),
            created_at=params.opt_moment("dateCreation") if params else None,
            valid_from=params.opt_moment("dateDebutValidite") if params else None,
            valid_until=params.opt_moment("dateFinValidite") if params else None,
            modified_at=params.opt_moment("dateModification") if params else None,
            reports_payment=params.flag("miseEnPaiement") if params else False,
            commitment_required=params.flag("numeroEngagement") if params else False,
        )

    def user_service_attachments(self, *, structure_id: int | None = None,
                                 structure_identifier: str | None = None,
                                 identifier_type: IdentifierType | None = None,
                                 user_login: str | None = None,
                                 page: PageRequest | None = None) -> UserServiceAttachments:
        """``POST /cpro/structures/v1/lister/rattachementsutilisateur``
        (listerRattachementsStructureUtilisateur): a user's attachments to the services of one
        of the caller's structures, named by id or identifier. ``user_login`` is the user's
        login e-mail; without it, Chorus Pro's choice (the caller, in the emulator)."""
        page = page or PageRequest()
        operation = "structures/v1/lister/rattachementsutilisateur"
        answer = self._call(operation, compact({
            "idStructure": structure_id, "identifiantStructure": structure_identifier,
            "typeIdentifiantStructure": identifier_type if structure_identifier else None,
            "adresseEmailConnexionUtilisateur": user_login,
            "parametresListerRattachementsStructureUtilisateur": page_params(page),
        }))
        return UserServiceAttachments(
            structure_id=answer.opt_integer("idStructure"),
            identifier=answer.opt_text("identifiantStructure"),
            name=answer.opt_text("designationStructure"),
            services=read_page(answer, "listeServices", attached_service, request=page))

    def search_commitments(self, filters: CommitmentSearch,
                           page: PageRequest | None = None) -> Page[Commitment]:
        """``POST /cpro/engagementsJuridiques/v1/rechercher``: commitments (purchase orders)
        issued to the supplier, e.g. to check a number before invoicing (contract §6 [S])."""
        page = page or PageRequest()
        answer = self._call("engagementsJuridiques/v1/rechercher", compact({
            # Contract §6 [S: OCA]: a *string* holding the supplier's idStructureCPP.
            "structureReceptriceEngagementJuridique": str(filters.supplier_structure_id),
            "numeroEngagementJuridique": filters.number,
            "etatCourantEngagementJuridique": filters.state,
            # [U] contract §6: no source shows pagination here; we send the usual object under
            # the usual "parametres" name and accept an answer without parametresRetour.
            "parametres": page_params(page),
        }))
        return read_page(answer, "listeEngagementJuridique", _commitment, request=page,
                         unpaged=True)

    def iter_commitments(self, filters: CommitmentSearch, *, page_size: int = 100
                         ) -> Iterator[Commitment]:
        """Every commitment matching ``filters``, across all pages."""
        return iterate_pages(partial(self.search_commitments, filters), page_size)
