"""Transverses API, reference lists (contract §3.3-§3.7, §3.13): every list comes from the
world's ``referentiels`` (``referentiels.py``), in the language asked by ``codeLangue``."""

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
from chorus_emulator.referentiels import localized
from chorus_emulator.rules import INVALID_VALUE


def _list(ctx, name: str) -> list:
    return ctx.world.referentiels.get(name, [])


# The lists of bare codes, each served as one-key objects (``[{"modeDepot": "SAISIE_API"}]``):
# (path under recuperer/, answer's list key, item key, world list).
CODE_LISTS = (
    ("modereglements", "listeModePaiement", "modePaiement", "modesPaiement"),
    ("typeidentifiant/structure", "listeTypeIdentifiant", "typeIdentifiantStructure",
     "typesIdentifiantStructure"),
    # [U] absent from the contract's sources; shaped like the other code lists of §3.7.
    ("typestructure", "listeTypeStructure", "typeStructure", "typesStructure"),
    ("typedp", "listeTypeDemandePaiement", "typeDemandePaiement", "typesDemandePaiement"),
    ("typefacturetravaux", "listeTypeFactureTravaux", "typeFactureTravaux",
     "typesFactureTravaux"),
    # [U] every deposit mode an invoice can show (contract §9.9), not only soumettre's three.
    ("modedepot", "listeModeDepot", "modeDepot", "modesDepot"),
    # contract §3.7 [S: ZMOG]: the formats (E1 structured, E2 mixed, Factur-X), not syntaxes.
    ("formatflux", "listeFormatFlux", "formatFlux", "formatsFlux"),
    # [U] absent from the contract's sources, shaped like formatflux; exactly what deposer/flux
    # accepts.
    ("syntaxeflux", "listeSyntaxeFlux", "syntaxeFlux", "syntaxesFlux"),
)


def _code_list(list_key: str, key: str, name: str):
    def serve(ctx, body):
        return ok(OK_TRANSVERSES, **{list_key: [{key: code} for code in _list(ctx, name)]})
    return serve


for _path, _list_key, _key, _name in CODE_LISTS:
    operation(f"transverses/v1/recuperer/{_path}")(_code_list(_list_key, _key, _name))


def _payment_request_type(ctx, body) -> str:
    # [U] contract §3.5/§3.7: the type is optional; without it, simple invoices.
    kind = get_str(body, "typeDemandePaiement") or "FACTURE"
    if kind not in _list(ctx, "typesDemandePaiement"):
        raise BusinessError(INVALID_VALUE, f"Le type de demande de paiement {kind} est inconnu.")
    return kind


@operation("transverses/v1/recuperer/tauxtva")
def recuperer_taux_tva(ctx, body):
    # contract §3.4/§9.10 [U]: only TVA1 is real; the rest of the fixture's list is made up.
    return ok(OK_TRANSVERSES, listeTauxTva=localized(_list(ctx, "tauxTva"),
                                                     get_str(body, "codeLangue")))


@operation("transverses/v1/recuperer/cadrefacturation")
def recuperer_cadre_facturation(ctx, body):
    kind = _payment_request_type(ctx, body)
    # The simple frameworks are also what soumettre accepts (world "cadresFacturation").
    codes = (_list(ctx, "cadresFacturation") if kind == "FACTURE"
             else _list(ctx, "cadresFacturationParTypeDemandePaiement").get(kind, []))
    return ok(OK_TRANSVERSES, listeCadreFacturation=[{"codeCadreFacturation": code}
                                                     for code in codes])


@operation("transverses/v1/recuperer/motifs/exonerationtva")
def recuperer_motifs_exoneration(ctx, body):
    return ok(OK_TRANSVERSES, listeMotifsExonerationTva=localized(
        _list(ctx, "motifsExonerationTva"), get_str(body, "codeLangue")))


@operation("transverses/v1/recuperer/motifs/refus/Facture/AValider")
def recuperer_motifs_refus(ctx, body):
    framework = get_str(body, "codeCadreFacturationAValider")
    # [U] the reasons are the same for every framework that has a validator; a framework
    # without one has none.
    with_validator = framework is None or framework in _list(ctx, "cadresAvecValideur")
    return ok(OK_TRANSVERSES, listeMotifRefusFactureAValider=localized(
        _list(ctx, "motifsRefusFactureAValider") if with_validator else [],
        get_str(body, "codeLangue")))


