"""Transverses API, the directory (contract §3.7, §3.8, §3.10, §3.13): the caller's structures
and bank accounts, the public recipients, and INSEE data."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from .paging import page_params, read_page
from .transverses_base import TransversesCalls, decode_file
from .types_common import Page, PageRequest, iterate_pages
from .types_directory import (
    ActiveStructure,
    DirectoryRecipient,
    RecipientSearch,
    SiretInformation,
)
from .types_transverses import BankAccount
from .wire import Reader, compact


def _active(item: Reader) -> ActiveStructure:
    return ActiveStructure(id=item.integer("idStructureCPP"), identifier=item.text("identifiant"),
                           name=item.opt_text("designationStructure"))


def _recipient(item: Reader) -> DirectoryRecipient:
    return DirectoryRecipient(id=item.integer("idStructureCPP"), siret=item.text("siret"),
                              name=item.opt_text("nomDestinataire"),
                              postal_code=item.opt_text("adresseCodePostal"),
                              city=item.opt_text("adresseVille"))


class Directory(TransversesCalls):
    """Who is who in Chorus Pro, from the Transverses API."""

    def _active_structures(self, space: str) -> list[ActiveStructure]:
        answer = self._call(f"recuperer/structures/actives/{space}", {})
        return [_active(item) for item in answer.items("listeStructures")]

    def active_supplier_structures(self) -> list[ActiveStructure]:
        """``POST /cpro/transverses/v1/recuperer/structures/actives/fournisseur``
        (recupererStructuresActivesPourFournisseur): the caller's structures that may issue
        invoices."""
        return self._active_structures("fournisseur")

    def active_recipient_structures(self) -> list[ActiveStructure]:
        """``POST /cpro/transverses/v1/recuperer/structures/actives/destinataire``
        (recupererStructuresActivesPourDestinataire): the caller's structures that receive
        invoices."""
        return self._active_structures("destinataire")

    def active_works_structures(self) -> list[ActiveStructure]:
        """``POST /cpro/transverses/v1/recuperer/structures/actives/facturetravaux``
        (recupererStructuresActivesPourFactureTravaux): the caller's structures in the works
        invoices space."""
        return self._active_structures("facturetravaux")

    def valid_bank_accounts(self, structure_id: int) -> list[BankAccount]:
        """``POST /cpro/transverses/v1/recuperer/coordbanc/valides``
        (recupererCoordonneesBancairesValides): a structure's usable bank accounts; their ``id``
        is the submission's ``supplier_bank_account_id``."""
        answer = self._call("recuperer/coordbanc/valides", {"idStructure": structure_id})
        return [BankAccount(id=item.integer("idCoordonneeBancaire"),
                            name=item.opt_text("nomCoordonneeBancaire"),
                            iban=item.opt_text("iban") or "")
                for item in answer.items("listeCoordonneeBancaire")]

    def search_recipients(self, filters: RecipientSearch,
                          page: PageRequest | None = None) -> Page[DirectoryRecipient]:
        """``POST /cpro/transverses/v1/rechercher/destinataire`` (rechercherDestinataire): one
        page of public recipients by SIRET, or by name, city or postcode."""
        page = page or PageRequest()
        answer = self._call("rechercher/destinataire", compact({
            "identifiant": filters.siret, "nomVilleCodePostal": filters.text,
            "typeStructure": filters.kind, "parametresRecherche": page_params(page)}))
        return read_page(answer, "listeDestinataires", _recipient, request=page)

    def iter_recipients(self, filters: RecipientSearch, *, page_size: int = 100
                        ) -> Iterator[DirectoryRecipient]:
        """Every recipient matching ``filters``, across all pages."""
        return iterate_pages(partial(self.search_recipients, filters), page_size)

    def siret_information(self, siret: str) -> SiretInformation:
        """``POST /cpro/transverses/v1/consulter/information/siret`` (consulterInformationSIRET):
        INSEE's data of a SIRET. Not answered in the qualification environment (contract
        §3.13)."""
        answer = self._call("consulter/information/siret", {"siretStructure": siret})
        return SiretInformation(
            siret=answer.opt_text("siret") or siret, siren=answer.opt_text("siren"),
            company_name=answer.opt_text("raisonSociale"), address=answer.opt_text("adresse"),
            active=answer.opt_boolean("estActif"),
            legal_category=answer.opt_text("categorieJuridique"),
            company_category=answer.opt_text("categorieEntreprise"),
            company_created_on=answer.opt_day("dateCreationEntreprise"),
            establishment_created_on=answer.opt_day("dateCreationEtablissement"),
            head_office=answer.opt_text("siege"),
            not_public=answer.opt_boolean("nonDiffusibleInsee"))

    def download_recipient_directory(self) -> bytes:
        """``POST /cpro/transverses/v1/telecharger/annuaire/destinataire``
        (telechargerAnnuaireDestinataire): the directory of recipients, a ZIP file. [U] its
        content is not documented; the emulator's is described in its README."""
        return decode_file(self._call("telecharger/annuaire/destinataire", {}),
                           "fichierResultat")
