"""The demo world: the portal's demo supplier and the public entities of the Chorus Pro world,
invoices with realistic lines, a valid PDF for each (docs/facturation-pro-emulator-world.md)."""

import io
import json
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader

import chorus_emulator.world
from facturation_pro_emulator import pdf

CHORUS_WORLD = chorus_emulator.world.DEFAULT_FIXTURE


def test_the_demo_firm_is_the_portals_demo_supplier(atelier):
    [firm] = atelier.ok("/account.json")["firms"]
    chorus = json.loads(Path(CHORUS_WORLD).read_text(encoding="utf-8"))
    supplier = next(s for s in chorus["structures"]
                    if s["identifiantStructure"] == "12345678200010")

    assert firm["name"] == supplier["designationStructure"] == "Atelier Numérique SAS"


def test_public_customers_are_structures_of_the_chorus_pro_world(atelier):
    chorus = json.loads(Path(CHORUS_WORLD).read_text(encoding="utf-8"))
    public = {s["identifiantStructure"]: s["designationStructure"] for s in chorus["structures"]
              if s["typeStructure"] == "PUBLIQUE"}

    customers = atelier.ok("/firms/FIRM_ID/customers.json", mode="all")

    ours = {c["siret"]: c["company_name"] for c in customers if c["siret"] in public}
    assert ours == {siret: public[siret] for siret in (
        "21750001600019", "13000261100015", "18004100600016", "19350936100013")}
    private = [c for c in customers if c["siret"] not in public]
    assert {c["siret"] for c in private} == {"81234567600017", None, "50123456100014"}


def test_commitments_of_the_chorus_world_are_the_purchase_numbers(atelier):
    chorus = json.loads(Path(CHORUS_WORLD).read_text(encoding="utf-8"))
    commitments = {c["numeroEngagementJuridique"]: c["idStructureEmettrice"]
                   for c in chorus["engagementsJuridiques"]}
    ids = {s["idStructureCPP"]: s["identifiantStructure"] for s in chorus["structures"]}
    customers = {c["id"]: c["siret"] for c in atelier.ok("/firms/FIRM_ID/customers.json")}

    invoices = atelier.ok("/firms/FIRM_ID/invoices.json")

    numbered = [(i["purchase_number"], customers[i["customer_id"]]) for i in invoices
                if i["purchase_number"]]
    assert {number for number, _ in numbered} == {"EJ-2026-0001", "EJ-2026-0002",
                                                  "EJ-2026-0100"}
    assert all(ids[commitments[number]] == siret for number, siret in numbered)


def test_a_dozen_finalised_invoices_and_two_drafts_each_with_its_pdf(atelier):
    invoices = atelier.ok("/firms/FIRM_ID/invoices.json")

    assert (len([i for i in invoices if not i["draft"]]),
            len([i for i in invoices if i["draft"]])) == (12, 2)
    for invoice in invoices:
        response = atelier.get(f"/firms/FIRM_ID/invoices/{invoice['id']}.pdf")
        assert response.headers["Content-Type"] == "application/pdf"
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        assert (invoice["full_invoice_ref"] or "BROUILLON") in text
        assert invoice["customer_identity"] in text
        total = invoice["total_with_vat"]
        assert f"Total TTC {pdf.euros(Decimal(total))}" in text


def test_the_second_account_is_another_supplier_with_its_own_commune(bureau):
    [firm] = bureau.ok("/account.json")["firms"]
    customers = bureau.ok("/firms/FIRM_ID/customers.json")

    assert firm == {"id": 48202, "name": "Bureau Fournitures SARL"}
    assert {c["id"] for c in customers} == {320001, 320002}
    assert {c["siret"] for c in customers} == {"21750001600019", None}
