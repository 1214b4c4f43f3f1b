"""Who may move a works piece, from which status, and the codes a refused move answers."""

from datetime import datetime, timedelta

import pytest

from tests.chorus_emulator.works_helpers import (
    A4,
    A8,
    A10,
    A15,
    A19,
    API,
    CONTRACTOR,
    MOE_SIRET,
    OWNER,
    SUBCONTRACTOR_ID,
    code,
    consult,
    contract_parties,
    deposit,
    piece_body,
    status,
)


@pytest.fixture
def works(emulator):
    return contract_parties(emulator)


@pytest.fixture
def request_at_moe(emulator, works) -> int:
    """A contractor's monthly request waiting for the MOE."""
    return deposit(emulator, works.contractor)


FORBIDDEN_AT_MOE = [
    # (who, operation, body) on a request waiting for the MOE: each answers 20002.
    ("contractor", "refuser", {"codeMotif": "REF_FAC_TRAVAUX"}),
    ("owner", "refuser", {"codeMotif": "REF_FAC_TRAVAUX"}),
    ("owner", "suspendre/demander/completer/factureTravaux", {"commentaire": "?"}),
    ("contractor", "suspendre/demander/completer/factureTravaux", {"commentaire": "?"}),
    ("contractor", "completer", {"commentaire": "rien à compléter"}),
    ("moe", "prendreencompte", {}),
    ("contractor", "completermoe", {"identifiantMoe": MOE_SIRET}),
    ("contractor", "completerservicemoe", {"codeServiceMoe": "OPC"}),
    ("contractor", "corriger/valideur", {"identifiantStructure": CONTRACTOR}),
]


@pytest.mark.parametrize(("who", "operation", "extra"), FORBIDDEN_AT_MOE)
def test_a_move_the_status_or_the_caller_does_not_allow_answers_20002(
    works, request_at_moe, who, operation, extra
):
    caller = getattr(works, who)

    assert code(caller, operation, {"idFactureTravaux": request_at_moe, **extra}) == 20002
    assert status(works.contractor, request_at_moe) == "A_ASSOCIER_MOE"


def test_a_piece_the_caller_cannot_see_is_unknown(emulator, works, request_at_moe):
    assert code(works.lycee, "consulter", {"idFactureTravaux": request_at_moe}) == 20001
    assert code(works.moe, "refuser", {"idFactureTravaux": 1, "codeMotif": "AUTRE"}) == 20001
    # The owner receives nothing to treat until a payment piece reaches it.
    assert (
        works.owner.call(
            "factures/v1/traiter/recue",
            {"idFacture": request_at_moe, "nouveauStatut": "SERVICE_FAIT"},
        )["codeRetour"]
        == 20001
    )


def test_the_moe_refusal_stops_the_circuit(emulator, works, request_at_moe):
    refused = works.moe.ok(
        API + "refuser",
        {
            "idFactureTravaux": request_at_moe,
            "codeMotif": "REF_FAC_TRAVAUX",
            "commentaire": "Travaux non réalisés",
        },
    )

    assert refused["statutFactureTravaux"] == "REFUSEE_MOE"
    piece = consult(works.contractor, request_at_moe)
    assert piece["commentaireEtatCourant"] == (
        "motif rejet facture de travaux saisie en BO : Travaux non réalisés"
    )
    assert (
        code(works.moe, "soumettre", piece_body(works.moe, A15, previous=request_at_moe)) == 20129
    )
    assert code(works.contractor, "completer", {"idFactureTravaux": request_at_moe}) == 20002


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({"codeMotif": "ERREUR_MONTANT"}, "un montant se corrige dans la pièce suivante"),
        ({"codeMotif": "MAUVAIS_VALIDEUR"}, "réservé au valideur"),
        ({"codeMotif": "AUTRE"}, "commentaire obligatoire"),
        ({"codeMotif": "INCONNU"}, "hors de la liste"),
        ({}, "motif absent"),
        ({"codeMotif": "AUTRE", "commentaire": "x" * 256}, "commentaire trop long"),
    ],
)
def test_a_refusal_needs_a_reason_the_moe_may_give(works, request_at_moe, extra, why):
    assert code(works.moe, "refuser", {"idFactureTravaux": request_at_moe, **extra}) == 20016, why
    assert status(works.moe, request_at_moe) == "A_ASSOCIER_MOE"


def test_a_refusal_by_id_of_reason_works_too(works, request_at_moe):
    refused = works.moe.ok(
        API + "refuser",
        {"idFactureTravaux": request_at_moe, "idMotif": 116, "commentaire": "Pièce illisible"},
    )
    assert refused["statutFactureTravaux"] == "REFUSEE_MOE"


