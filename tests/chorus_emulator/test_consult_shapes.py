"""The shapes of the consultations and search items, as a client written from the contract
reads them (contract §5.5, §5.6, §5.12, §5.13): the consultation is not an echo of soumettre."""

import re

from tests.chorus_emulator.conftest import LYCEE, SUPPLIER, VALIDATOR, submit

CONSULT = "factures/v1/consulter/fournisseur"


def consulted(caller, invoice_id, **paging) -> dict:
    return caller.ok(CONSULT, {"identifiantFactureCPP": invoice_id, **paging})["facture"]


def test_lines_carry_their_computed_amounts(supplier):
    invoice_id = submit(supplier)["identifiantFactureCPP"]

    lines = consulted(supplier, invoice_id)["lignesDePoste"]

    first, second = lines["lignePoste"]
    assert first["lignePosteMontantHtApresRemise"] == 200
    assert first["lignePosteMontantTva"] == 40
    assert first["lignePosteMontantTtcApresRemise"] == 240
    assert (first["lignePosteTauxTva"], first["lignePosteUnite"]) == ("TVA5", "C62")
    assert second["lignePosteMontantTtcApresRemise"] == 60
    assert (lines["totalLignesPoste"], lines["pagesLignesPoste"]) == (2, 1)


def test_a_discount_is_taken_off_the_line_before_vat(supplier):
    body_lines = [
        {
            "lignePosteNumero": 1,
            "lignePosteDenomination": "Audit",
            "lignePosteQuantite": 3,
            "lignePosteUnite": "DAY",
            "lignePosteMontantUnitaireHT": 100,
            "lignePosteMontantRemiseHT": 50,
            "lignePosteTauxTvaManuel": 10,
        }
    ]
    invoice_id = submit(
        supplier,
        lignePoste=body_lines,
        ligneTva=[
            {
                "ligneTvaMontantBaseHtParTaux": 250,
                "ligneTvaMontantTvaParTaux": 25,
                "ligneTvaTauxManuel": 10,
            }
        ],
        montantTotal={
            "montantHtTotal": 250,
            "montantTVA": 25,
            "montantTtcTotal": 275,
            "montantAPayer": 275,
        },
    )["identifiantFactureCPP"]

    [line] = consulted(supplier, invoice_id)["lignesDePoste"]["lignePoste"]

    assert line["lignePosteMontantHtApresRemise"] == 250
    assert line["lignePosteMontantTva"] == 25
    assert line["lignePosteTauxTvaManuel"] == 10 and line["lignePosteTauxTva"] is None


def test_vat_lines_name_the_referential_rate_not_the_submitted_code(supplier):
    invoice_id = submit(supplier)["identifiantFactureCPP"]

    [vat] = consulted(supplier, invoice_id)["recapitulatifDeTva"]["ligneTva"]

    assert "ligneTvaTaux" not in vat
    assert vat["ligneTvaTauxRefCode"] == "TVA5"
    assert vat["ligneTvaTauxRefLibelle"] == "Taux normal 20 %"
    assert vat["ligneTvaTauxRefValeur"] == 20
    assert (vat["ligneTvaMontantBaseHtParTaux"], vat["ligneTvaMontantTvaParTaux"]) == (250, 50)


