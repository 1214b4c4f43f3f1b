"""Référentiel des Organisations: ``/cpro/organisations/v1`` (contract-works-and-new-apis §2).

The successor of the Structures API (to be switched off "d'ici 2027", §2.4). Structures are
named by their uuid (32 hex characters), their SIRET or their intra-EU VAT number: every
``identifier`` argument below takes any of the three (§2.0 [S]); legal units also by SIREN.
Verbs are §2.1's: [S] where ZMOG-RO used the resource, the contract's proposal elsewhere [U].
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import organisation_parsing as parse
from . import rest
from .errors import ChorusRejectedError
from .registry_search import DEFAULT_PAGE_SIZE, iterate_offsets, query_body
from .transport import Transport
from .types_organisations import (
    LegalUnit,
    RegistryAttachment,
    RegistryBankAccount,
    RegistryQuery,
    RegistryService,
    RegistryStructure,
    ServiceCreation,
)
from .types_transverses import HealthCheck
from .wire import Reader, compact

BASE = "organisations/v1"
NOT_FOUND = "NotFoundReference"
# "Aucun Structures trouvé" / "Aucun Siren trouvé", but not "Aucun PieceJointeStructure trouvé".
_PARENT_MISSING = re.compile(r"\b(structures?|sirens?)\s+trouv", re.IGNORECASE)


class Organisations:
    """Operations of ``/cpro/organisations/v1``."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _object(self, *segments: str) -> Reader:
        operation = f"{BASE}/{rest.path(*segments)}"
        return Reader(rest.call(self._transport, "GET", operation), operation=operation)

    def _array(self, *segments: str, empty_is_not_found: bool = False) -> list[Reader]:
        """A listed sub-resource. §2.0 [S]: an empty attachment list answers 400
        NotFoundReference, read as an empty list as ZMOG-RO does; unless the refusal is about
        the structure or SIREN itself ("Aucun Structures trouvé", the pattern of §2.0's
        "Aucun Services trouvé"), which still raises."""
        operation = f"{BASE}/{rest.path(*segments)}"
        try:
            answer = rest.call(self._transport, "GET", operation)
        except ChorusRejectedError as refused:
            if (empty_is_not_found and refused.reason == NOT_FOUND
                    and not _PARENT_MISSING.search(refused.message)):
                return []
            raise
        return parse.readers(answer, operation)

    def _search(self, resource: str, body: dict[str, Any]) -> list[Reader]:
        operation = f"{BASE}/{resource}/recherche"
        return parse.readers(rest.call(self._transport, "POST", operation, body), operation)

    # --- health ---------------------------------------------------------------------------

    def health_check(self) -> HealthCheck:
        """``GET /cpro/organisations/v1/healthcheck`` (Healthcheck): reachable with our token
        and technical account (a wrong account is a 401 here too, §2.0 [S])."""
        rest.call(self._transport, "GET", f"{BASE}/healthcheck", empty=True)
        return HealthCheck(ok=True, status=None)

    # --- SIREN ----------------------------------------------------------------------------

    def get_legal_unit(self, identifier: str) -> LegalUnit:
        """``GET /cpro/organisations/v1/siren/{uuid_identifiant}`` (Consulter SIREN): a legal unit
        by its uuid, SIREN, or the SIRET or VAT number of one of its structures."""
        return parse.legal_unit(self._object("siren", identifier))

    def search_legal_units(self, query: RegistryQuery | None = None, *,
                           limit: int | None = None, offset: int = 0) -> list[LegalUnit]:
        """``POST /cpro/organisations/v1/siren/recherche`` (Rechercher SIREN), one page
        (``limit``/``offset``)."""
        return [parse.legal_unit(item) for item in self._search(
            "siren", query_body(query, limit=limit, offset=offset))]

    def iter_legal_units(self, query: RegistryQuery | None = None, *,
                         page_size: int = DEFAULT_PAGE_SIZE) -> Iterator[LegalUnit]:
        """Every legal unit matching ``query``, page after page."""
        return iterate_offsets(
            lambda limit, offset: self.search_legal_units(query, limit=limit, offset=offset),
            key=lambda unit: unit.uuid, page_size=page_size)

    def legal_unit_structures(self, identifier: str) -> list[RegistryStructure]:
        """``GET /cpro/organisations/v1/siren/{uuid_identifiant}/structures`` (Rechercher structure
        par SIREN): the establishments of a legal unit."""
        return [parse.structure(item) for item in self._array("siren", identifier, "structures")]

    def legal_unit_attachments(self, identifier: str) -> list[RegistryAttachment]:
        """``GET /cpro/organisations/v1/siren/{uuid_identifiant}/pieces_jointes`` (Consulter pièces
        jointes par SIREN): the attachments of its structures, without their content."""
        return [parse.attachment(item) for item in self._array(
            "siren", identifier, "pieces_jointes", empty_is_not_found=True)]

    def get_legal_unit_attachment(self, identifier: str, attachment_uuid: str
                                  ) -> RegistryAttachment:
        """``GET /cpro/organisations/v1/siren/{uuid_identifiant}/pieces_jointes/{uuid}`` (Récupérer
        PJ par SIREN): one attachment with its content."""
        return parse.attachment(self._object("siren", identifier, "pieces_jointes",
                                             attachment_uuid), with_content=True)

    def legal_unit_bank_accounts(self, identifier: str) -> list[RegistryBankAccount]:
        """``GET /cpro/organisations/v1/siren/{uuid_identifiant}/coordonnees_bancaires`` (Consulter
        coordonnées bancaires par SIREN)."""
        return [parse.bank_account(item) for item in self._array(
            "siren", identifier, "coordonnees_bancaires", empty_is_not_found=True)]

    def download_legal_unit_bank_document(self, identifier: str, document_uuid: str
                                          ) -> RegistryAttachment:
        """``GET /cpro/organisations/v1/siren/{uuid_identifiant}/coordonnees_bancaires/{uuid_pj}``
        (Télécharger PJ par coordonnées bancaires de SIREN): the RIB of a bank account (its
        ``document_uuid``)."""
        return parse.attachment(self._object("siren", identifier, "coordonnees_bancaires",
                                             document_uuid), with_content=True)

    # --- structures -----------------------------------------------------------------------

    def get_structure(self, identifier: str) -> RegistryStructure:
        """``GET /cpro/organisations/v1/structures/{uuid_identifiant}`` (Consulter structure):
        details and routing rules of a structure named by uuid, SIRET or VAT number."""
        return parse.structure(self._object("structures", identifier))

    def search_structures(self, query: RegistryQuery | None = None, *,
                          limit: int | None = None, offset: int = 0) -> list[RegistryStructure]:
        """``POST /cpro/organisations/v1/structures/recherche`` (Rechercher structure), one page."""
        return [parse.structure(item) for item in self._search(
            "structures", query_body(query, limit=limit, offset=offset))]

    def iter_structures(self, query: RegistryQuery | None = None, *,
                        page_size: int = DEFAULT_PAGE_SIZE) -> Iterator[RegistryStructure]:
        """Every structure matching ``query``, page after page."""
        return iterate_offsets(
            lambda limit, offset: self.search_structures(query, limit=limit, offset=offset),
            key=lambda structure: structure.uuid, page_size=page_size)

    def search_structure_uuids(self, query: RegistryQuery | None = None, *,
                               limit: int | None = None, offset: int = 0) -> list[str]:
        """``POST /cpro/organisations/v1/structures/recherche`` with ``_fields: ["uuid"]``: only the
        uuids, as the sandbox test of ZMOG-RO asks (§2.2.4 [S])."""
        body = query_body(query, limit=limit, offset=offset, fields=["uuid"])
        return [item.text("uuid") for item in self._search("structures", body)]

    def structure_services(self, identifier: str) -> list[RegistryService]:
        """``GET /cpro/organisations/v1/structures/{uuid_identifiant}/services`` (Rechercher
        service): every service of the structure, inactive ones included."""
        return [parse.service(item) for item in self._array("structures", identifier,
                                                            "services")]

    def structure_attachments(self, identifier: str) -> list[RegistryAttachment]:
        """``GET /cpro/organisations/v1/structures/{uuid_identifiant}/pieces_jointes`` (Consulter
        pièces jointes par structure); none is an empty list (the API's 400 NotFoundReference, §2.0
        [S])."""
        return [parse.attachment(item) for item in self._array(
            "structures", identifier, "pieces_jointes", empty_is_not_found=True)]

    def get_structure_attachment(self, identifier: str, attachment_uuid: str
                                 ) -> RegistryAttachment:
        """``GET /cpro/organisations/v1/structures/{uuid_identifiant}/pieces_jointes/{uuid}``
        (Récupérer PJ par structure): one attachment with its content."""
        return parse.attachment(self._object("structures", identifier, "pieces_jointes",
                                             attachment_uuid), with_content=True)

    def structure_bank_accounts(self, identifier: str) -> list[RegistryBankAccount]:
        """``GET /cpro/organisations/v1/structures/{uuid_identifiant}/coordonnees_bancaires``
        (Consulter coordonnées bancaires par structure)."""
        return [parse.bank_account(item) for item in self._array(
            "structures", identifier, "coordonnees_bancaires",
            empty_is_not_found=True)]

    def download_structure_bank_document(self, identifier: str, document_uuid: str
                                         ) -> RegistryAttachment:
        """``GET
        /cpro/organisations/v1/structures/{uuid_identifiant}/coordonnees_bancaires/{uuid_pj}``
        (Télécharger PJ par coordonnées bancaires de structure): the RIB of one of its bank
        accounts."""
        return parse.attachment(self._object("structures", identifier, "coordonnees_bancaires",
                                             document_uuid), with_content=True)

    def update_edi_settings(self, identifier: str, *,
                            receives_edi_lifecycle: bool | None = None,
                            sends_edi_flows: bool | None = None) -> None:
        """``PATCH /cpro/organisations/v1/structures/{uuid_identifiant}/parametres-edi`` (Modifier
        structure): the EDI settings, ``reception_edi`` and ``connexion_edi`` on the wire (§2.1 #11
        [S]); None leaves one unchanged. A structure the account may not modify is a
        :class:`ChorusRejectedError` with ``http_status`` 403."""
        body = compact({"reception_edi": receives_edi_lifecycle,
                        "connexion_edi": sends_edi_flows})
        rest.call(self._transport, "PATCH",
                  f"{BASE}/{rest.path('structures', identifier, 'parametres-edi')}", body,
                  empty=True)

    # --- services -------------------------------------------------------------------------

    def get_service(self, service_uuid: str) -> RegistryService:
        """``GET /cpro/organisations/v1/services/{uuid}`` (Consulter service)."""
        return parse.service(self._object("services", service_uuid))

    def search_services(self, query: RegistryQuery | None = None, *,
                        limit: int | None = None, offset: int = 0) -> list[RegistryService]:
        """``POST /cpro/organisations/v1/services/recherche`` (Rechercher services), one page; e.g.
        the services of a structure: ``Condition(ServiceField.STRUCTURE_UUID, uuid)``."""
        return [parse.service(item) for item in self._search(
            "services", query_body(query, limit=limit, offset=offset))]

    def iter_services(self, query: RegistryQuery | None = None, *,
                      page_size: int = DEFAULT_PAGE_SIZE) -> Iterator[RegistryService]:
        """Every service matching ``query``, page after page."""
        return iterate_offsets(
            lambda limit, offset: self.search_services(query, limit=limit, offset=offset),
            key=lambda service: service.uuid, page_size=page_size)

    def create_service(self, creation: ServiceCreation) -> RegistryService:
        """``POST /cpro/organisations/v1/services`` (Créer service, [U] body): a new active service
        of a structure the technical account is attached to; the Structures API lists it afterwards
        too."""
        address = creation.address
        body = compact({
            "rattachementOrganisation": creation.structure,
            "codeService": creation.code,
            "libelle": creation.label,
            "description": creation.description,
            "numeroEj": creation.commitment_required,
            **({} if address is None else {
                "adresse": address.line, "complementAdresse1": address.complement_1,
                "complementAdresse2": address.complement_2, "codePostal": address.postal_code,
                "ville": address.city, "pays": address.country, "telephone": address.phone}),
        })
        operation = f"{BASE}/services"
        return parse.service(Reader(rest.call(self._transport, "POST", operation, body),
                                    operation=operation))
