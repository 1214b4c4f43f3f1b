"""Engagements API over HTTP: commitments with their consumption, created and changed by their
issuer, seen by their supplier and by the legacy engagementsJuridiques search."""

import base64
from decimal import Decimal

import pytest

from tests.chorus_emulator.conftest import (
    DRFIP,
    OTHER_SUPPLIER,
    SUPPLIER,
    invoice_body,
    rest_error,
)

BASE = "engagements/v1"
EJ_0001 = 41000001  # EJ-2026-0001: DRFiP → Atelier Numérique, 12 000, 4 500 consumed before


@pytest.fixture
def drfip(as_account):
    return as_account(DRFIP)


def get(caller, path, **params):
    return caller.rest_ok("GET", f"{BASE}/{path}", **params)


def consumed(commitment) -> Decimal:
    total = Decimal(0)
    for request in commitment["demandesPaiement"]:
        if request["etatCourant"] not in ("REJETEE", "SUPPRIMEE", "ABANDONNEE"):
            amount = Decimal(str(request["montantTtc"]))
            total += -amount if request["type"] == "AVOIR" else amount
    return total


def create(caller, number="EJ-TEST-1", **fields):
    body = {
        "numero": number,
        "libelle": "Maintenance",
        "montantTotalTtc": 1200,
        "emetteur": {"siret": DRFIP},
        "recepteur": {"siret": SUPPLIER},
        "lignesPoste": [{"numero": 1, "libelle": "Forfait", "montantTtc": 1200}],
        **fields,
    }
    return caller.rest("POST", f"{BASE}/engagement", body)


def test_a_commitment_shows_its_lines_and_the_earlier_invoices_it_paid(supplier):
    commitment = get(supplier, f"engagement/{EJ_0001}")

    assert (commitment["numero"], commitment["etatCourant"], commitment["montantTotalTtc"]) == (
        "EJ-2026-0001",
        "COMMANDE",
        12000,
    )
    assert commitment["emetteur"]["siret"] == DRFIP
    assert commitment["recepteur"]["siret"] == SUPPLIER
    assert [line["montantTtc"] for line in commitment["lignesPoste"]] == [8000, 4000]
    assert [r["numero"] for r in commitment["demandesPaiement"]] == [
        "AN-2026-0012",
        "AN-2026-0031",
        "AN-2026-0032",
    ]
    assert consumed(commitment) == Decimal(4500)  # the rejected 900 does not count
    assert commitment["dateCreation"] == "2026-01-15T00:00:00+01:00"


def test_a_credit_note_gives_back_what_its_invoice_consumed(supplier):
    [commitment] = [c for c in get_search(supplier, {}) if c["numero"] == "EJ-2026-0100"]

    assert consumed(commitment) == Decimal(5500)


def test_an_invoice_sent_against_a_commitment_consumes_it(supplier, drfip):
    before = consumed(get(drfip, f"engagement/{EJ_0001}"))
    sent = supplier.ok("factures/v1/soumettre", invoice_body(DRFIP, ej="EJ-2026-0001"))

    after = get(drfip, f"engagement/{EJ_0001}")

    [request] = [r for r in after["demandesPaiement"] if r["id"] == sent["identifiantFactureCPP"]]
    assert (request["etatCourant"], request["montantTtc"], request["type"]) == (
        "DEPOSEE",
        300,
        "FACTURE",
    )
    assert consumed(after) == before + 300


def test_a_commitment_is_hidden_from_other_suppliers(as_account):
    response = as_account(OTHER_SUPPLIER).rest("GET", f"{BASE}/engagement/{EJ_0001}")

    assert rest_error(response, 400)["error"] == "NotFoundReference"


def test_a_created_commitment_waits_for_validation_before_invoices(drfip, supplier):
    response = create(drfip)
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["etatCourant"], created["demandesPaiement"]) == ("A_TRAITER", [])

    refused = supplier.call("factures/v1/soumettre", invoice_body(DRFIP, ej="EJ-TEST-1"))
    assert refused["codeRetour"] == 20011

    validated = drfip.rest("POST", f"{BASE}/engagement/{created['id']}/statuts/valider")
    assert validated.json()["etatCourant"] == "COMMANDE"
    supplier.ok("factures/v1/soumettre", invoice_body(DRFIP, ej="EJ-TEST-1"))


