"""Every Transverses reference list (contract §3.3-§3.7, §3.13), raw, as any client calls them:
the contract's list keys, one-key objects for code lists, labels in the language asked."""

import base64

import pytest

from tests.chorus_emulator.conftest import LYCEE
from tests.chorus_emulator.samples import cii_xml

CODE_LISTS = [
    (
        "recuperer/typeidentifiant/structure",
        "listeTypeIdentifiant",
        "typeIdentifiantStructure",
        ["SIRET", "UE_HORS_FRANCE", "HORS_UE", "RIDET", "TAHITI", "AUTRE", "PARTICULIER"],
    ),
    ("recuperer/typestructure", "listeTypeStructure", "typeStructure", ["PUBLIQUE", "PRIVEE"]),
    (
        "recuperer/typedp",
        "listeTypeDemandePaiement",
        "typeDemandePaiement",
        ["FACTURE", "FACTURE_TRAVAUX"],
    ),
    (
        "recuperer/formatflux",
        "listeFormatFlux",
        "formatFlux",
        ["IN_DP_E1_STRUCT", "IN_DP_E2_MIXTE", "IN_DP_E2_FACTURX"],
    ),
]


@pytest.mark.parametrize(("path", "key", "field", "expected"), CODE_LISTS)
def test_code_lists_are_one_key_objects(lycee, path, key, field, expected):
    payload = lycee.ok(f"transverses/v1/{path}", {})

    assert payload["libelle"] == "TRA_MSG_00.000"
    assert payload[key] == [{field: value} for value in expected]


def test_the_deposit_modes_are_every_mode_an_invoice_can_show(lycee):
    modes = [
        m["modeDepot"] for m in lycee.ok("transverses/v1/recuperer/modedepot", {})["listeModeDepot"]
    ]

    assert {"SAISIE_API", "DEPOT_PDF_API", "DEPOT_PDF_SIGNE_API", "UPLOAD_API"} <= set(modes)
    assert len(modes) == 15


def test_the_works_invoice_types_are_listed(lycee):
    types = lycee.ok("transverses/v1/recuperer/typefacturetravaux", {})["listeTypeFactureTravaux"]

    assert {"typeFactureTravaux": "PROJET_DECOMPTE_MENSUEL"} in types
    assert len(types) == 11


def test_the_syntaxes_listed_are_those_deposer_flux_accepts(supplier):
    syntaxes = [
        s["syntaxeFlux"]
        for s in supplier.ok("transverses/v1/recuperer/syntaxeflux", {})["listeSyntaxeFlux"]
    ]

    assert "IN_DP_E1_CII_16B" in syntaxes and "IN_DP_E2_CII_FACTURX" in syntaxes
    for syntax, code in ((syntaxes[0], 0), ("IN_DP_E9_INCONNU", 20022)):
        answer = supplier.call(
            "factures/v1/deposer/flux",
            {
                "fichierFlux": base64.b64encode(cii_xml("SYN-1", LYCEE)).decode(),
                "nomFichier": "f.xml",
                "syntaxeFlux": syntax,
            },
        )
        assert answer["codeRetour"] == code


@pytest.mark.parametrize(
    ("path", "key", "label", "code", "french", "english"),
    [
        (
            "recuperer/devises",
            "listeDevises",
            "libelleDevise",
            {"codeDevise": "USD"},
            "Dollar des États-Unis",
            "US dollar",
        ),
        ("recuperer/pays", "listePays", "libellePays", {"codePays": "DE"}, "Allemagne", "Germany"),
    ],
)
def test_labelled_lists_answer_in_the_language_asked(
    lycee, path, key, label, code, french, english
):
    def find(language):
        items = lycee.ok(f"transverses/v1/{path}", {"codeLangue": language})[key]
        return next(item for item in items if code.items() <= item.items())

    assert find("FR")[label] == french
    assert find("fr")[label] == french
    assert find("EN")[label] == english
    assert "en" not in find("EN")


def test_attachment_types_are_filtered_by_object(lycee):
    every = lycee.ok("transverses/v1/recuperer/typespj", {})["listeTypePieceJointe"]
    invoice_types = lycee.ok(
        "transverses/v1/recuperer/typespj", {"typeObjet": "FACTURE", "codeLangue": "EN"}
    )["listeTypePieceJointe"]

    assert set(every[0]) == {
        "idTypePieceJointe",
        "codeTypePieceJointe",
        "libelleTypePieceJointe",
        "typeObjet",
    }
    assert invoice_types and {t["typeObjet"] for t in invoice_types} == {"FACTURE"}
    assert "Purchase order" in [t["libelleTypePieceJointe"] for t in invoice_types]
    assert len(invoice_types) < len(every)


