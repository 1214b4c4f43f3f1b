"""The facturesTravaux API as a client written from the public contract alone would call it:
exact paths, verbs and JSON, the searches by role, the Transverses lists, and the admin seeding
tests use to start anywhere in the sequence."""

import re
from datetime import datetime, timedelta

import pytest
import requests

from chorus_emulator.works_rules import WORKS_STATUSES
from tests.chorus_emulator.conftest import JSON, account_header
from tests.chorus_emulator.works_helpers import (
    A4,
    A10,
    A15,
    API,
    COCONTRACTOR_ID,
    CONTRACT,
    CONTRACTOR,
    CONTRACTOR_ID,
    DAY,
    MOE_ID,
    OWNER_ID,
    code,
    consult,
    contract_parties,
    deposit,
    status,
    submit,
)

OPERATIONS = (
    "consulter/dossierfacturation",
    "consulter",
    "rechercher",
    "soumettre",
    "demander/recyclage",
    "prendreencompte",
    "refuser",
    "suspendre/demander/completer/factureTravaux",
    "recuperer/motifsrefus",
    "completer",
    "completermoe",
    "completerservicemoe",
    "corriger/valideur",
    "recycler",
)
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")


@pytest.fixture
def works(emulator):
    return contract_parties(emulator)


def search(caller, **body) -> dict:
    return caller.call(API + "rechercher", body)


