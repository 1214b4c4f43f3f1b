"""Supplier, recipient and validator see one world, through their own operations."""

import base64

import pytest

from tests.chorus_emulator.conftest import COMMUNE, LYCEE, LYCEE_ID, VALIDATOR, submit

TRANSITIONS = "transverses/v1/recuperer/etats/traitement"


def recipient_ids(caller, **filters) -> list[int]:
    payload = caller.call("factures/v1/rechercher/recipiendaire", filters)
    return [item["idFacture"] for item in payload["listeFactures"]]


def status_seen_by_supplier(supplier, invoice_id) -> str:
    return supplier.ok("factures/v1/consulter/historique", {"idFacture": invoice_id})[
        "statutCourantCode"
    ]


def treat(caller, invoice_id, status, **extra) -> dict:
    return caller.call(
        "factures/v1/traiter/recue", {"idFacture": invoice_id, "nouveauStatut": status, **extra}
    )


def test_the_clock_routes_a_submitted_invoice_step_by_step(emulator, supplier):
    invoice_id = submit(supplier)["identifiantFactureCPP"]

    assert status_seen_by_supplier(supplier, invoice_id) == "DEPOSEE"
    emulator.advance(5)
    assert status_seen_by_supplier(supplier, invoice_id) == "EN_COURS_ACHEMINEMENT"
    emulator.advance(5)
    assert status_seen_by_supplier(supplier, invoice_id) == "MISE_A_DISPOSITION"


def test_history_is_newest_first_with_minute_stamps(emulator, supplier):
    invoice_id = submit(supplier)["identifiantFactureCPP"]
    emulator.advance(120)

    history = supplier.ok("factures/v1/consulter/historique", {"idFacture": invoice_id})
    entries = history["historiquesDesStatuts"]["histoStatut"]

    assert [e["histoStatutCode"] for e in entries] == [
        "MISE_A_DISPOSITION",
        "EN_COURS_ACHEMINEMENT",
        "DEPOSEE",
    ]
    assert len(entries[0]["histoStatutDatePassage"]) == len("2026-01-01 10:00")
    assert history["statutCourantCode"] == "MISE_A_DISPOSITION"
    assert history["idFacture"] == invoice_id


def test_the_recipient_only_sees_an_invoice_once_made_available(emulator, supplier, lycee):
    invoice_id = submit(supplier)["identifiantFactureCPP"]

    empty = lycee.call("factures/v1/rechercher/recipiendaire", {})
    assert empty["codeRetour"] == 20000
    assert empty["libelle"].startswith("TRA_MSG_00.015")

    emulator.advance(10)
    payload = lycee.ok("factures/v1/rechercher/recipiendaire", {})

    assert [i["idFacture"] for i in payload["listeFactures"]] == [invoice_id]
    assert payload["total"] == 1 and payload["pageCourante"] == 1 and payload["pages"] == 1
    assert "parametresRetour" not in payload
    assert payload["listeFactures"][0]["statut"] == "MISE_A_DISPOSITION"


def test_other_recipients_do_not_see_the_invoice(emulator, supplier, commune):
    submit(supplier)
    emulator.advance(10)

    assert commune.call("factures/v1/rechercher/recipiendaire", {})["codeRetour"] == 20000


def test_suspension_and_completion_travel_between_supplier_and_recipient(emulator, supplier, lycee):
    invoice_id = submit(supplier)["identifiantFactureCPP"]
    emulator.advance(10)

    assert (
        treat(lycee, invoice_id, "SUSPENDUE", motif="Bon de livraison manquant")["codeRetour"] == 0
    )
    assert status_seen_by_supplier(supplier, invoice_id) == "SUSPENDUE"
    found = supplier.ok("factures/v1/rechercher/fournisseur", {"statutCourant": ["SUSPENDUE"]})
    assert found["listeFactures"][0]["commentaireEtatCourant"] == "Bon de livraison manquant"

    extra = supplier.ok(
        "transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": base64.b64encode(b"bon de livraison").decode(),
            "pieceJointeNom": "bl.txt",
            "pieceJointeTypeMime": "text/plain",
            "pieceJointeExtension": "TXT",
        },
    )["pieceJointeId"]
    completed = supplier.ok(
        "factures/v1/completer",
        {
            "identifiantFactureCPP": invoice_id,
            "commentaire": "BL joint",
            "pieceJointeComplementaire": [
                {"pieceJointeComplementaireId": extra, "pieceJointeComplementaireDesignation": "BL"}
            ],
        },
    )

    assert completed["numeroFacture"]
    seen = lycee.ok("factures/v1/rechercher/recipiendaire", {"statutCourant": ["COMPLETEE"]})
    assert [i["idFacture"] for i in seen["listeFactures"]] == [invoice_id]
    detail = lycee.ok("factures/v1/consulter/recipiendaire", {"identifiantFactureCPP": invoice_id})
    assert extra in [
        p["pieceJointeId"] for p in detail["facture"]["listeDesPiecesJointes"]["pieceJointe"]
    ]


