"""Works pieces through their real sequence: contractor → MOE → MOA → destinataire → paid, with the
MOE's, the validator's and the owner's delays kept by the emulator's clock."""

from datetime import datetime, timedelta

import pytest

from tests.chorus_emulator.works_helpers import (
    A4,
    A7,
    A8,
    A10,
    A13,
    A15,
    A17,
    A19,
    A20,
    A22,
    A23,
    API,
    COCONTRACTOR_ID,
    CONTRACTOR,
    DAY,
    MOE_SIRET,
    ROUTING,
    SUBCONTRACTOR_ID,
    code,
    consult,
    contract_parties,
    deposit,
    piece_body,
    status,
    submit,
    upload,
)


@pytest.fixture
def works(emulator):
    return contract_parties(emulator)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def received(caller, **filters) -> list[dict]:
    payload = caller.call("factures/v1/rechercher/recipiendaire", filters)
    return payload["listeFactures"]


def test_a_monthly_statement_goes_from_contractor_to_moe_to_owner_and_is_paid(emulator, works):
    a4 = submit(works.contractor, ht=10000)
    assert a4["statutFactureTravaux"] == "DEPOSEE"
    emulator.advance(ROUTING)

    arrived = consult(works.moe, a4["idFactureTravaux"])
    assert arrived["statutFactureTravaux"] == "A_ASSOCIER_MOE"
    receipt = moment(arrived["delais"]["dateReceptionMoe"])
    assert moment(arrived["delais"]["dateLimiteTraitementMoe"]) - receipt == timedelta(days=7)
    assert moment(arrived["delais"]["dateLimitePaiement"]) - receipt == timedelta(days=30)

    # The MOE admits 9,500 of the 10,000 claimed in its état d'acompte, linked to the request.
    a15 = deposit(emulator, works.moe, A15, previous=a4["idFactureTravaux"], ht=9500)
    assert status(works.contractor, a4["idFactureTravaux"]) == "ASSOCIEE"
    assert status(works.owner, a15) == "A_ASSOCIER_MOA"
    assert received(works.owner, typeDemandePaiement="FACTURE_TRAVAUX") == []

    a19 = deposit(emulator, works.owner, A19, previous=a15, ht=9500)
    [payable] = received(works.owner, typeDemandePaiement="FACTURE_TRAVAUX")
    assert payable["idFacture"] == a19 and payable["statut"] == "MISE_A_DISPOSITION"
    assert payable["typeDemandePaiement"] == "FACTURE_TRAVAUX"
    assert payable["typeFactureTravaux"] == "ETAT_ACOMPTE_VALIDE"
    assert payable["montantHT"] == 9500
    assert received(works.owner, typeDemandePaiement="FACTURE") == []
    # The payment delay runs on from the MOE's receipt of the request, not from this piece.
    assert (
        consult(works.owner, a19)["delais"]["dateLimitePaiement"]
        == arrived["delais"]["dateLimitePaiement"]
    )

    for target in ("SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"):
        treated = works.owner.ok(
            "factures/v1/traiter/recue",
            {"idFacture": a19, "nouveauStatut": target, "numeroDPMandat": "M-2026-88"},
        )
        assert treated["nouveauStatut"] == target
    assert status(works.contractor, a19) == "MISE_EN_PAIEMENT"

    dossier = works.contractor.ok(
        API + "consulter/dossierfacturation", {"idFactureTravaux": a4["idFactureTravaux"]}
    )
    assert [
        (p["cadreFacturation"], p["statutFactureTravaux"]) for p in dossier["listeFacturesTravaux"]
    ] == [(A4, "ASSOCIEE"), (A15, "ASSOCIEE"), (A19, "MISE_EN_PAIEMENT")]
    assert dossier["idDossierFacturation"] == a4["idDossierFacturation"]


def test_the_moe_letting_its_seven_days_pass_is_recorded_at_the_deadline(emulator, works):
    a4 = deposit(emulator, works.contractor)
    deadline = consult(works.moe, a4)["delais"]["dateLimiteTraitementMoe"]

    emulator.advance(7 * DAY - 60)
    assert status(works.moe, a4) == "A_ASSOCIER_MOE"
    emulator.advance(120)
    late = consult(works.moe, a4)
    assert late["statutFactureTravaux"] == "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE"
    stamped = late["historiquesDesStatuts"]["histoStatut"][0]["histoStatutDatePassage"]
    assert stamped == deadline[:16].replace("T", " ")

    # Late, the MOE may still answer; the circuit goes on.
    a15 = deposit(emulator, works.moe, A15, previous=a4)
    assert status(works.owner, a15) == "A_ASSOCIER_MOA"


