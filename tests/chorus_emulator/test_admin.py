"""Admin API: forced statuses, bulk seeding, inspection, clock."""

import time

import requests

from tests.chorus_emulator.conftest import LYCEE, SUPPLIER, submit


def test_set_status_forces_a_status_seen_by_both_sides(emulator, supplier, lycee):
    invoice_id = submit(supplier)["identifiantFactureCPP"]

    emulator.set_status(invoice_id, "MISE_A_DISPOSITION")
    emulator.set_status(invoice_id, "SUSPENDUE", motif="Pièce manquante")

    assert lycee.ok("factures/v1/rechercher/recipiendaire", {})["listeFactures"][0][
        "statut"] == "SUSPENDUE"
    history = supplier.ok("factures/v1/consulter/historique", {"idFacture": invoice_id})
    newest = history["historiquesDesStatuts"]["histoStatut"][0]
    assert (newest["histoStatutCode"], newest["histoStatutCommentaire"]) == (
        "SUSPENDUE", "Pièce manquante")


def test_set_status_refuses_an_unknown_status(emulator, supplier):
    invoice_id = submit(supplier)["identifiantFactureCPP"]

    response = requests.post(f"{emulator.base_url}/_emulator/invoices/{invoice_id}/status",
                             json={"status": "PERDUE"}, timeout=10)

    assert response.status_code == 400


def test_bulk_seeding_creates_ten_thousand_invoices_quickly(emulator, lycee):
    started = time.monotonic()
    result = emulator.seed_invoices(SUPPLIER, LYCEE, 10_000, status="MISE_A_DISPOSITION")
    elapsed = time.monotonic() - started

    assert result["created"] == 10_000
    assert elapsed < 5
    page = lycee.ok("factures/v1/rechercher/recipiendaire",
                    {"paramRecherche": {"pageResultatDemandee": 1000,
                                        "nbResultatsParPage": 10}})
    assert page["total"] == 10_000 and len(page["listeFactures"]) == 10


def test_inspect_finds_invoices_by_number(emulator, supplier):
    submit(supplier, number="INSPECT-001")

    [invoice] = emulator.invoices("INSPECT-001")

    assert invoice["numeroFacture"] == "INSPECT-001"
    assert invoice["history"][0]["histoStatutCode"] == "DEPOSEE"


def test_the_clock_advances_by_the_requested_seconds(emulator):
    from datetime import datetime

    before = requests.get(f"{emulator.base_url}/_emulator/clock", timeout=10).json()["now"]
    after = emulator.advance(7200)
    elapsed = datetime.fromisoformat(after) - datetime.fromisoformat(before)

    assert 7200 <= elapsed.total_seconds() < 7260


def test_unknown_admin_routes_answer_404(emulator):
    assert requests.get(f"{emulator.base_url}/_emulator/nothing", timeout=10).status_code == 404