def test_completer_is_refused_unless_suspended(emulator, supplier):
    invoice_id = submit(supplier)["identifiantFactureCPP"]

    payload = supplier.call("factures/v1/completer", {"identifiantFactureCPP": invoice_id})

    assert payload["codeRetour"] == 20002


@pytest.mark.parametrize("status", ["SUSPENDUE", "REJETEE"])
def test_a_motive_is_mandatory_to_suspend_or_reject(emulator, supplier, lycee, status):
    invoice_id = submit(supplier)["identifiantFactureCPP"]
    emulator.advance(10)

    assert treat(lycee, invoice_id, status)["codeRetour"] == 20016
    assert treat(lycee, invoice_id, status, motif="x" * 256)["codeRetour"] == 20016
    assert treat(lycee, invoice_id, status, motif="x" * 255)["codeRetour"] == 0


def test_the_mandate_number_is_kept_on_mandatee(emulator, supplier, lycee):
    invoice_id = submit(supplier)["identifiantFactureCPP"]
    emulator.advance(10)

    treat(lycee, invoice_id, "MANDATEE", numeroDPMandat="MAND-2026-42")
    detail = supplier.ok("factures/v1/consulter/fournisseur", {"identifiantFactureCPP": invoice_id})

    assert detail["facture"]["references"]["numeroDpMandat"] == "MAND-2026-42"
    assert detail["facture"]["statutFacture"] == "MANDATEE"


# Annexe v6.1 §2: recycling is withdrawn, so A_RECYCLER is offered from nowhere.
MATRIX = {
    "MISE_A_DISPOSITION": {
        "SUSPENDUE",
        "REJETEE",
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_A_DISPOSITION_COMPTABLE",
        "COMPTABILISEE",
        "MISE_EN_PAIEMENT",
    },
    "COMPLETEE": {
        "SUSPENDUE",
        "REJETEE",
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_A_DISPOSITION_COMPTABLE",
        "COMPTABILISEE",
        "MISE_EN_PAIEMENT",
    },
    "SERVICE_FAIT": {
        "SUSPENDUE",
        "REJETEE",
        "MANDATEE",
        "MISE_A_DISPOSITION_COMPTABLE",
        "COMPTABILISEE",
        "MISE_EN_PAIEMENT",
    },
    "MANDATEE": {"REJETEE", "MISE_A_DISPOSITION_COMPTABLE", "COMPTABILISEE", "MISE_EN_PAIEMENT"},
    "MISE_A_DISPOSITION_COMPTABLE": {"REJETEE", "COMPTABILISEE", "MISE_EN_PAIEMENT"},
    "COMPTABILISEE": {"MISE_EN_PAIEMENT"},
    "MISE_EN_PAIEMENT": set(),
    "REJETEE": set(),
    "SUSPENDUE": set(),
    "A_RECYCLER": set(),
}
TARGETS = sorted(
    MATRIX["MISE_A_DISPOSITION"] | {"EN_COURS_ACHEMINEMENT", "COMPLETEE", "A_RECYCLER"}
)


@pytest.mark.parametrize("current", sorted(MATRIX))
def test_possible_states_follow_the_matrix(lycee, current):
    payload = lycee.ok(TRANSITIONS, {"statutCourant": current})

    assert {
        s["statutPossiblePourTraitement"] for s in payload["listeStatutsPossiblesPourTraitement"]
    } == MATRIX[current]