def test_billing_frameworks_depend_on_the_payment_request_type(lycee):
    def frameworks(body):
        return [
            f["codeCadreFacturation"]
            for f in lycee.ok("transverses/v1/recuperer/cadrefacturation", body)[
                "listeCadreFacturation"
            ]
        ]

    simple = frameworks({"typeDemandePaiement": "FACTURE"})
    works = frameworks({"typeDemandePaiement": "FACTURE_TRAVAUX"})

    assert (
        simple
        == frameworks({})
        == [
            "A1_FACTURE_FOURNISSEUR",
            "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
            "A9_FACTURE_SOUSTRAITANT",
            "A12_FACTURE_COTRAITANT",
        ]
    )
    assert "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR" in works and not set(works) & set(simple)
    assert (
        lycee.call("transverses/v1/recuperer/cadrefacturation", {"typeDemandePaiement": "MEMOIRE"})[
            "codeRetour"
        ]
        == 20017
    )


def test_states_are_listed_per_payment_request_type(lycee):
    def states(kind):
        return [
            s["etatDemandePaiement"]
            for s in lycee.ok(
                "transverses/v1/recuperer/etat/typedp", {"typeDemandePaiement": kind}
            )["listeEtatDemandePaiement"]
        ]

    assert {"MISE_A_DISPOSITION", "A_VALIDER_2", "MISE_EN_PAIEMENT"} <= set(states("FACTURE"))
    assert {"MISE_A_DISPOSITION_MOA", "PRISE_EN_COMPTE_MOA"} <= set(states("FACTURE_TRAVAUX"))
    assert "A_ASSOCIER_MOE" not in states("FACTURE")


def test_refusal_reasons_exist_only_for_frameworks_with_a_validator(lycee):
    def reasons(framework):
        return lycee.ok(
            "transverses/v1/recuperer/motifs/refus/Facture/AValider",
            {"codeCadreFacturationAValider": framework},
        )["listeMotifRefusFactureAValider"]

    assert reasons("A12_FACTURE_COTRAITANT") == reasons("A9_FACTURE_SOUSTRAITANT")
    assert reasons("A9_FACTURE_SOUSTRAITANT")
    assert reasons("A1_FACTURE_FOURNISSEUR") == []


def test_solicitation_categories_are_searched_and_paged(lycee):
    payload = lycee.ok(
        "transverses/v1/rechercher/categorieSollicitation",
        {"estActif": True, "pagination": {"nbResultatsParPage": 2}},
    )

    assert payload["parametresRetour"] == {
        "pageCourante": 1,
        "pages": 2,
        "nbResultatsParPage": 2,
        "total": 3,
    }
    assert set(payload["listeCategories"][0]) == {
        "idTechniqueCategorie",
        "codeCategorie",
        "libelleCategorie",
    }
    found = lycee.ok(
        "transverses/v1/rechercher/categorieSollicitation",
        {"libelleCategorie": "technique", "codeLangue": "FR"},
    )["listeCategories"]
    assert [c["codeCategorie"] for c in found] == ["TECHNIQUE"]


def test_solicitation_subcategories_come_grouped_under_their_category(lycee):
    payload = lycee.ok(
        "transverses/v1/rechercher/sousCategorieSollicitation",
        {"idTechniqueCategorie": 101, "codeLangue": "EN"},
    )

    [group] = payload["listeSousCategories"]
    assert group["categorie"] == [
        {
            "idTechniqueCategorie": 101,
            "codeCategorie": "FACTURE",
            "libelleCategorie": "Question about an invoice",
        }
    ]
    assert [s["code"] for s in group["ssCategorie"]] == [
        "STATUT_FACTURE",
        "REJET_FACTURE",
        "PAIEMENT_FACTURE",
    ]
    assert all(s["idTechniqueCategorie"] == 101 and s["estActif"] for s in group["ssCategorie"])
    assert payload["parametresRetour"]["total"] == 3
    every = lycee.ok("transverses/v1/rechercher/sousCategorieSollicitation", {})
    assert len(every["listeSousCategories"]) == 4