def test_the_legacy_search_answers_from_the_same_commitments(drfip, supplier):
    created = create(drfip, "EJ-TEST-LEGACY").json()
    legacy_filter = {
        "structureReceptriceEngagementJuridique": "26000001",
        "numeroEngagementJuridique": "EJ-TEST-LEGACY",
    }

    pending = supplier.ok("engagementsJuridiques/v1/rechercher", legacy_filter)
    drfip.rest("POST", f"{BASE}/engagement/{created['id']}/statuts/valider")
    ordered = supplier.ok(
        "engagementsJuridiques/v1/rechercher",
        {**legacy_filter, "etatCourantEngagementJuridique": "COMMANDE"},
    )

    assert pending["listeEngagementJuridique"][0]["etatCourantEngagementJuridique"] == ("A_TRAITER")
    assert ordered["listeEngagementJuridique"][0]["idEngagementJuridique"] == created["id"]


@pytest.mark.parametrize(
    ("fields", "status", "error"),
    [
        ({"numero": "EJ-2026-0001"}, 400, "AlreadyExistingReference"),
        ({"lignesPoste": [{"numero": 1, "montantTtc": 1000}]}, 400, "BusinessRuleViolation"),
        ({"emetteur": {"siret": DRFIP, "codeService": "INCONNU"}}, 400, "NotFoundReference"),
        ({"montantTotalTtc": None}, 400, "MissingParameter"),
        ({"type": "CONTRAT"}, 400, "InvalidParameter"),
    ],
)
def test_creating_a_commitment_checks_its_fields(drfip, fields, status, error):
    body = {"numero": "EJ-TEST-2", **fields}
    assert rest_error(create(drfip, **body), status)["error"] == error


def test_only_the_issuer_creates_and_changes_a_commitment(supplier):
    assert create(supplier).status_code == 403
    assert (
        supplier.rest("PUT", f"{BASE}/engagement", {"id": EJ_0001, "libelle": "x"}).status_code
        == 403
    )
    assert supplier.rest("POST", f"{BASE}/engagement/{EJ_0001}/statuts/cloturer").status_code == 403


def test_modifying_a_commitment_keeps_its_number_and_what_was_consumed(drfip):
    changed = drfip.rest(
        "PUT",
        f"{BASE}/engagement",
        {
            "id": EJ_0001,
            "libelle": "Maintenance 2026 (avenant)",
            "montantTotalTtc": 15000,
            "lignesPoste": [{"numero": 1, "montantTtc": 11000}, {"numero": 2, "montantTtc": 4000}],
        },
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["libelle"], changed.json()["montantTotalTtc"]) == (
        "Maintenance 2026 (avenant)",
        15000,
    )

    below = drfip.rest(
        "PUT", f"{BASE}/engagement", {"id": EJ_0001, "montantTotalTtc": 4000, "lignesPoste": []}
    )
    renamed = drfip.rest("PUT", f"{BASE}/engagement", {"id": EJ_0001, "numero": "EJ-X"})
    assert rest_error(below, 400)["error"] == "BusinessRuleViolation"
    assert rest_error(renamed, 400)["error"] == "InvalidParameter"


def test_status_operations_follow_the_life_of_a_commitment(drfip):
    created = create(drfip).json()
    path = f"{BASE}/engagement/{created['id']}/statuts"

    assert rest_error(drfip.rest("POST", f"{path}/cloturer"), 400)["error"] == (
        "InvalidStatusTransition"
    )
    for operation, status in (
        ("valider", "COMMANDE"),
        ("cloturer", "CLOTURE"),
        ("rouvrir", "COMMANDE"),
        ("annuler", "ANNULE"),
    ):
        response = drfip.rest("POST", f"{path}/{operation}", {"commentaire": operation})
        assert response.json()["etatCourant"] == status
    assert rest_error(drfip.rest("POST", f"{path}/supprimer"), 400)["error"] == ("InvalidParameter")

    history = get(drfip, f"engagement/{created['id']}/statuts")
    assert [h["statut"] for h in history] == [
        "ANNULE",
        "COMMANDE",
        "CLOTURE",
        "COMMANDE",
        "A_TRAITER",
    ]
    assert history[0]["commentaire"] == "annuler"
    actions = get(drfip, f"engagement/{created['id']}/actions")
    assert [a["action"] for a in actions][-1] == "CREATION"
    assert actions[0]["auteur"] == drfip.login