def ids(payload: dict) -> list[int]:
    return [item["idFactureTravaux"] for item in payload["listeFacturesTravaux"]]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_of_the_annex_is_a_post_under_cpro_factures_travaux(works, operation):
    url = f"{works.contractor.emulator.api_base_url}/cpro/{API}{operation}"
    headers = works.contractor.headers()

    assert requests.get(url, headers=headers, timeout=10).status_code == 405
    answer = requests.post(url, data=b"{}", headers=headers, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["codeRetour"] != 0  # every operation needs something in its body
    no_account = requests.post(
        url,
        data=b"{}",
        timeout=10,
        headers={"Authorization": headers["Authorization"], "Content-Type": JSON},
    )
    assert no_account.status_code == 401


def test_a_submission_answers_integers_and_iso_stamps(works):
    body = {
        "modeDepot": "DEPOT_PDF_API",
        "numeroFactureTravaux": "SIT-2026-03-BTP",
        "dateFactureTravaux": "2026-03-31",
        "cadreDeFacturation": {"codeCadreFacturation": A4},
        "fournisseur": {
            "idFournisseur": CONTRACTOR_ID,
            "codeCoordonneesBancairesFournisseur": 31000010,
        },
        "destinataire": {"codeDestinataire": "21750001600019", "codeServiceExecutant": "SERV_TECH"},
        "moe": {"identifiantMoe": "79812345100014", "typeIdentifiantMoe": "SIRET"},
        "references": {
            "numeroMarche": CONTRACT,
            "numeroBonCommande": "EJ-TRX-2026-014",
            "deviseFacture": "EUR",
            "typeTva": "TVA_SUR_DEBIT",
            "modePaiement": "VIREMENT",
        },
        "montantTotal": {
            "montantHtTotal": 84250.5,
            "montantTVA": 16850.1,
            "montantTtcTotal": 101100.6,
            "montantAPayer": 101100.6,
        },
        "pieceJointePrincipale": [
            {
                "pieceJointePrincipaleDesignation": "situation.pdf",
                "pieceJointePrincipaleId": works.contractor.ok(
                    "transverses/v1/ajouter/fichier",
                    {
                        "pieceJointeFichier": "JVBERi0xLjQK",
                        "pieceJointeNom": "situation.pdf",
                        "pieceJointeExtension": "PDF",
                    },
                )["pieceJointeId"],
            }
        ],
        "commentaire": "Situation n° 3",
        "champInconnu": "ignoré",
    }
    response = works.contractor.post(API + "soumettre", body)

    payload = response.json()
    assert payload["codeRetour"] == 0 and payload["libelle"] == "TRA_MSG_00.000"
    assert isinstance(payload["idFactureTravaux"], int)
    assert isinstance(payload["idDossierFacturation"], int)
    assert payload["numeroFactureTravaux"] == "SIT-2026-03-BTP"
    assert ISO_MS.match(payload["dateDepotFactureTravaux"])
    assert payload["statutFactureTravaux"] == "DEPOSEE"
    assert (
        '"montantHT": 84250.5'
        in works.contractor.post(
            API + "consulter", {"idFactureTravaux": payload["idFactureTravaux"]}
        ).text
    )


def test_the_consultation_names_the_parties_the_chain_and_the_delays(emulator, works):
    a4 = deposit(emulator, works.contractor)
    a15 = deposit(emulator, works.moe, A15, previous=a4)

    piece = works.owner.ok(API + "consulter", {"idFactureTravaux": a15})["factureTravaux"]

    frame = piece["cadreDeFacturation"]
    assert (frame["codeCadreFacturation"], frame["idMoe"], frame["idMoa"]) == (
        A15,
        MOE_ID,
        OWNER_ID,
    )
    assert frame["raisonSocialeMoe"] == "Durand Architectes Ingénierie SARL"
    assert frame["codeServiceMoa"] == "SERV_TECH"
    assert piece["piecePrecedente"]["idPiecePrecedente"] == a4
    assert piece["piecePrecedente"]["cadreFacturationPiecePrecedente"] == A4
    assert piece["pieceSuivante"] is None
    assert piece["references"]["typeFactureTravaux"] == "ETAT_ACOMPTE"
    assert piece["typeDemandePaiement"] == "FACTURE_TRAVAUX"
    assert all(
        ISO_MS.match(piece["delais"][key])
        for key in ("dateDebutDelaiPaiement", "dateLimitePaiement")
    )
    assert [h["histoStatutCode"] for h in piece["historiquesDesStatuts"]["histoStatut"]] == [
        "A_ASSOCIER_MOA",
        "EN_COURS_ACHEMINEMENT",
        "DEPOSEE",
    ]
    assert consult(works.contractor, a4)["pieceSuivante"]["idPieceSuivante"] == a15


def test_the_history_operation_of_invoices_serves_works_pieces_to_their_moe(emulator, works):
    a4 = deposit(emulator, works.contractor)

    history = works.moe.ok("factures/v1/consulter/historique", {"idFacture": a4})

    assert history["statutCourantCode"] == "A_ASSOCIER_MOE"
    assert (
        works.lycee.call("factures/v1/consulter/historique", {"idFacture": a4})["codeRetour"]
        == 20001
    )


def test_each_role_searches_what_it_holds(emulator, works):
    a4 = deposit(emulator, works.contractor)
    a15 = deposit(emulator, works.moe, A15, previous=a4)
    fresh = submit(works.contractor)["idFactureTravaux"]  # not routed yet

    assert ids(search(works.contractor, roleUtilisateur="FOURNISSEUR")) == [a4, a15, fresh]
    assert ids(search(works.moe, roleUtilisateur="MOE")) == [a4, a15]
    assert ids(search(works.owner, roleUtilisateur="MOA")) == [a4, a15]
    assert ids(search(works.owner, roleUtilisateur="MOA", listeStatutCourant="A_ASSOCIER_MOA")) == [
        a15
    ]
    assert ids(
        search(
            works.owner,
            roleUtilisateur="MOA",
            listeStatutCourant=["ASSOCIEE", "A_ASSOCIER_MOA"],
            listeTypeFactureTravaux=["ETAT_ACOMPTE"],
        )
    ) == [a15]
    assert ids(search(works.moe, roleUtilisateur="MOE", uniquementSansPieceSuivante=True)) == [a15]
    assert ids(
        search(
            works.contractor,
            roleUtilisateur="FOURNISSEUR",
            cadreFacturation=A4,
            montantTTCMin="12000",
            montantTTCMax="12000",
        )
    ) == [a4, fresh]
    # "What changed since": the stamp a client last saw is an inclusive lower bound.
    since = consult(works.moe, a15)["dateHeureEtatCourant"]
    assert ids(search(works.moe, roleUtilisateur="MOE", periodeDateHeureEtatCourantDu=since)) == [
        a15
    ]


def test_a_search_without_result_answers_20007_with_its_pagination(works):
    payload = search(
        works.moe,
        roleUtilisateur="MOE",
        rechercheFactureTravaux={
            "pageResultatDemandee": 1,
            "nbResultatsParPage": 5,
            "triColonne": "TypeDemandePaiement",
            "triSens": "Descendant",
        },
    )

    assert payload["codeRetour"] == 20007
    assert payload["libelle"].startswith("GFT_MSG_01.075")
    assert payload["listeFacturesTravaux"] == []
    assert payload["parametresRetour"] == {
        "pageCourante": 1,
        "pages": 0,
        "nbResultatsParPage": 5,
        "total": 0,
    }


@pytest.mark.parametrize(
    ("who", "role"),
    [("contractor", None), ("contractor", "INCONNU"), ("lycee", "MOE"), ("moe", "DESTINATAIRE")],
)
def test_a_search_needs_a_role_the_account_holds(works, who, role):
    body = {"roleUtilisateur": role} if role else {}

    assert search(getattr(works, who), **body)["codeRetour"] == 20008


def test_searches_page_and_sort(emulator, works):
    created = [submit(works.contractor, ht=1000 * n)["idFactureTravaux"] for n in (3, 1, 2)]
    page = {
        "pageResultatDemandee": 2,
        "nbResultatsParPage": 2,
        "triColonne": "montantTTC",
        "triSens": "Descendant",
    }

    payload = works.contractor.ok(
        API + "rechercher", {"roleUtilisateur": "FOURNISSEUR", "rechercheFactureTravaux": page}
    )

    assert ids(payload) == [created[1]]
    assert payload["parametresRetour"] == {
        "pageCourante": 2,
        "pages": 2,
        "nbResultatsParPage": 2,
        "total": 3,
    }


def test_works_pieces_reach_the_received_invoices_only_once_payable(emulator, works):
    a4 = deposit(emulator, works.contractor)
    a15 = deposit(emulator, works.moe, A15, previous=a4)
    a19 = deposit(emulator, works.owner, "A19_ETAT_ACOMPTE_VALIDE_MOA", previous=a15)

    def received(**body):
        payload = works.owner.call("factures/v1/rechercher/recipiendaire", body)
        return [item["idFacture"] for item in payload["listeFactures"]]

    assert received() == [a19]
    assert received(
        typeDemandePaiement="FACTURE_TRAVAUX", listeTypeFactureTravaux=["ETAT_ACOMPTE_VALIDE"]
    ) == [a19]
    assert (
        received(
            typeDemandePaiement="FACTURE_TRAVAUX", listeTypeFactureTravaux=["DECOMPTE_GENERAL"]
        )
        == []
    )
    detail = works.owner.ok("factures/v1/consulter/recipiendaire", {"identifiantFactureCPP": a19})[
        "facture"
    ]
    assert detail["cadreDeFacturation"]["identifiantMoe"] == "79812345100014"
    assert detail["references"]["typeFactureTravaux"] == "ETAT_ACOMPTE_VALIDE"
    assert detail["piecePrecedente"]["idPiecePrecedente"] == a15
    # The contractor follows its works pieces here, not among the invoices it issued.
    assert works.contractor.ok("factures/v1/rechercher/fournisseur", {})["listeFactures"] == []


def test_a_destinataire_suspension_is_completed_through_the_works_api(emulator, works):
    a4 = emulator.seed_works(cadre=A4)["idFactureTravaux"]
    a15 = emulator.seed_works(cadre=A15, idPiecePrecedente=a4)["idFactureTravaux"]
    a19 = emulator.seed_works(
        cadre="A19_ETAT_ACOMPTE_VALIDE_MOA", idPiecePrecedente=a15, statut="MISE_A_DISPOSITION"
    )["idFactureTravaux"]
    due = datetime.fromisoformat(consult(works.owner, a19)["delais"]["dateLimitePaiement"])
    works.owner.ok(
        "factures/v1/traiter/recue",
        {
            "idFacture": a19,
            "nouveauStatut": "SUSPENDUE",
            "motif": "Attestation d'assurance manquante",
        },
    )
    assert code(works.moe, "completer", {"idFactureTravaux": a19}) == 20002  # the MOA deposited
    emulator.advance(2 * DAY)

    works.owner.ok(API + "completer", {"idFactureTravaux": a19, "commentaire": "Jointe"})

    completed = consult(works.owner, a19)
    assert completed["statutFactureTravaux"] == "COMPLETEE"
    # The payment delay waited while the piece was suspended.
    shift = datetime.fromisoformat(completed["delais"]["dateLimitePaiement"]) - due
    assert timedelta(days=2) <= shift < timedelta(days=2, seconds=30)
    works.owner.ok(
        "factures/v1/traiter/recue", {"idFacture": a19, "nouveauStatut": "MISE_EN_PAIEMENT"}
    )


def test_the_refusal_reasons_of_works_pieces(works):
    payload = works.moe.ok(
        API + "recuperer/motifsrefus", {"codeCadreFacturationTravaux": "A15_ETAT_ACOMPTE_MOE"}
    )

    assert payload["libelle"] == "GCU_MSG_01_000"
    reasons = {
        r["codeMotif"]: (r["idMotif"], r["libelleMotif"])
        for r in payload["listeMotifRefusFactureTravaux"]
    }
    assert reasons["MAUVAISE_MOE"] == (114, "Mauvaise maîtrise d'oeuvre")
    assert set(reasons) == {
        "AUTRE",
        "MAUVAIS_VALIDEUR",
        "MAUVAISE_MOE",
        "MAUVAISE_MOA",
        "REF_FAC_TRAVAUX",
        "ERREUR_MONTANT",
    }
    assert (
        works.moe.call(
            API + "recuperer/motifsrefus", {"codeCadreFacturationTravaux": "A1_FACTURE_FOURNISSEUR"}
        )["codeRetour"]
        == 20017
    )


def test_the_transverses_lists_of_works(works):
    types = works.contractor.ok("transverses/v1/recuperer/typefacturetravaux", {})
    assert {"typeFactureTravaux": "PROJET_DECOMPTE_MENSUEL"} in types["listeTypeFactureTravaux"]
    assert len(types["listeTypeFactureTravaux"]) == 11

    def active(caller):
        return [
            (s["idStructureCPP"], s["identifiant"])
            for s in caller.ok("transverses/v1/recuperer/structures/actives/facturetravaux", {})[
                "listeStructures"
            ]
        ]

    assert active(works.contractor) == [(CONTRACTOR_ID, CONTRACTOR)]
    assert active(works.cocontractor) == [(COCONTRACTOR_ID, "12345678200010")]
    assert active(works.owner) == [(OWNER_ID, "21750001600019")]
    assert active(works.lycee) == []


@pytest.mark.parametrize(
    ("cadre", "statut", "seen_by", "role"),
    [
        (A4, None, "moe", "MOE"),
        (A4, "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE", "moe", "MOE"),
        ("A15_ETAT_ACOMPTE_MOE", "A_ASSOCIER_MOA", "owner", "MOA"),
        (A10, "A_VALIDER_1", "contractor", "VALIDATEUR"),
        ("A19_ETAT_ACOMPTE_VALIDE_MOA", "MANDATEE", "owner", "DESTINATAIRE"),
        ("A18_DECOMPTE_GENERAL_MOE", "A_ASSOCIER_FOURNISSEUR", "contractor", "FOURNISSEUR"),
    ],
)
def test_the_admin_api_seeds_a_piece_at_any_status(emulator, works, cadre, statut, seen_by, role):
    seeded = emulator.seed_works(cadre=cadre, **({"statut": statut} if statut else {}))

    assert seeded["statutFactureTravaux"] == (statut or "A_ASSOCIER_MOE")
    assert ids(search(getattr(works, seen_by), roleUtilisateur=role)) == [
        seeded["idFactureTravaux"]
    ]


@pytest.mark.parametrize("statut", sorted(WORKS_STATUSES))
def test_every_works_status_can_be_seeded(emulator, statut):
    cadre = A10 if "VALID" in statut and "MOE" not in statut else A4
    assert emulator.seed_works(cadre=cadre, statut=statut)["statutFactureTravaux"] == statut


def test_a_seeded_piece_keeps_its_delays_on_the_clock(emulator, works):
    seeded = emulator.seed_works(cadre=A4)["idFactureTravaux"]
    emulator.advance(7 * DAY + 1)
    assert status(works.moe, seeded) == "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE"

    answer = emulator.seed_works(cadre="A15_ETAT_ACOMPTE_MOE", idPiecePrecedente=seeded)
    assert status(works.moe, seeded) == "ASSOCIEE"
    assert answer["idDossierFacturation"] == consult(works.moe, seeded)["idDossierFacturation"]


def test_the_admin_api_refuses_what_is_not_a_works_piece(emulator):
    for body in (
        {"cadre": "A1_FACTURE_FOURNISSEUR"},
        {"statut": "INCONNU"},
        {"marche": "MT-0000-000"},
    ):
        response = requests.post(f"{emulator.base_url}/_emulator/seed/works", json=body, timeout=10)
        assert response.status_code == 400, body


def test_a_bad_account_is_refused_like_on_every_legacy_operation(works):
    answer = works.contractor.post(
        API + "rechercher",
        {"roleUtilisateur": "FOURNISSEUR"},
        **{"cpro-account": account_header("TECH_1_x@cpro.fr", "no")},
    )

    assert answer.status_code == 401
    assert "login or password incorrects" in answer.headers["WWW-Authenticate"]