def test_totals_references_and_parties_use_the_consultation_names(supplier):
    invoice_id = submit(supplier)["identifiantFactureCPP"]

    invoice = consulted(supplier, invoice_id)

    assert invoice["montantTotal"]["montantTtcAvantRemiseGlobalTTC"] == 300
    references = invoice["references"]
    assert (references["codeDeviseFacture"], references["libelleDeviseFacture"]) == ("EUR", "Euro")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", references["dateCreationFacture"])
    supplier_part = invoice["fournisseur"]
    assert supplier_part["coordBancairesFournisseurId"] == 31000001
    assert supplier_part["coordBancairesFournisseurCleIban"].startswith("FR76")
    assert supplier_part["adresseFournisseurVille"] == "Lyon"
    assert supplier_part["adresseFournisseurLibellePays"] == "France"
    assert "idCoordonneesBancairesFournisseur" not in supplier_part
    recipient = invoice["destinataire"]
    assert recipient["codeDestinataire"] == LYCEE and "destinataireEtat" not in recipient
    assert recipient["adresseDestinataireCodePostal"] == "35000"
    frame = invoice["cadreDeFacturation"]
    assert frame["codeCadreFacturation"] == "A1_FACTURE_FOURNISSEUR"
    assert "codeStructureValideur" not in frame and frame["codeValideur1"] is None


def test_an_exemption_reason_comes_with_its_label(supplier):
    references = {
        "deviseFacture": "EUR",
        "typeFacture": "FACTURE",
        "typeTva": "EXONERATION",
        "motifExonerationTva": "TVA_EXO_261",
    }
    invoice_id = submit(supplier, references=references)["identifiantFactureCPP"]

    consulted_references = consulted(supplier, invoice_id)["references"]

    assert consulted_references["libelleMotifExonerationTva"] == "Exonération article 261 du CGI"


def test_the_sub_lists_are_paged_as_asked(supplier):
    invoice_id = submit(supplier)["identifiantFactureCPP"]

    lines = consulted(
        supplier,
        invoice_id,
        pLignesPoste={"nbResultatsParPageLignesPoste": 1, "pageResultatDemandeeLignesPoste": 2},
    )["lignesDePoste"]

    assert [line["lignePosteNumero"] for line in lines["lignePoste"]] == [2]
    assert (
        lines["pageCouranteLignesPoste"],
        lines["pagesLignesPoste"],
        lines["nbResultatsParPageLignesPoste"],
        lines["totalLignesPoste"],
    ) == (2, 2, 1, 2)
    pieces = consulted(supplier, invoice_id)["listeDesPiecesJointes"]
    assert set(pieces) == {
        "pieceJointe",
        "nbResultatsParPageListePiecesJointe",
        "pageCouranteListePiecesJointe",
        "pagesListePiecesJointe",
        "totalListePiecesJointe",
    }


def test_supplier_items_carry_the_validator_blocks_and_no_recipient_only_flag(emulator, supplier):
    submit(
        supplier,
        cadreDeFacturation={
            "codeCadreFacturation": "A9_FACTURE_SOUSTRAITANT",
            "codeStructureValideur": VALIDATOR,
        },
    )

    [item] = supplier.ok("factures/v1/rechercher/fournisseur", {})["listeFactures"]

    assert item["codeValideur1"] == VALIDATOR and item["dateValidation1"] is None
    assert item["raisonSocialeValideur1"] == "Ministère - mission de validation"
    assert item["coordBancairesFournisseurNomCb"] == "Compte courant BNP"
    assert "factureTelechargeeParDestinataire" not in item and item["taille"] is None


def test_the_size_of_attachments_comes_when_asked(supplier):
    submit(supplier)

    [item] = supplier.ok("factures/v1/rechercher/fournisseur", {"recupererTaille": True})[
        "listeFactures"
    ]

    assert item["taille"] == 0


def test_validator_items_name_the_parties_by_identifiant(emulator, supplier, validator):
    submit(
        supplier,
        cadreDeFacturation={
            "codeCadreFacturation": "A9_FACTURE_SOUSTRAITANT",
            "codeStructureValideur": VALIDATOR,
        },
    )
    emulator.advance(10)

    [item] = validator.ok("factures/v1/rechercher/valideur", {})["listeFactures"]

    assert (item["identifiantFournisseur"], item["identifiantDestinataire"]) == (SUPPLIER, LYCEE)
    assert item["identifiantValideur"] == VALIDATOR
    assert "codeFournisseur" not in item and "codeDestinataire" not in item