def test_a_suspension_stops_the_moe_and_payment_delays_until_completion(emulator, works):
    a4 = deposit(emulator, works.contractor)
    before = consult(works.moe, a4)["delais"]
    works.moe.ok(
        API + "suspendre/demander/completer/factureTravaux",
        {"idFactureTravaux": a4, "commentaire": "Joindre le métré du lot 3"},
    )
    suspended = consult(works.contractor, a4)
    assert suspended["statutFactureTravaux"] == "A_COMPLETER"
    assert suspended["commentaireEtatCourant"] == "Joindre le métré du lot 3"

    emulator.advance(8 * DAY)  # past the MOE's 7 days: suspended, nothing happens
    assert status(works.moe, a4) == "A_COMPLETER"
    extra = upload(works.contractor)
    done = works.contractor.ok(
        API + "completer",
        {
            "idFactureTravaux": a4,
            "commentaire": "Métré joint",
            "pieceJointeComplementaire": [
                {
                    "pieceJointeComplementaireId": extra,
                    "pieceJointeComplementaireDesignation": "metre.pdf",
                }
            ],
        },
    )
    assert done["statutFactureTravaux"] == "COMPLETEE"
    emulator.advance(5)

    resumed = consult(works.moe, a4)
    assert resumed["statutFactureTravaux"] == "A_ASSOCIER_MOE"
    assert extra in [p["pieceJointeId"] for p in resumed["listeDesPiecesJointes"]["pieceJointe"]]
    for key in ("dateLimiteTraitementMoe", "dateLimitePaiement"):
        shift = moment(resumed["delais"][key]) - moment(before[key])
        assert timedelta(days=8) <= shift < timedelta(days=8, seconds=30), key
    emulator.advance(7 * DAY - 60)  # the MOE's 7 days count without the 8 suspended
    assert status(works.moe, a4) == "A_ASSOCIER_MOE"
    emulator.advance(120)
    assert status(works.moe, a4) == "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE"


def test_a_final_statement_is_drawn_up_signed_by_the_owner_then_by_the_contractor(emulator, works):
    a7 = deposit(emulator, works.contractor, A7, ht=250000)
    moe_view = consult(works.moe, a7)
    general_deadline = moment(moe_view["delais"]["dateLimiteDecompteGeneral"])
    assert general_deadline - moment(moe_view["delais"]["dateReceptionMoe"]) == timedelta(days=30)
    assert moe_view["delais"]["dateLimitePaiement"] is None
    assert moment(moe_view["delais"]["dateLimiteTraitementMoe"]) - moment(
        moe_view["delais"]["dateReceptionMoe"]
    ) == timedelta(days=15)

    a17 = deposit(emulator, works.moe, A17, previous=a7, ht=248000)
    assert status(works.owner, a17) == "A_ASSOCIER_MOA"
    a20 = deposit(emulator, works.owner, A20, previous=a17, ht=248000)
    assert status(works.contractor, a20) == "A_ASSOCIER_FOURNISSEUR"

    a8 = deposit(emulator, works.contractor, A8, previous=a20, ht=248000)
    signed = consult(works.owner, a8)
    assert signed["statutFactureTravaux"] == "MISE_A_DISPOSITION"
    assert signed["typeFactureTravaux"] == "DECOMPTE_GENERAL_SIGNE"
    # The balance's payment delay runs from the receipt of the signed DGD.
    assert moment(signed["delais"]["dateLimitePaiement"]) - moment(
        signed["delais"]["dateDebutDelaiPaiement"]
    ) == timedelta(days=30)
    works.owner.ok(
        "factures/v1/traiter/recue", {"idFacture": a8, "nouveauStatut": "MISE_EN_PAIEMENT"}
    )
    assert status(works.moe, a8) == "MISE_EN_PAIEMENT"


