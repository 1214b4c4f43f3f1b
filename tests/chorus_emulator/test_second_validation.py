"""Two validation levels: invoices to a recipient that requires a second validation go
A_VALIDER_1 → VALIDEE_1 → A_VALIDER_2 → VALIDEE_2 → MISE_A_DISPOSITION (docs/emulator-world.md)."""

import pytest

from tests.chorus_emulator.conftest import SUPPLIER, UNIVERSITE, VALIDATOR, submit

RECTORAT, RECTORAT_ID = "17590001800011", 25000007
VALIDATE = "factures/v1/traiter/factureAValider"


@pytest.fixture
def rectorat(as_account):
    return as_account(RECTORAT)


@pytest.fixture
def universite(as_account):
    return as_account(UNIVERSITE)


def to_validate(emulator, supplier, recipient=UNIVERSITE) -> int:
    frame = {"codeCadreFacturation": "A12_FACTURE_COTRAITANT", "codeStructureValideur": VALIDATOR}
    invoice_id = submit(
        supplier, recipient=recipient, service="SERV_RECHERCHE", cadreDeFacturation=frame
    )["identifiantFactureCPP"]
    emulator.advance(10)
    return invoice_id


def statuses(caller, invoice_id) -> list[str]:
    history = caller.ok("factures/v1/consulter/historique", {"idFacture": invoice_id})
    return [h["histoStatutCode"] for h in history["historiquesDesStatuts"]["histoStatut"]]


def waiting(caller) -> list[int]:
    return [
        i["idFacture"] for i in caller.ok("factures/v1/rechercher/valideur", {})["listeFactures"]
    ]


def test_an_invoice_goes_through_both_validators_before_the_recipient(
    emulator, supplier, validator, rectorat, universite
):
    invoice_id = to_validate(emulator, supplier)
    assert waiting(rectorat) == []

    validator.ok(VALIDATE, {"idFacture": invoice_id, "action": "VALIDATION"})
    emulator.advance(5)

    assert statuses(supplier, invoice_id)[:2] == ["A_VALIDER_2", "VALIDEE_1"]
    [item] = rectorat.ok("factures/v1/rechercher/valideur", {"statutCourant": ["A_VALIDER_2"]})[
        "listeFactures"
    ]
    assert item["idFacture"] == invoice_id
    assert (item["idValideur"], item["identifiantValideur"]) == (RECTORAT_ID, RECTORAT)
    assert item["identifiantFournisseur"] == SUPPLIER
    assert universite.call("factures/v1/rechercher/recipiendaire", {})["codeRetour"] == 20000

    decision = rectorat.ok(VALIDATE, {"idFacture": invoice_id, "action": "VALIDATION"})
    assert decision["statutFacture"] == "VALIDEE_2"
    emulator.advance(5)

    assert statuses(supplier, invoice_id)[:5] == [
        "MISE_A_DISPOSITION",
        "VALIDEE_2",
        "A_VALIDER_2",
        "VALIDEE_1",
        "A_VALIDER_1",
    ]
    received = universite.ok("factures/v1/rechercher/recipiendaire", {})["listeFactures"]
    assert [i["idFacture"] for i in received] == [invoice_id]


def test_the_first_validator_cannot_decide_at_the_second_level(emulator, supplier, validator):
    invoice_id = to_validate(emulator, supplier)
    validator.ok(VALIDATE, {"idFacture": invoice_id, "action": "VALIDATION"})
    emulator.advance(5)

    payload = validator.call(VALIDATE, {"idFacture": invoice_id, "action": "VALIDATION"})

    assert payload["codeRetour"] == 20002


def test_the_second_validator_does_not_see_invoices_before_their_first_validation(
    emulator, supplier, rectorat
):
    invoice_id = to_validate(emulator, supplier)

    assert (
        rectorat.call("factures/v1/consulter/valideur", {"identifiantFactureCPP": invoice_id})[
            "codeRetour"
        ]
        == 20001
    )
    assert (
        rectorat.call(VALIDATE, {"idFacture": invoice_id, "action": "VALIDATION"})["codeRetour"]
        == 20001
    )


