"""The one seam through which the portal reads Chorus Pro's directory of structures.

Two sources answer the same questions (a structure by SIRET with its routing rules and services,
public structures by name, a connection's own structure):

- ``structures``: the Structures API (``/cpro/structures/v1``), what the portal used first; the
  annex v6.1 (§2.2) says it is to be decommissioned "d'ici 2027";
- ``referentiel``: the Référentiel des Organisations (``/cpro/organisations/v1``), its successor.

Which one a connection uses is decided here only, by :func:`directory_source_name`, from
``settings.CHORUS_DIRECTORY_SOURCE`` (a source per Chorus Pro environment). Everything else
(the recipient lookup, the name search, the connection test, the own-structure refresh, the
service creation) asks :func:`directory_source_for` and reads the neutral records below.

What the Référentiel does not give, and how this module makes up for it (contract-works-and-new-
apis §2.3, [U] where marked):

- ``idStructureCPP`` (the invoice APIs' structure id) is not in its shapes [U]: a recipient's is
  read from Transverses ``rechercher/destinataire`` by SIRET, a connection's own structure's from
  ``recuperer/structures/actives/{fournisseur,destinataire}``; both are live Transverses
  operations the annex does not deprecate;
- a service has a uuid, not an ``idService``: services keep the id they had, if any;
- the technical password's expiry date has no equivalent [U]: the Référentiel source reports
  none, and the manager's own date (typed with the password) stays;
- ``pays`` is a label ("France"), not an ISO code [S]: it is read back through Chorus Pro's
  own country list (``recuperer/pays``), and left as it was when the list does not name it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.conf import settings

from chorus_client import (
    ChorusClient,
    ChorusRejectedError,
    IdentifierType,
    PageRequest,
    RecipientSearch,
    StructureKind,
    StructureSearch,
)
from chorus_client.types_organisations import (
    Condition,
    Operator,
    OrganisationStatus,
    OrganisationType,
    RegistryQuery,
    RegistryStructure,
    ServiceCreation,
    ServiceState,
    StructureField,
)
from reference_lists.models import ReferenceEntry
from reference_lists.selectors import reference_codes_by_label

SOURCE_STRUCTURES = "structures"
SOURCE_REFERENTIEL = "referentiel"
SOURCES = (SOURCE_REFERENTIEL, SOURCE_STRUCTURES)
# §2.2.1 [S]: typeIdentifiant "0" is a SIRET.
REGISTRY_SIRET_TYPE = "0"
# §2.0 [S]: a consultation of an unknown identifier answers 400 NotFoundReference.
REGISTRY_NOT_FOUND = "NotFoundReference"


def directory_source_name(environment: str) -> str:
    """``referentiel`` or ``structures``: the source the connections of ``environment`` read the
    directory from (``settings.CHORUS_DIRECTORY_SOURCE``; the Référentiel when unset)."""
    chosen = (getattr(settings, "CHORUS_DIRECTORY_SOURCE", None) or {}).get(environment)
    return chosen if chosen in SOURCES else SOURCE_REFERENTIEL


@dataclass(frozen=True)
class DirectoryService:
    code: str
    label: str
    active: bool
    commitment_required: bool
    chorus_id: int | None = None


@dataclass(frozen=True)
class DirectoryRecord:
    """A structure as the directory source read it. ``consulted`` is False when only a search
    result is known (a private structure the account may not consult): then only ``siret``,
    ``name``, ``active`` and ``chorus_id`` mean something. ``services`` is None when they were
    not read (private structures)."""

    siret: str
    name: str
    active: bool
    chorus_id: int | None = None
    consulted: bool = True
    is_public: bool | None = None
    vat_number: str | None = None  # None: not given, the stored one stays
    address_line: str = ""
    postal_code: str = ""
    city: str = ""
    country_code: str = ""
    service_code_required: bool = False
    commitment_required: bool = False
    service_or_commitment_required: bool = False
    receives_edi_lifecycle: bool | None = None
    sends_edi_flows: bool | None = None
    services: list[DirectoryService] | None = None
    password_expires_at: datetime | None = None
    identifier_is_siret: bool = True
    extra: dict = field(default_factory=dict)


class DirectorySource(Protocol):
    name: str

    def structure(self, siret: str) -> DirectoryRecord | None: ...
    def search_public(self, text: str, *, limit: int) -> list[DirectoryRecord]: ...
    def own_structure(self, siret: str, *, public: bool) -> DirectoryRecord | None: ...
    def create_service(self, creation: ServiceCreation) -> DirectoryService: ...


def _text(value: str | None) -> str:
    return (value or "").strip()


def country_code(value: str | None, labels: dict[str, str] | None = None) -> str:
    """An ISO code from what Chorus Pro writes: a code, or a label of Chorus Pro's country list
    (recuperer/pays, kept by reference_lists; ``labels`` when the caller already has them);
    "" when unknown, so that the stored country stays."""
    text = _text(value)
    if len(text) == 2 and text.isalpha():
        return text.upper()
    if not text:
        return ""
    if labels is None:
        labels = reference_codes_by_label(ReferenceEntry.Kind.COUNTRY)
    return labels.get(text.casefold(), "")


class StructuresApiSource:
    """The directory read from ``/cpro/structures/v1`` (contract §4)."""

    name = SOURCE_STRUCTURES

    def __init__(self, client: ChorusClient) -> None:
        self.client = client

    def _record(self, summary, details, services) -> DirectoryRecord:
        if details is None:
            return DirectoryRecord(
                siret=summary.identifier,
                name=_text(summary.name),
                active=summary.active,
                chorus_id=summary.id,
                consulted=False,
            )
        address = details.address
        return DirectoryRecord(
            siret=summary.identifier,
            name=_text(details.company_name) or _text(details.label) or _text(summary.name),
            active=summary.active,
            chorus_id=summary.id,
            is_public=None if details.kind is None else details.kind == StructureKind.PUBLIQUE,
            vat_number=_text(details.vat_number),
            address_line=_text(address.line) if address else "",
            postal_code=_text(address.postal_code) if address else "",
            city=_text(address.city) if address else "",
            country_code=country_code(address.country) if address else "",
            service_code_required=details.routing.service_code_required,
            commitment_required=details.routing.commitment_required,
            service_or_commitment_required=details.routing.service_code_or_commitment,
            services=services,
            password_expires_at=details.technical_password_expires_at,
        )

    def structure(self, siret: str) -> DirectoryRecord | None:
        """``rechercher`` by SIRET, ``consulter`` (refused for a private structure the account is
        not attached to: the search result is kept), and for a public structure every page of
        ``rechercher/services`` plus ``consulter/service`` for each active service, unless the
        structure itself already requires a commitment (the service's flag changes nothing)."""
        structures = self.client.structures
        summary = structures.find_structure_by_siret(siret)
        if summary is None:
            return None
        try:
            details = structures.get_structure(summary.id)
        except ChorusRejectedError:
            return self._record(summary, None, None)
        services = None
        if details.kind == StructureKind.PUBLIQUE:
            services = []
            for service in structures.iter_services(summary.id):
                needs_commitment = False
                if service.active and not details.routing.commitment_required:
                    needs_commitment = structures.get_service(
                        summary.id, service.id
                    ).commitment_required
                services.append(
                    DirectoryService(
                        code=service.code,
                        label=_text(service.name),
                        active=service.active,
                        commitment_required=needs_commitment,
                        chorus_id=service.id,
                    )
                )
        return self._record(summary, details, services)

    def search_public(self, text: str, *, limit: int) -> list[DirectoryRecord]:
        page = self.client.structures.search_structures(
            StructureSearch(company_name=text, kind=StructureKind.PUBLIQUE),
            PageRequest(page_size=limit),
        )
        return [
            DirectoryRecord(
                siret=summary.identifier,
                name=_text(summary.name),
                active=summary.active,
                chorus_id=summary.id,
                consulted=False,
                is_public=True,
                identifier_is_siret=summary.identifier_type in (None, IdentifierType.SIRET),
            )
            for summary in page.items
        ]

    def own_structure(self, siret: str, *, public: bool) -> DirectoryRecord | None:
        structures = self.client.structures
        summary = structures.find_structure_by_siret(siret)
        if summary is None:
            return None
        return self._record(summary, structures.get_structure(summary.id), None)

    def create_service(self, creation: ServiceCreation) -> DirectoryService:
        # The Structures API has no creation: services are created in the Référentiel, whichever
        # source reads the directory (the Structures API then lists them too).
        return ReferentielSource(self.client).create_service(creation)


class ReferentielSource:
    """The directory read from ``/cpro/organisations/v1`` (contract-works-and-new-apis §2)."""

    name = SOURCE_REFERENTIEL

    def __init__(self, client: ChorusClient) -> None:
        self.client = client

    def _consult(self, siret: str) -> RegistryStructure | None:
        try:
            return self.client.organisations.get_structure(siret)
        except ChorusRejectedError as refused:
            if refused.reason == REGISTRY_NOT_FOUND:
                return None
            raise

    @staticmethod
    def _record(
        found: RegistryStructure, chorus_id: int | None, services: list[DirectoryService] | None
    ) -> DirectoryRecord:
        address = found.address
        return DirectoryRecord(
            siret=found.identifier,
            name=_text(found.company_name) or _text(found.label),
            active=found.status == OrganisationStatus.ACTIVE,
            chorus_id=chorus_id,
            is_public=found.type == OrganisationType.PUBLIC,
            vat_number=_text(found.vat_number),
            address_line=_text(address.line),
            postal_code=_text(address.postal_code),
            city=_text(address.city),
            country_code=country_code(address.country),
            service_code_required=found.routing.service_code_required,
            commitment_required=found.routing.commitment_required,
            service_or_commitment_required=found.routing.service_code_or_commitment,
            receives_edi_lifecycle=found.receives_edi_lifecycle,
            sends_edi_flows=found.sends_edi_flows,
            services=services,
            identifier_is_siret=found.identifier_type_code in (None, REGISTRY_SIRET_TYPE),
        )

    def _recipient_id(self, siret: str) -> int | None:
        """[U] the Référentiel has no idStructureCPP: a public recipient's is Transverses
        ``rechercher/destinataire``'s ``idStructure`` for its SIRET."""
        try:
            page = self.client.transverses.search_recipients(
                RecipientSearch(siret=siret), PageRequest(page_size=1)
            )
        except ChorusRejectedError:
            # Not a recipient Transverses lists: the structure is still read, without its id.
            return None
        return next((item.id for item in page.items if item.siret == siret), None)

    def structure(self, siret: str) -> DirectoryRecord | None:
        """``GET structures/{siret}``, then for a public structure ``GET structures/{siret}/
        services`` (each service carries ``numeroEj``: no consultation per service) and its
        Chorus Pro id. A private structure the account is not attached to is not shown."""
        found = self._consult(siret)
        if found is None:
            return None
        services = None
        chorus_id = None
        if found.type == OrganisationType.PUBLIC:
            services = [
                DirectoryService(
                    code=service.code,
                    label=_text(service.label),
                    active=service.state == ServiceState.ACTIF,
                    commitment_required=service.commitment_required,
                )
                for service in self.client.organisations.structure_services(found.uuid)
            ]
            chorus_id = self._recipient_id(siret)
        return self._record(found, chorus_id, services)

    def search_public(self, text: str, *, limit: int) -> list[DirectoryRecord]:
        query = RegistryQuery(
            conditions=(
                Condition(StructureField.COMPANY_NAME, text, Operator.CONTAINS),
                Condition(StructureField.TYPE, OrganisationType.PUBLIC),
            )
        )
        found = self.client.organisations.search_structures(query, limit=limit)
        return [
            DirectoryRecord(**{**vars(self._record(item, None, None)), "consulted": False})
            for item in found
        ]

    def own_structure(self, siret: str, *, public: bool) -> DirectoryRecord | None:
        """The connection's own structure; its Chorus Pro id from the account's active
        structures (``recuperer/structures/actives/...``) [U: no idStructureCPP here]."""
        found = self._consult(siret)
        if found is None:
            return None
        directory = self.client.transverses
        # The Référentiel's own word on the kind, rather than the portal's copy of it.
        actives: Iterable = (
            directory.active_recipient_structures()
            if found.type == OrganisationType.PUBLIC
            else directory.active_supplier_structures()
        )
        chorus_id = next((item.id for item in actives if item.identifier == siret), None)
        return self._record(found, chorus_id, None)

    def create_service(self, creation: ServiceCreation) -> DirectoryService:
        created = self.client.organisations.create_service(creation)
        return DirectoryService(
            code=created.code,
            label=_text(created.label),
            active=created.state == ServiceState.ACTIF,
            commitment_required=created.commitment_required,
        )


def directory_source_for(client: ChorusClient, environment: str) -> DirectorySource:
    """The directory source of ``environment``, reading through ``client`` (built by
    ``structures.chorus.chorus_client_for``)."""
    if directory_source_name(environment) == SOURCE_STRUCTURES:
        return StructuresApiSource(client)
    return ReferentielSource(client)