def test_a_consumed_commitment_cannot_be_cancelled(drfip):
    response = drfip.rest("POST", f"{BASE}/engagement/{EJ_0001}/statuts/annuler")

    assert rest_error(response, 400)["error"] == "InvalidStatusTransition"


def test_attachments_are_added_by_the_issuer_and_read_by_the_supplier(drfip, supplier):
    content = b"%PDF-1.4 bon de commande"
    added = drfip.rest(
        "POST",
        f"{BASE}/piece-jointe",
        {
            "idEngagement": EJ_0001,
            "fileName": "bon.pdf",
            "contentType": "application/pdf",
            "attachmentData": base64.b64encode(content).decode(),
        },
    )
    assert added.status_code == 201, added.text
    attachment = added.json()

    fetched = get(supplier, f"piece-jointe/{attachment['id']}")
    assert base64.b64decode(fetched["attachmentData"]) == content
    assert get(supplier, f"engagement/{EJ_0001}")["piecesJointes"] == [
        {
            "id": attachment["id"],
            "fileName": "bon.pdf",
            "contentType": "application/pdf",
            "sizeBytes": len(content),
        }
    ]
    assert get(drfip, f"engagement/{EJ_0001}/actions")[0]["action"] == "AJOUT_PIECE_JOINTE"


def test_an_attachment_of_no_commitment_is_not_reachable(supplier):
    uploaded = supplier.ok(
        "transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": base64.b64encode(b"x").decode(),
            "pieceJointeNom": "x.pdf",
            "pieceJointeExtension": "PDF",
            "pieceJointeTypeMime": "application/pdf",
        },
    )

    response = supplier.rest("GET", f"{BASE}/piece-jointe/{uploaded['pieceJointeId']}")

    assert rest_error(response, 400)["error"] == "NotFoundReference"


def test_a_commitment_downloads_as_a_pdf(supplier):
    document = get(supplier, "piece-jointe/", idEngagement=str(EJ_0001))

    content = base64.b64decode(document["attachmentData"])
    assert content.startswith(b"%PDF") and len(content) == document["sizeBytes"]
    assert document["fileName"] == "EJ-2026-0001.pdf"


def test_the_existence_check_answers_for_visible_commitments(emulator, supplier, as_account):
    assert get(supplier, "engagement/referentiel/EJ-2026-0001/existence") == {
        "numero": "EJ-2026-0001",
        "existe": True,
    }
    assert (
        get(as_account(OTHER_SUPPLIER), "engagement/referentiel/EJ-2026-0001/existence")["existe"]
        is False
    )

    emulator.configure(commitmentExistence404=True)
    response = supplier.rest("GET", f"{BASE}/engagement/referentiel/EJ-INCONNU/existence")
    assert rest_error(response, 404)["error"] == "NotFoundReference"


def get_search(caller, body):
    return caller.rest_ok("POST", f"{BASE}/engagement/recherche", body)


def test_commitment_searches_filter_on_nested_fields_and_amounts(supplier):
    from_drfip = get_search(
        supplier, {"emetteur.siret": {"op": "=", "val": DRFIP}, "_sort": ["numero"]}
    )
    big = get_search(
        supplier, {"montantTotalTtc": {"op": ">=", "val": 10000}, "_fields": ["numero"]}
    )
    pending = get_search(supplier, {"etatCourant": {"op": "=", "val": "A_TRAITER"}})

    assert [c["numero"] for c in from_drfip] == ["EJ-2026-0001", "EJ-2026-0002", "EJ-2026-0003"]
    assert big == [{"numero": "EJ-2026-0001"}, {"numero": "EJ-2026-0100"}]
    assert [c["numero"] for c in pending] == ["EJ-2026-0003"]


def test_the_health_check_answers_an_empty_200(supplier):
    response = supplier.rest("GET", f"{BASE}/engagement/healthcheck")

    assert (response.status_code, response.content) == (200, b"")


def test_an_api_the_application_is_not_subscribed_to_answers_the_gateways_403(emulator, supplier):
    emulator.configure(unsubscribedApis=["engagements"])

    response = supplier.rest("GET", f"{BASE}/engagement/{EJ_0001}")
    legacy = supplier.post(
        "engagementsJuridiques/v1/rechercher", {"numeroEngagementJuridique": "EJ-2026-0001"}
    )

    assert response.status_code == 403
    assert response.json()["error"] == "Forbidden"
    assert "non abonnée" in response.json()["error_description"]
    assert legacy.status_code == 200  # the other APIs still answer