def test_a_refusal_at_the_second_level_goes_back_to_the_supplier_who_restarts_it(
    emulator, supplier, validator, rectorat
):
    invoice_id = to_validate(emulator, supplier)
    validator.ok(VALIDATE, {"idFacture": invoice_id, "action": "VALIDATION"})
    emulator.advance(5)

    assert (
        rectorat.call(VALIDATE, {"idFacture": invoice_id, "action": "REFUS"})["codeRetour"] == 20016
    )
    refused = rectorat.ok(
        VALIDATE, {"idFacture": invoice_id, "action": "REFUS", "motifRefus": "MONTANT_ERRONE"}
    )
    assert refused["statutFacture"] == "REFUSEE_2"
    supplier.ok(
        "factures/v1/corriger/valideur/facture",
        {"idFacture": invoice_id, "identifiantStructure": VALIDATOR},
    )

    assert statuses(supplier, invoice_id)[:2] == ["A_VALIDER_1", "REFUSEE_2"]
    assert invoice_id in waiting(validator)


def test_the_consultation_names_both_validators_and_their_days(
    emulator, supplier, validator, rectorat
):
    invoice_id = to_validate(emulator, supplier)
    validator.ok(VALIDATE, {"idFacture": invoice_id, "action": "VALIDATION"})
    emulator.advance(5)
    rectorat.ok(VALIDATE, {"idFacture": invoice_id, "action": "VALIDATION"})

    frame = rectorat.ok("factures/v1/consulter/valideur", {"identifiantFactureCPP": invoice_id})[
        "facture"
    ]["cadreDeFacturation"]

    assert (frame["codeValideur1"], frame["codeValideur2"]) == (VALIDATOR, RECTORAT)
    assert frame["idValideur2"] == RECTORAT_ID
    assert frame["designationValideur2"] == "Rectorat - contrôle de second niveau"
    assert frame["dateValidation1"] and len(frame["dateValidation1"]) == 10
    assert frame["dateValidation2"] == frame["dateValidation1"]
    [item] = supplier.ok("factures/v1/rechercher/fournisseur", {})["listeFactures"]
    assert (item["codeValideur1"], item["codeValideur2"]) == (VALIDATOR, RECTORAT)
    assert item["dateValidation2"] == frame["dateValidation2"]


def test_a_recipient_without_second_level_keeps_one_validation(
    emulator, supplier, validator, lycee
):
    invoice_id = submit(
        supplier,
        cadreDeFacturation={
            "codeCadreFacturation": "A9_FACTURE_SOUSTRAITANT",
            "codeStructureValideur": VALIDATOR,
        },
    )["identifiantFactureCPP"]
    emulator.advance(10)
    validator.ok(VALIDATE, {"idFacture": invoice_id, "action": "VALIDATION"})
    emulator.advance(5)

    assert statuses(supplier, invoice_id)[:2] == ["MISE_A_DISPOSITION", "VALIDEE_1"]
    frame = supplier.ok("factures/v1/consulter/fournisseur", {"identifiantFactureCPP": invoice_id})[
        "facture"
    ]["cadreDeFacturation"]
    assert frame["codeValideur2"] is None and frame["dateValidation2"] is None


def test_validators_see_the_statuses_of_both_levels(validator, lycee):
    listed = validator.ok(
        "factures/v1/recuperer/statutsFactureVisibles/valideur", {"idUtilisateurCourant": 0}
    )["listeStatutFacture"]

    assert [s["codeStatutFacture"] for s in listed] == [
        "A_VALIDER_1",
        "VALIDEE_1",
        "REFUSEE_1",
        "A_VALIDER_2",
        "VALIDEE_2",
        "REFUSEE_2",
    ]
    assert (
        lycee.ok("factures/v1/recuperer/statutsFactureVisibles/valideur", {})["listeStatutFacture"]
        == []
    )


def test_the_admin_api_can_seed_an_invoice_waiting_for_its_second_validation(
    emulator, supplier, rectorat
):
    invoice_id = to_validate(emulator, supplier)

    emulator.set_status(invoice_id, "A_VALIDER_2")

    assert waiting(rectorat) == [invoice_id]