def test_a_wrong_moe_is_fixed_by_the_contractor_and_the_piece_goes_back_to_the_moe(
    emulator, works, request_at_moe
):
    fixed = {
        "idFactureTravaux": request_at_moe,
        "identifiantMoe": MOE_SIRET,
        "typeIdentifiantMoe": "SIRET",
        "codeServiceMoe": "OPC",
    }
    first_receipt = consult(works.moe, request_at_moe)["delais"]["dateReceptionMoe"]
    works.moe.ok(API + "refuser", {"idFactureTravaux": request_at_moe, "codeMotif": "MAUVAISE_MOE"})
    assert status(works.contractor, request_at_moe) == "ERREUR_FOURNISSEUR_SUR_MOE"
    assert code(works.moe, "completermoe", fixed) == 20002  # only the depositor fixes it
    emulator.advance(3 * 86400)

    answer = works.contractor.ok(API + "completermoe", fixed)

    assert answer["statutFactureTravaux"] == "A_ASSOCIER_MOE"
    piece = consult(works.moe, request_at_moe)
    assert piece["cadreDeFacturation"]["codeServiceMoe"] == "OPC"
    # A new receipt by the MOE: its 7 days start again.
    receipt = datetime.fromisoformat(piece["delais"]["dateReceptionMoe"])
    assert receipt - datetime.fromisoformat(first_receipt) >= timedelta(days=3)
    assert datetime.fromisoformat(piece["delais"]["dateLimiteTraitementMoe"]) - receipt == (
        timedelta(days=7)
    )


def test_the_service_moe_is_set_by_the_moe_holding_the_piece_or_fixed_by_the_depositor(
    emulator, works, request_at_moe
):
    assert (
        works.moe.ok(
            API + "completerservicemoe",
            {"idFactureTravaux": request_at_moe, "codeServiceMoe": "OPC"},
        )["statutFactureTravaux"]
        == "A_ASSOCIER_MOE"
    )
    assert consult(works.moe, request_at_moe)["codeServiceMoe"] == "OPC"
    assert (
        code(
            works.moe,
            "completerservicemoe",
            {"idFactureTravaux": request_at_moe, "codeServiceMoe": "ETUDES"},
        )
        == 20064
    )
    assert (
        code(
            works.moe,
            "completerservicemoe",
            {"idFactureTravaux": request_at_moe, "codeServiceMoe": "SERV_TECH"},
        )
        == 20064
    )

    works.moe.ok(API + "refuser", {"idFactureTravaux": request_at_moe, "codeMotif": "MAUVAISE_MOE"})
    fixed = works.contractor.ok(
        API + "completerservicemoe", {"idFactureTravaux": request_at_moe, "idServiceMoe": 10000701}
    )
    assert fixed["statutFactureTravaux"] == "A_ASSOCIER_MOE"


def test_a_wrong_validator_is_refused_then_corrected_by_the_subcontractor(emulator, works):
    a10 = deposit(
        emulator,
        works.subcontractor,
        A10,
        supplier_id=SUBCONTRACTOR_ID,
        cadreDeFacturation={"codeCadreFacturation": A10, "codeStructureValideur": CONTRACTOR},
    )
    refused = works.contractor.ok(
        API + "refuser", {"idFactureTravaux": a10, "codeMotif": "MAUVAIS_VALIDEUR"}
    )
    assert refused["statutFactureTravaux"] == "ERREUR_FOURNISSEUR_SUR_VALIDEUR"
    assert (
        code(
            works.contractor,
            "corriger/valideur",
            {"idFactureTravaux": a10, "identifiantStructure": CONTRACTOR},
        )
        == 20002
    )
    assert (
        code(
            works.subcontractor,
            "corriger/valideur",
            {"idFactureTravaux": a10, "identifiantStructure": "20005478100014"},
        )
        == 20018
    )

    corrected = works.subcontractor.ok(
        API + "corriger/valideur",
        {
            "idFactureTravaux": a10,
            "identifiantStructure": CONTRACTOR,
            "typeIdentifiantStructure": "SIRET",
        },
    )

    assert corrected["statutFactureTravaux"] == "A_VALIDER_1"
    assert consult(works.contractor, a10)["delais"]["dateLimiteValidation"] is not None