@pytest.mark.slow
def test_traiter_recue_agrees_with_recuperer_etats_for_every_pair(emulator, supplier, lycee):
    """Every (current, target) pair: allowed exactly when the possible-states list says so."""
    for current in (
        "MISE_A_DISPOSITION",
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_A_DISPOSITION_COMPTABLE",
        "COMPTABILISEE",
        "MISE_EN_PAIEMENT",
        "REJETEE",
    ):
        possible = {
            s["statutPossiblePourTraitement"]
            for s in lycee.ok(TRANSITIONS, {"statutCourant": current})[
                "listeStatutsPossiblesPourTraitement"
            ]
        }
        for target in TARGETS:
            invoice_id = emulator.seed_invoices("12345678200010", LYCEE, 1, status=current)[
                "firstId"
            ]
            payload = treat(lycee, invoice_id, target, motif="motif de test")
            if target in possible:
                assert payload["codeRetour"] == 0, (current, target, payload)
            else:
                assert payload["codeRetour"] == 20002, (current, target, payload)
                assert payload["libelle"] == (
                    "Incohérence au niveau du statut d'origine ou de destination de la facture."
                )


def test_a_forbidden_transition_leaves_the_status_unchanged(emulator, supplier, lycee):
    invoice_id = submit(supplier)["identifiantFactureCPP"]
    emulator.advance(10)
    treat(lycee, invoice_id, "MISE_EN_PAIEMENT")

    assert treat(lycee, invoice_id, "MANDATEE")["codeRetour"] == 20002
    assert status_seen_by_supplier(supplier, invoice_id) == "MISE_EN_PAIEMENT"


def test_a_recipient_cannot_treat_an_invoice_of_another_recipient(emulator, supplier, commune):
    invoice_id = submit(supplier)["identifiantFactureCPP"]
    emulator.advance(10)

    assert treat(commune, invoice_id, "SERVICE_FAIT")["codeRetour"] == 20001


def test_a_supplier_does_not_see_invoices_of_another_supplier(emulator, supplier, as_account):
    invoice_id = submit(supplier)["identifiantFactureCPP"]
    other = as_account("44306184100013")

    assert (
        other.call("factures/v1/consulter/historique", {"idFacture": invoice_id})["codeRetour"]
        == 20001
    )
    assert other.ok("factures/v1/rechercher/fournisseur", {})["listeFactures"] == []


@pytest.mark.parametrize("current", ["MISE_A_DISPOSITION", "COMPLETEE", "SERVICE_FAIT"])
def test_a_recipient_can_no_longer_send_an_invoice_to_recycling(emulator, supplier, lycee, current):
    invoice_id = emulator.seed_invoices("12345678200010", LYCEE, 1, status=current)["firstId"]

    payload = treat(lycee, invoice_id, "A_RECYCLER", motif="Mauvais destinataire")

    assert payload["codeRetour"] == 20002
    assert payload["libelle"] == (
        "Incohérence au niveau du statut d'origine ou de destination de la facture."
    )
    assert status_seen_by_supplier(supplier, invoice_id) == current


def test_an_invoice_already_to_recycle_is_rerouted_to_a_new_recipient(
    emulator, supplier, lycee, commune
):
    invoice_id = submit(supplier)["identifiantFactureCPP"]
    emulator.advance(10)
    # Sent to recycling before the withdrawal: only the admin API can still put it there.
    emulator.set_status(invoice_id, "A_RECYCLER", motif="Mauvais destinataire")

    refused = supplier.call(
        "factures/v1/recycler",
        {"identifiantFactureCPP": invoice_id, "destinataire": {"codeDestinataire": COMMUNE}},
    )
    assert refused["codeRetour"] == 20007  # the Commune requires a service code

    payload = supplier.ok(
        "factures/v1/recycler",
        {
            "identifiantFactureCPP": invoice_id,
            "destinataire": {"codeDestinataire": COMMUNE, "codeServiceExecutant": "SERV_TECH"},
        },
    )
    assert payload["statutFacture"] == "DEPOSEE"
    emulator.advance(10)

    assert recipient_ids(commune) == [invoice_id]
    assert recipient_ids(lycee) == []


