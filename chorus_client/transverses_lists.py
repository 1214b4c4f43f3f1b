"""Transverses API, reference lists (contract §3.4-§3.7, §3.13)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import ChorusProtocolError
from .paging import page_params, read_page
from .transverses_base import TransversesCalls
from .types_common import (
    BillingFramework,
    DepositMode,
    FlowSyntax,
    IdentifierType,
    InvoiceStatus,
    Page,
    PageRequest,
    PaymentMode,
    PaymentRequestType,
    StructureKind,
)
from .types_referentiels import (
    AttachmentObjectType,
    AttachmentType,
    Country,
    Currency,
    FlowFormat,
    SolicitationCategory,
    SolicitationCategorySearch,
    SolicitationSubcategory,
    SolicitationSubcategorySearch,
)
from .types_transverses import RefusalReason, VatExemptionReason, VatRate
from .wire import Reader, compact


def _category(item: Reader) -> SolicitationCategory:
    return SolicitationCategory(id=item.integer("idTechniqueCategorie"),
                                code=item.text("codeCategorie"),
                                label=item.opt_text("libelleCategorie") or "")


class ReferenceLists(TransversesCalls):
    """The lists that say which codes Chorus Pro accepts, each read from Chorus Pro itself."""

    def _codes[E](self, path: str, list_key: str, key: str, parse: Callable[[Reader, str], E],
                  body: dict[str, Any] | None = None) -> list[E]:
        answer = self._call(path, body or {})
        return [parse(item, key) for item in answer.items(list_key)]

    def vat_rates(self, *, language: str = "FR") -> list[VatRate]:
        """``POST /cpro/transverses/v1/recuperer/tauxtva`` (recupererTauxTva): the VAT rate
        codes ([U] full list)."""
        answer = self._call("recuperer/tauxtva", {"codeLangue": language})
        return [VatRate(code=item.text("codeTauxTva"), label=item.opt_text("libelleTauxTva") or "",
                        rate=item.amount("valeurTauxTva"))
                for item in answer.items("listeTauxTva")]

    def billing_frameworks(self, *, payment_request_type: PaymentRequestType =
                           PaymentRequestType.FACTURE) -> list[BillingFramework]:
        """``POST /cpro/transverses/v1/recuperer/cadrefacturation`` (recupererCadreFacturation):
        the billing frameworks of a kind of payment request."""
        return self._codes("recuperer/cadrefacturation", "listeCadreFacturation",
                           "codeCadreFacturation",
                           lambda item, key: item.enum(key, BillingFramework),
                           {"typeDemandePaiement": payment_request_type})

    def payment_modes(self) -> list[PaymentMode]:
        """``POST /cpro/transverses/v1/recuperer/modereglements`` (recupererModeReglements):
        accepted payment modes."""
        return self._codes("recuperer/modereglements", "listeModePaiement", "modePaiement",
                           lambda item, key: item.enum(key, PaymentMode))

    def vat_exemption_reasons(self, *, language: str = "FR") -> list[VatExemptionReason]:
        """``POST /cpro/transverses/v1/recuperer/motifs/exonerationtva``
        (recupererMotifsExonerationTva): VAT exemption reasons."""
        answer = self._call("recuperer/motifs/exonerationtva", {"codeLangue": language})
        return [VatExemptionReason(code=item.text("codeMotifExonerationTva"),
                                   label=item.opt_text("libelleMotifExonerationTva") or "")
                for item in answer.items("listeMotifsExonerationTva")]

    def validator_refusal_reasons(self, framework: BillingFramework) -> list[RefusalReason]:
        """``POST /cpro/transverses/v1/recuperer/motifs/refus/Facture/AValider``
        (recupererMotifsRefusFactureAValider): the reasons a validator may give to refuse an
        invoice of this billing framework."""
        answer = self._call("recuperer/motifs/refus/Facture/AValider",
                            {"codeCadreFacturationAValider": framework})
        return [RefusalReason(id=item.opt_integer("idMotif"), code=item.text("codeMotif"),
                              label=item.opt_text("libelleMotif") or "")
                for item in answer.items("listeMotifRefusFactureAValider")]

    def currencies(self, *, language: str = "FR") -> list[Currency]:
        """``POST /cpro/transverses/v1/recuperer/devises`` (recupererDevises): ISO 4217 codes
        accepted as an invoice's currency."""
        answer = self._call("recuperer/devises", {"codeLangue": language})
        return [Currency(code=item.text("codeDevise"), label=item.opt_text("libelleDevise") or "")
                for item in answer.items("listeDevises")]

    def countries(self, *, language: str = "FR") -> list[Country]:
        """``POST /cpro/transverses/v1/recuperer/pays`` (recupererPays): ISO 3166 countries."""
        answer = self._call("recuperer/pays", {"codeLangue": language})
        return [Country(code=item.text("codePays"), label=item.opt_text("libellePays") or "")
                for item in answer.items("listePays")]

    def attachment_types(self, object_type: AttachmentObjectType | None = None, *,
                         language: str = "FR") -> list[AttachmentType]:
        """``POST /cpro/transverses/v1/recuperer/typespj`` (recupererTypesPieceJointe): the
        kinds of attachment, optionally for one kind of object."""
        answer = self._call("recuperer/typespj", compact({"codeLangue": language,
                                                          "typeObjet": object_type}))
        return [AttachmentType(id=item.integer("idTypePieceJointe"),
                               code=item.text("codeTypePieceJointe"),
                               label=item.opt_text("libelleTypePieceJointe") or "",
                               object_type=item.enum("typeObjet", AttachmentObjectType))
                for item in answer.items("listeTypePieceJointe")]

    def identifier_types(self) -> list[IdentifierType]:
        """``POST /cpro/transverses/v1/recuperer/typeidentifiant/structure``
        (recupererTypeIdentifiantStructure): how structures may be identified (SIRET...)."""
        return self._codes("recuperer/typeidentifiant/structure", "listeTypeIdentifiant",
                           "typeIdentifiantStructure",
                           lambda item, key: item.enum(key, IdentifierType))

    def structure_kinds(self) -> list[StructureKind]:
        """``POST /cpro/transverses/v1/recuperer/typestructure`` (recupererTypeStructure):
        public or private. [U] the answer's keys are not in the contract's sources
        (``listeTypeStructure[{typeStructure}]``, like the other code lists)."""
        return self._codes("recuperer/typestructure", "listeTypeStructure", "typeStructure",
                           lambda item, key: item.enum(key, StructureKind))

    def payment_request_types(self) -> list[PaymentRequestType]:
        """``POST /cpro/transverses/v1/recuperer/typedp`` (recupererTypeDemandePaiement)."""
        return self._codes("recuperer/typedp", "listeTypeDemandePaiement", "typeDemandePaiement",
                           lambda item, key: item.enum(key, PaymentRequestType))

    def payment_request_states(self, payment_request_type: PaymentRequestType =
                               PaymentRequestType.FACTURE) -> list[InvoiceStatus]:
        """``POST /cpro/transverses/v1/recuperer/etat/typedp``
        (recupererEtatParTypeDemandePaiement): every status of a kind of payment request."""
        return self._codes("recuperer/etat/typedp", "listeEtatDemandePaiement",
                           "etatDemandePaiement",
                           lambda item, key: item.enum(key, InvoiceStatus),
                           {"typeDemandePaiement": payment_request_type})

    def deposit_modes(self) -> list[DepositMode]:
        """``POST /cpro/transverses/v1/recuperer/modedepot`` (recupererModeDepot)."""
        return self._codes("recuperer/modedepot", "listeModeDepot", "modeDepot",
                           lambda item, key: item.enum(key, DepositMode))

    def flow_syntaxes(self) -> list[FlowSyntax]:
        """``POST /cpro/transverses/v1/recuperer/syntaxeflux`` (recupererSyntaxeFlux): the
        syntaxes deposer/flux accepts. [U] keys ``listeSyntaxeFlux[{syntaxeFlux}]``."""
        return self._codes("recuperer/syntaxeflux", "listeSyntaxeFlux", "syntaxeFlux",
                           lambda item, key: item.enum(key, FlowSyntax))

    def flow_formats(self) -> list[FlowFormat]:
        """``POST /cpro/transverses/v1/recuperer/formatflux`` (recupererFormatFlux)."""
        return self._codes("recuperer/formatflux", "listeFormatFlux", "formatFlux",
                           lambda item, key: item.enum(key, FlowFormat))

    def works_invoice_types(self) -> list[str]:
        """``POST /cpro/transverses/v1/recuperer/typefacturetravaux``
        (recupererTypeFactureTravaux): the kinds of works pieces (PROJET_DECOMPTE_MENSUEL...),
        as Chorus Pro's codes."""
        return self._codes("recuperer/typefacturetravaux", "listeTypeFactureTravaux",
                           "typeFactureTravaux", lambda item, key: item.text(key))

    def solicitation_categories(self, filters: SolicitationCategorySearch | None = None,
                                page: PageRequest | None = None) -> Page[SolicitationCategory]:
        """``POST /cpro/transverses/v1/rechercher/categorieSollicitation``
        (rechercherCategorieSollicitation): one page of solicitation categories."""
        filters = filters or SolicitationCategorySearch()
        page = page or PageRequest()
        answer = self._call("rechercher/categorieSollicitation", compact({
            "codeCategorie": filters.code, "libelleCategorie": filters.label,
            "estActif": filters.active, "codeLangue": filters.language,
            # contract §3.13 [S: GO]: the pagination object is "pagination" here.
            "pagination": page_params(page)}))
        return read_page(answer, "listeCategories", _category, request=page)

    def solicitation_subcategories(self, filters: SolicitationSubcategorySearch | None = None,
                                   page: PageRequest | None = None
                                   ) -> Page[SolicitationSubcategory]:
        """``POST /cpro/transverses/v1/rechercher/sousCategorieSollicitation``
        (rechercherSousCategorieSollicitation): one page of sub-categories, each with its
        category (the answer groups them per category, contract §3.13 [S: GO])."""
        filters = filters or SolicitationSubcategorySearch()
        page = page or PageRequest()
        answer = self._call("rechercher/sousCategorieSollicitation", compact({
            "idTechniqueCategorie": filters.category_id, "code": filters.code,
            "libelle": filters.label, "estActif": filters.active,
            "codeLangue": filters.language, "pagination": page_params(page)}))
        subcategories = []
        for group in answer.items("listeSousCategories"):
            categories = group.items("categorie")
            if not categories:
                raise ChorusProtocolError("a group of sub-categories came without its category",
                                          operation=answer.operation)
            category = _category(categories[0])
            subcategories += [SolicitationSubcategory(
                category=category, code=item.text("code"), label=item.opt_text("libelle") or "",
                active=item.flag("estActif"), created_at=item.opt_moment("dateCreation"),
                modified_at=item.opt_moment("dateDerniereModification"))
                for item in group.items("ssCategorie")]
        info = read_page(answer, "listeSousCategories", lambda group: group, request=page)
        return Page(page=info.page, pages=info.pages, page_size=info.page_size,
                    total=info.total, items=subcategories)