def test_the_owner_refuses_a_statement_and_the_contractor_refuses_a_general_statement(
    emulator, works, request_at_moe
):
    a15 = deposit(emulator, works.moe, A15, previous=request_at_moe)
    assert (
        works.owner.ok(API + "refuser", {"idFactureTravaux": a15, "codeMotif": "MAUVAISE_MOA"})[
            "statutFactureTravaux"
        ]
        == "REFUSEE_MOA"
    )  # no recycling any more: a plain refusal
    seeded = emulator.seed_works(cadre="A20_DECOMPTE_GENERAL_MOA", statut="A_ASSOCIER_FOURNISSEUR")[
        "idFactureTravaux"
    ]
    assert (
        works.contractor.ok(
            API + "refuser",
            {"idFactureTravaux": seeded, "codeMotif": "AUTRE", "commentaire": "Désaccord"},
        )["statutFactureTravaux"]
        == "REFUSEE_FOURNISSEUR"
    )


@pytest.mark.parametrize(
    ("who", "cadre", "previous", "expected"),
    [
        ("contractor", A4, True, 20128),  # a request opens a billing file
        ("moe", A19, True, 20128),  # an MOA's piece does not follow a contractor's request
        ("contractor", A15, True, 20133),  # an état d'acompte is the MOE's
        ("owner", A15, True, 20133),
        ("contractor", A8, True, 20128),
        ("moe", A15, False, 20017),  # a following piece names the one it answers
    ],
)
def test_a_piece_that_breaks_the_chain_is_refused(
    works, request_at_moe, who, cadre, previous, expected
):
    caller = getattr(works, who)
    body = piece_body(caller, cadre, previous=request_at_moe if previous else None)

    assert code(caller, "soumettre", body) == expected


def test_a_request_is_answered_once(emulator, works, request_at_moe):
    deposit(emulator, works.moe, A15, previous=request_at_moe)

    assert (
        code(works.moe, "soumettre", piece_body(works.moe, A15, previous=request_at_moe)) == 20129
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"modeDepot": "SAISIE_API"}, 20017),
        ({"cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"}}, 20017),
        ({"pieceJointePrincipale": None}, 20013),
        ({"fournisseur": {"idFournisseur": 26000002}}, 20014),
        ({"moe": None}, 20017),
        ({"moe": {"identifiantMoe": "20005478100014"}}, 20131),
        ({"moe": {"identifiantMoe": MOE_SIRET, "codeServiceMoe": "ETUDES"}}, 20064),
        ({"moa": {"identifiantMoa": CONTRACTOR}}, 20132),
        ({"moa": {"identifiantMoa": OWNER, "codeServiceMoa": "NOPE"}}, 20065),
        ({"destinataire": {"codeDestinataire": OWNER}}, 20007),  # the Commune wants a service
        (
            {"montantTotal": {"montantHtTotal": 100, "montantTVA": 20, "montantTtcTotal": 125}},
            20305,
        ),
        ({"numeroFactureTravaux": None}, 20017),
    ],
)
def test_soumettre_checks_the_piece_before_creating_it(works, overrides, expected):
    body = piece_body(works.contractor, **overrides)

    assert code(works.contractor, "soumettre", body) == expected
    assert (
        works.contractor.call(API + "rechercher", {"roleUtilisateur": "FOURNISSEUR"})["codeRetour"]
        == 20007
    )


def test_a_piece_number_is_unique_per_depositor(works):
    works.contractor.ok(API + "soumettre", piece_body(works.contractor, number="SIT-2026-03"))

    assert (
        code(works.contractor, "soumettre", piece_body(works.contractor, number="SIT-2026-03"))
        == 20015
    )
    assert (
        works.cocontractor.ok(
            API + "soumettre",
            piece_body(
                works.cocontractor,
                "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT",
                number="SIT-2026-03",
                supplier_id=26000001,
                cadreDeFacturation={
                    "codeCadreFacturation": "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT",
                    "codeStructureValideur": CONTRACTOR,
                },
            ),
        )["codeRetour"]
        == 0
    )


@pytest.mark.parametrize("operation", ["demander/recyclage", "recycler"])
def test_recycling_is_withdrawn(emulator, works, request_at_moe, operation):
    """Annexe v6.1 §2: recycling is removed; the resources answer, nothing can be recycled."""
    a15 = deposit(emulator, works.moe, A15, previous=request_at_moe)

    payload = works.moe.call(
        API + operation,
        {
            "idFactureTravaux": a15,
            "identifiantDestinataire": OWNER,
            "codeServiceExecutant": "SERV_TECH",
        },
    )

    assert payload["codeRetour"] == 20002
    assert payload["libelle"] == (
        "Incohérence au niveau du statut d'origine ou de destination de la facture."
    )
    assert status(works.moe, request_at_moe) == "ASSOCIEE"
    assert status(works.moe, a15) == "A_ASSOCIER_MOA"
    assert code(works.moe, operation, {"idFactureTravaux": 1}) == 20001
    assert code(works.moe, operation, {}) == 20017
