"""Strict reading of the Référentiel des Organisations' answers (contract-works-and-new-apis
§2.2). Required fields are the ones every object of its kind must have (ids, names of the
enumerations); a missing one is a :class:`~chorus_client.ChorusProtocolError`."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from .errors import ChorusProtocolError
from .types_organisations import (
    LegalUnit,
    OrganisationStatus,
    OrganisationType,
    RegistryAttachment,
    RegistryBankAccount,
    RegistryService,
    RegistryStructure,
    ServiceState,
)
from .types_structures import PostalAddress, StructureRouting
from .wire import Reader


def readers(answer: Any, operation: str) -> list[Reader]:
    """The objects of a bare JSON array (§2.0 [S]: lists come without an envelope)."""
    if not isinstance(answer, list):
        raise ChorusProtocolError(f"expected a JSON array, got {type(answer).__name__}",
                                  operation=operation)
    return [Reader(item, operation=operation, path=f"[{index}]")
            for index, item in enumerate(answer)]


def _flat_address(item: Reader) -> PostalAddress:
    """§2.3 [S]: the address is flat in these objects, the country a label ("France")."""
    return PostalAddress(
        line=item.opt_text("adresse"), complement_1=item.opt_text("complementAdresse1"),
        complement_2=item.opt_text("complementAdresse2"),
        postal_code=item.opt_text("codePostal"), city=item.opt_text("ville"),
        country=item.opt_text("pays"), phone=item.opt_text("telephone"), fax=None)


def structure(item: Reader) -> RegistryStructure:
    return RegistryStructure(
        uuid=item.text("uuid"),
        identifier=item.text("identifiant"),
        identifier_type_code=item.opt_text("typeIdentifiant"),
        label=item.opt_text("libelleOrganisation"),
        company_name=item.opt_text("raisonSociale"),
        last_name=item.opt_text("nomStructure"),
        first_name=item.opt_text("prenomStructure"),
        type=item.enum("typeOrganisation", OrganisationType),
        status=item.enum("status", OrganisationStatus),
        vat_number=item.opt_text("numeroTvaIntracommunautaire"),
        rcs_number=item.opt_text("numeroRcsStructure"),
        legal_category=item.opt_text("categorieJuridique"),
        company_category=item.opt_text("categorieEntreprise"),
        main_contact_uuid=item.opt_text("contactPrincipal"),
        parent_uuid=item.opt_text("organisationParent"),
        address=_flat_address(item),
        email=item.opt_text("adresseElectronique"),
        routing=StructureRouting(
            service_code_required=item.flag("codeServiceDoitEtreRenseigne"),
            # §2.2.1 [S]: "Ej", not the Structures API's "EJ".
            commitment_required=item.flag("numeroEjDoitEtreRenseigne"),
            service_code_or_commitment=item.flag("gestionNumeroEJOuCodeService")),
        payment_status_not_reported=item.flag("statutMiseEnPaiementNestPasRemonte"),
        with_project_owner=item.flag("avecMOA"),
        project_owner_only=item.flag("estMOAUniquement"),
        receives_edi_lifecycle=item.flag("recevoirCyclesViesEdi"),
        sends_edi_flows=item.flag("emetteurFluxEdi"),
        not_disclosed_by_insee=item.flag("nonDiffusibleInsee"),
        agricultural_management_centre=item.flag("estCentreGestionAgricole"),
        pacage_number=item.opt_integer("numeroPacage"),
        origin_structure=item.opt_integer("structureOrigine"),
        updated_at=item.opt_moment("derniereMaj"),
    )


def service(item: Reader) -> RegistryService:
    return RegistryService(
        uuid=item.text("uuid"), code=item.text("codeService"),
        label=item.opt_text("libelle"), description=item.opt_text("description"),
        structure_uuid=item.text("rattachementOrganisation"),
        state=item.enum("etatService", ServiceState),
        commitment_required=item.flag("numeroEj"),
        created_at=item.opt_moment("dateCreation"),
        active_from=item.opt_moment("dateDebutActivation"),
        active_until=item.opt_moment("dateFinActivation"),
        modified_at=item.opt_moment("dateModification"),
        deleted_at=item.opt_moment("dateSuppression"),
        address=_flat_address(item), updated_at=item.opt_moment("derniereMaj"))


def legal_unit(item: Reader) -> LegalUnit:
    uuids = item.data.get("structures") or []
    if not isinstance(uuids, list) or not all(isinstance(u, str) for u in uuids):
        raise ChorusProtocolError("field 'structures' of a SIREN is not a list of uuids",
                                  operation=item.operation)
    return LegalUnit(uuid=item.text("uuid"), siren=item.text("siren"),
                     company_name=item.opt_text("raisonSociale"), structure_uuids=list(uuids))


def bank_account(item: Reader) -> RegistryBankAccount:
    return RegistryBankAccount(
        uuid=item.text("uuid"), iban=item.opt_text("iban"), bic=item.opt_text("bic"),
        label=item.opt_text("libelle"), holder=item.opt_text("titulaire"),
        status=item.opt_text("statut"), document_uuid=item.opt_text("uuidPieceJointe"))


def attachment(item: Reader, *, with_content: bool = False) -> RegistryAttachment:
    """§2.2.3 [S]: uuid, fileName, contentType and sizeBytes always; attachmentData (base64) in
    the single-attachment answer."""
    content = None
    if with_content:
        try:
            content = base64.b64decode(item.text("attachmentData"), validate=True)
        except (binascii.Error, ValueError):
            raise ChorusProtocolError("field 'attachmentData' is not valid base64",
                                      operation=item.operation) from None
    return RegistryAttachment(uuid=item.text("uuid"), file_name=item.text("fileName"),
                              content_type=item.text("contentType"),
                              size_bytes=item.integer("sizeBytes"), content=content)