def test_the_tacit_procedure_opens_only_once_the_owner_let_its_delays_pass(emulator, works):
    a7 = deposit(emulator, works.contractor, A7, ht=250000)
    a17 = deposit(emulator, works.moe, A17, previous=a7, ht=248000)

    early = piece_body(works.contractor, A22, previous=a17)
    assert code(works.contractor, "soumettre", early) == 20134
    emulator.advance(30 * DAY)
    a22 = deposit(emulator, works.contractor, A22, previous=a17, ht=250000)
    assert status(works.owner, a17) == "REMPLACEE_PAR_A22"
    assert status(works.owner, a22) == "A_ASSOCIER_MOA"

    early = piece_body(works.contractor, A23, previous=a22)
    assert code(works.contractor, "soumettre", early) == 20134
    emulator.advance(10 * DAY)
    a23 = deposit(emulator, works.contractor, A23, previous=a22, ht=250000)
    assert status(works.owner, a23) == "MISE_A_DISPOSITION"
    assert status(works.owner, a22) == "ASSOCIEE"


def test_a_subcontractor_request_is_validated_by_the_contractor_then_taken_into_account(
    emulator, works
):
    a10 = deposit(
        emulator,
        works.subcontractor,
        A10,
        supplier_id=SUBCONTRACTOR_ID,
        cadreDeFacturation={"codeCadreFacturation": A10, "codeStructureValideur": CONTRACTOR},
    )
    assert status(works.subcontractor, a10) == "A_VALIDER_1"
    assert code(works.moe, "consulter", {"idFactureTravaux": a10}) == 20001
    # The contractor validates through the validator space shared with simple invoices.
    to_validate = works.contractor.ok("factures/v1/rechercher/valideur", {})["listeFactures"]
    assert [item["idFacture"] for item in to_validate] == [a10]
    works.contractor.ok(
        "factures/v1/traiter/factureAValider", {"idFacture": a10, "action": "VALIDATION"}
    )
    emulator.advance(5)

    assert status(works.moe, a10) == "MISE_A_DISPOSITION_MOE"
    taken = works.moe.ok(API + "prendreencompte", {"idFactureTravaux": a10})
    assert taken["statutFactureTravaux"] == "PRISE_EN_COMPTE_MOE"
    assert status(works.subcontractor, a10) == "PRISE_EN_COMPTE_MOE"


def test_a_contractor_silent_fifteen_days_accepts_the_subcontractor_request_tacitly(
    emulator, works
):
    a10 = deposit(
        emulator,
        works.subcontractor,
        A10,
        supplier_id=SUBCONTRACTOR_ID,
        cadreDeFacturation={"codeCadreFacturation": A10, "codeStructureValideur": CONTRACTOR},
    )
    emulator.advance(15 * DAY)
    assert status(works.subcontractor, a10) == "ABSENCE_VALIDATION_1_HORS_DELAI"
    emulator.advance(5)
    assert status(works.moe, a10) == "MISE_A_DISPOSITION_MOE"


def test_a_subcontractor_names_the_moe_once_its_validator_let_the_delay_pass(emulator, works):
    a10 = deposit(
        emulator,
        works.subcontractor,
        A10,
        supplier_id=SUBCONTRACTOR_ID,
        moe=None,
        cadreDeFacturation={"codeCadreFacturation": A10, "codeStructureValideur": CONTRACTOR},
    )
    moe_part = {
        "idFactureTravaux": a10,
        "identifiantMoe": MOE_SIRET,
        "typeIdentifiantMoe": "SIRET",
        "codeServiceMoe": "DIR_TRAVAUX",
    }
    assert code(works.subcontractor, "completermoe", moe_part) == 20002  # still to validate
    emulator.advance(15 * DAY + 60)
    assert status(works.subcontractor, a10) == "ABSENCE_VALIDATION_1_HORS_DELAI"

    named = works.subcontractor.ok(API + "completermoe", moe_part)

    assert named["statutFactureTravaux"] == "MISE_A_DISPOSITION_MOE"
    assert consult(works.moe, a10)["cadreDeFacturation"]["identifiantMoe"] == MOE_SIRET


def test_a_cocontractor_piece_waits_for_its_validator_then_the_moe(emulator, works):
    a13 = deposit(
        emulator,
        works.cocontractor,
        A13,
        supplier_id=COCONTRACTOR_ID,
        cadreDeFacturation={"codeCadreFacturation": A13, "codeStructureValideur": CONTRACTOR},
    )
    works.contractor.ok(
        "factures/v1/traiter/factureAValider", {"idFacture": a13, "action": "VALIDATION"}
    )
    emulator.advance(5)

    assert status(works.moe, a13) == "A_ASSOCIER_MOE"
    a15 = deposit(emulator, works.moe, A15, previous=a13)
    assert status(works.cocontractor, a15) == "A_ASSOCIER_MOA"
