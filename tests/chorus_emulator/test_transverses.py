"""Reference lists and attachments."""

import base64

import pytest

from tests.chorus_emulator.conftest import SUPPLIER_ID


def test_vat_rates_start_with_tva1(lycee):
    rates = lycee.ok("transverses/v1/recuperer/tauxtva", {})["listeTauxTva"]

    assert rates[0] == {
        "codeTauxTva": "TVA1",
        "libelleTauxTva": "Art 293B(FranchiseEnBase)",
        "valeurTauxTva": 0,
    }


def test_reference_lists_are_arrays(lycee):
    frames = lycee.ok("transverses/v1/recuperer/cadrefacturation", {})["listeCadreFacturation"]
    modes = lycee.ok("transverses/v1/recuperer/modereglements", {})["listeModePaiement"]
    exemptions = lycee.ok("transverses/v1/recuperer/motifs/exonerationtva", {"codeLangue": "FR"})[
        "listeMotifsExonerationTva"
    ]
    refusals = lycee.ok(
        "transverses/v1/recuperer/motifs/refus/Facture/AValider",
        {"codeCadreFacturationAValider": "A9_FACTURE_SOUSTRAITANT"},
    )["listeMotifRefusFactureAValider"]

    assert {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"} in frames
    assert {"modePaiement": "VIREMENT"} in modes
    assert exemptions and all("codeMotifExonerationTva" in e for e in exemptions)
    assert refusals and all({"idMotif", "codeMotif", "libelleMotif"} <= set(r) for r in refusals)


def test_the_supplier_has_two_valid_bank_accounts(supplier):
    payload = supplier.ok(
        "transverses/v1/recuperer/coordbanc/valides", {"idStructure": SUPPLIER_ID}
    )

    assert [b["idCoordonneeBancaire"] for b in payload["listeCoordonneeBancaire"]] == [
        31000001,
        31000002,
    ]


def test_bank_accounts_of_another_structure_are_not_listed(lycee):
    payload = lycee.call("transverses/v1/recuperer/coordbanc/valides", {"idStructure": SUPPLIER_ID})

    assert payload["codeRetour"] == 20020


def attach(caller, name="piece.pdf", size=100, extension=None):
    return caller.call(
        "transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": base64.b64encode(b"x" * size).decode(),
            "pieceJointeNom": name,
            "pieceJointeTypeMime": "application/pdf",
            "pieceJointeExtension": extension or name.rsplit(".", 1)[-1].upper(),
        },
    )


def test_it_stores_an_attachment_and_returns_its_id(supplier):
    payload = attach(supplier)

    assert payload["codeRetour"] == 0
    assert payload["pieceJointeId"] > 0


@pytest.mark.slow
def test_it_refuses_an_attachment_over_10_mb(supplier):
    assert attach(supplier, size=10 * 1024 * 1024 + 1)["codeRetour"] == 20003


def test_it_refuses_a_name_longer_than_50_characters(supplier):
    assert attach(supplier, name="n" * 47 + ".pdf")["codeRetour"] == 20004
    assert attach(supplier, name="n" * 46 + ".pdf")["codeRetour"] == 0


@pytest.mark.parametrize("name", ["virus.exe", "sans_extension"])
def test_it_refuses_a_forbidden_or_missing_extension(supplier, name):
    assert attach(supplier, name=name, extension="PDF")["codeRetour"] == 20004


def test_it_refuses_an_attachment_that_is_not_base64(supplier):
    response = supplier.post(
        "transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": "%%%",
            "pieceJointeNom": "a.pdf",
            "pieceJointeTypeMime": "application/pdf",
            "pieceJointeExtension": "PDF",
        },
    )

    assert response.status_code == 400


def test_one_element_lists_can_be_sent_as_bare_objects_on_demand(emulator, supplier):
    emulator.configure(bareSingleLists=True)

    payload = supplier.ok(
        "structures/v1/rechercher", {"structure": {"identifiantStructure": "21750001600019"}}
    )

    assert payload["listeStructures"]["idStructureCPP"] == 25000001
    emulator.reset()
    assert isinstance(
        supplier.ok(
            "structures/v1/rechercher", {"structure": {"identifiantStructure": "21750001600019"}}
        )["listeStructures"],
        list,
    )