def test_traiter_rejet_marks_the_rejection_as_handled(emulator, supplier, lycee):
    invoice_id = submit(supplier)["identifiantFactureCPP"]
    emulator.advance(10)
    treat(lycee, invoice_id, "REJETEE", motif="Doublon")

    supplier.ok(
        "factures/v1/traiterRejet",
        {
            "listeDemandePaiement": [{"idDemandePaiement": invoice_id}],
            "motifRejet": "Nouvelle facture émise",
        },
    )
    found = supplier.ok("factures/v1/rechercher/fournisseur", {"rejetTraite": True})

    assert [i["identifiantFactureCPP"] for i in found["listeFactures"]] == [invoice_id]
    history = supplier.ok("factures/v1/consulter/historique", {"idFacture": invoice_id})
    assert history["derniereAction"]["derniereActionCode"] == "TRAITEMENT_REJET"


def test_traiter_rejet_is_refused_for_an_invoice_not_rejected(emulator, supplier):
    invoice_id = submit(supplier)["identifiantFactureCPP"]

    payload = supplier.call(
        "factures/v1/traiterRejet", {"listeDemandePaiement": [{"idDemandePaiement": invoice_id}]}
    )

    assert payload["codeRetour"] == 20002


def validated_invoice(emulator, supplier, **frame) -> int:
    cadre = {
        "codeCadreFacturation": "A9_FACTURE_SOUSTRAITANT",
        "codeStructureValideur": VALIDATOR,
        **frame,
    }
    invoice_id = submit(supplier, cadreDeFacturation=cadre)["identifiantFactureCPP"]
    emulator.advance(10)
    return invoice_id


def test_a_subcontractor_invoice_waits_for_its_validator(emulator, supplier, lycee, validator):
    invoice_id = validated_invoice(emulator, supplier)

    assert status_seen_by_supplier(supplier, invoice_id) == "A_VALIDER_1"
    assert recipient_ids(lycee) == []
    found = validator.ok("factures/v1/rechercher/valideur", {})
    assert [i["idFacture"] for i in found["listeFactures"]] == [invoice_id]
    assert found["parametresRetour"]["total"] == 1

    decision = validator.ok(
        "factures/v1/traiter/factureAValider", {"idFacture": invoice_id, "action": "VALIDATION"}
    )
    assert decision["statutFacture"] == "VALIDEE_1"
    assert status_seen_by_supplier(supplier, invoice_id) == "VALIDEE_1"
    emulator.advance(5)

    assert recipient_ids(lycee) == [invoice_id]
    history = supplier.ok("factures/v1/consulter/historique", {"idFacture": invoice_id})
    assert [h["histoStatutCode"] for h in history["historiquesDesStatuts"]["histoStatut"]] == [
        "MISE_A_DISPOSITION",
        "VALIDEE_1",
        "A_VALIDER_1",
        "EN_COURS_ACHEMINEMENT",
        "DEPOSEE",
    ]


def test_a_refused_invoice_can_be_sent_to_a_corrected_validator(emulator, supplier, validator):
    invoice_id = validated_invoice(emulator, supplier)

    no_reason = validator.call(
        "factures/v1/traiter/factureAValider", {"idFacture": invoice_id, "action": "REFUS"}
    )
    assert no_reason["codeRetour"] == 20016
    validator.ok(
        "factures/v1/traiter/factureAValider",
        {"idFacture": invoice_id, "action": "REFUS", "motifRefus": "ERREUR_VALIDEUR"},
    )
    assert status_seen_by_supplier(supplier, invoice_id) == "REFUSEE_1"
    assert (
        validator.call(
            "factures/v1/traiter/factureAValider", {"idFacture": invoice_id, "action": "VALIDATION"}
        )["codeRetour"]
        == 20002
    )

    supplier.ok(
        "factures/v1/corriger/valideur/facture",
        {
            "idFacture": invoice_id,
            "identifiantStructure": VALIDATOR,
            "typeIdentifiantStructure": "SIRET",
        },
    )

    assert status_seen_by_supplier(supplier, invoice_id) == "A_VALIDER_1"


def test_the_validator_consults_an_invoice_to_validate(emulator, supplier, validator):
    invoice_id = validated_invoice(emulator, supplier)

    detail = validator.ok("factures/v1/consulter/valideur", {"identifiantFactureCPP": invoice_id})

    assert detail["facture"]["cadreDeFacturation"]["codeValideur1"] == VALIDATOR
    assert detail["facture"]["destinataire"]["idDestinataire"] == LYCEE_ID
