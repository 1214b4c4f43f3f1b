"""Admin API: forced statuses, bulk seeding, inspection, clock."""

import time

import requests

from tests.chorus_emulator.conftest import LYCEE, SUPPLIER, submit


def test_set_status_forces_a_status_seen_by_both_sides(emulator, supplier, lycee):
    invoice_id = submit(supplier)["identifiantFactureCPP"]

    emulator.set_status(invoice_id, "MISE_A_DISPOSITION")
    emulator.set_status(invoice_id, "SUSPENDUE", motif="Pièce manquante")

    assert (
        lycee.ok("factures/v1/rechercher/recipiendaire", {})["listeFactures"][0]["statut"]
        == "SUSPENDUE"
    )
    history = supplier.ok("factures/v1/consulter/historique", {"idFacture": invoice_id})
    newest = history["historiquesDesStatuts"]["histoStatut"][0]
    assert (newest["histoStatutCode"], newest["histoStatutCommentaire"]) == (
        "SUSPENDUE",
        "Pièce manquante",
    )


def test_set_status_refuses_an_unknown_status(emulator, supplier):
    invoice_id = submit(supplier)["identifiantFactureCPP"]

    response = requests.post(
        f"{emulator.base_url}/_emulator/invoices/{invoice_id}/status",
        json={"status": "PERDUE"},
        timeout=10,
    )

    assert response.status_code == 400


def test_bulk_seeding_creates_ten_thousand_invoices_quickly(emulator, lycee):
    started = time.monotonic()
    result = emulator.seed_invoices(SUPPLIER, LYCEE, 10_000, status="MISE_A_DISPOSITION")
    elapsed = time.monotonic() - started

    assert result["created"] == 10_000
    assert elapsed < 5
    page = lycee.ok(
        "factures/v1/rechercher/recipiendaire",
        {"paramRecherche": {"pageResultatDemandee": 1000, "nbResultatsParPage": 10}},
    )
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


def test_setting_the_clock_back_replays_an_invoice_life_at_past_dates(emulator, supplier):
    from datetime import datetime

    from chorus_emulator.admin_client import EmulatorAdmin

    admin = EmulatorAdmin(emulator.base_url)
    now = datetime.fromisoformat(admin.request("GET", "clock")["now"])
    admin.set_clock(datetime.fromisoformat("2026-03-02T09:00:00+01:00"))
    invoice_id = submit(supplier, number="PAST-001")["identifiantFactureCPP"]

    # Set forward a day: the routing steps due meanwhile are applied, each at its due time.
    admin.set_clock(datetime.fromisoformat("2026-03-03T09:00:00+01:00"))

    [invoice] = emulator.invoices("PAST-001")
    assert invoice["idFacture"] == invoice_id
    assert [(h["histoStatutCode"], h["histoStatutDatePassage"]) for h in invoice["history"]] == [
        ("MISE_A_DISPOSITION", "2026-03-02 09:00"),
        ("EN_COURS_ACHEMINEMENT", "2026-03-02 09:00"),
        ("DEPOSEE", "2026-03-02 09:00"),
    ]
    back = datetime.fromisoformat(admin.set_clock(now))
    assert abs((back - now).total_seconds()) < 60


def test_the_clock_is_set_to_a_date_time_only(emulator):
    response = requests.post(
        f"{emulator.base_url}/_emulator/clock/set", json={"now": "hier"}, timeout=10
    )

    assert response.status_code == 400


def test_unknown_admin_routes_answer_404(emulator):
    assert requests.get(f"{emulator.base_url}/_emulator/nothing", timeout=10).status_code == 404