@operation("transverses/v1/recuperer/devises")
def recuperer_devises(ctx, body):
    return ok(OK_TRANSVERSES, listeDevises=localized(_list(ctx, "devises"),
                                                     get_str(body, "codeLangue")))


@operation("transverses/v1/recuperer/pays")
def recuperer_pays(ctx, body):
    return ok(OK_TRANSVERSES, listePays=localized(_list(ctx, "pays"),
                                                  get_str(body, "codeLangue")))


@operation("transverses/v1/recuperer/typespj")
def recuperer_types_pj(ctx, body):
    wanted = get_str(body, "typeObjet")
    return ok(OK_TRANSVERSES, listeTypePieceJointe=localized(
        [item for item in _list(ctx, "typesPieceJointe")
         if wanted is None or item["typeObjet"] == wanted], get_str(body, "codeLangue")))


@operation("transverses/v1/recuperer/etat/typedp")
def recuperer_etats_par_type_dp(ctx, body):
    states = _list(ctx, "etatsParTypeDemandePaiement").get(_payment_request_type(ctx, body), [])
    return ok(OK_TRANSVERSES, listeEtatDemandePaiement=[{"etatDemandePaiement": state}
                                                        for state in states])


# Solicitation categories (contract §3.13 [S: GO]) -------------------------------------------
def _matches(value: str | None, wanted: str | None, *, exact: bool = False) -> bool:
    if wanted is None:
        return True
    return (value or "") == wanted if exact else wanted.casefold() in (value or "").casefold()


def _category_out(category: dict) -> dict:
    return {key: category[key] for key in ("idTechniqueCategorie", "codeCategorie",
                                           "libelleCategorie")}


@operation("transverses/v1/rechercher/categorieSollicitation")
def rechercher_categories(ctx, body):
    page = Page(get_obj(body, "pagination"))
    active = get_bool(body, "estActif")
    found = [category for category in localized(_list(ctx, "categoriesSollicitation"),
                                                get_str(body, "codeLangue"))
             if _matches(category["codeCategorie"], get_str(body, "codeCategorie"), exact=True)
             and _matches(category["libelleCategorie"], get_str(body, "libelleCategorie"))
             and (active is None or category["estActif"] == active)]
    return ok(OK_TRANSVERSES, listeCategories=[_category_out(c) for c in page.slice(found)],
              parametresRetour=page.info(len(found)))


@operation("transverses/v1/rechercher/sousCategorieSollicitation")
def rechercher_sous_categories(ctx, body):
    """[S: GO] the answer groups each category with its sub-categories
    (``listeSousCategories[{categorie: [...], ssCategorie: [...]}]``); [U] the page counts
    sub-categories, and each sub-category names its category by ``idTechniqueCategorie``."""
    page = Page(get_obj(body, "pagination"))
    active = get_bool(body, "estActif")
    category_id = get_int(body, "idTechniqueCategorie")
    found = []
    for category in _list(ctx, "categoriesSollicitation"):
        if category_id is not None and category["idTechniqueCategorie"] != category_id:
            continue
        for sub in localized(category.get("sousCategories", []), get_str(body, "codeLangue")):
            if (_matches(sub["code"], get_str(body, "code"), exact=True)
                    and _matches(sub["libelle"], get_str(body, "libelle"))
                    and (active is None or sub["estActif"] == active)):
                found.append((category, {**sub, "idTechniqueCategorie":
                                         category["idTechniqueCategorie"]}))
    groups: dict[int, dict] = {}
    for category, sub in page.slice(found):
        group = groups.setdefault(category["idTechniqueCategorie"], {
            "categorie": [_category_out(localized([category], get_str(body, "codeLangue"))[0])],
            "ssCategorie": []})
        group["ssCategorie"].append(sub)
    return ok(OK_TRANSVERSES, listeSousCategories=list(groups.values()),
              parametresRetour=page.info(len(found)))
