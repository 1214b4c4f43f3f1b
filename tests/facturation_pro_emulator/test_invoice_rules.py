"""What Facturation.pro allows on invoices and settlements, as raw HTTP."""

from tests.facturation_pro_emulator.conftest import ATELIER

SETTLEMENTS = "/firms/FIRM_ID/invoices/820005/settlements.json"


def test_a_finalised_invoice_keeps_what_makes_its_amount(atelier):
    before = atelier.ok("/firms/FIRM_ID/invoices/820005.json")

    response = atelier.send("PATCH", "/firms/FIRM_ID/invoices/820005.json", {
        "items": [{"title": "Autre", "unit_price": "1"}], "customer_id": 310001,
        "internal_note": "would be fine alone"})

    assert response.status_code == 422
    assert response.json() == {"errors": {
        "customer_id": ["ne peut plus être modifié(e) sur une facture finalisée"],
        "items": ["ne peut plus être modifié(e) sur une facture finalisée"]}}
    assert atelier.ok("/firms/FIRM_ID/invoices/820005.json") == before


def test_sending_back_an_unchanged_locked_field_is_accepted(atelier):
    response = atelier.send("PATCH", "/firms/FIRM_ID/invoices/820005.json", {
        "customer_id": 310002, "rebate_percentage": "0.00", "precompte": False,
        "currency": "EUR", "information": "Merci"})

    assert response.status_code == 200


def test_a_draft_changes_freely_then_takes_the_next_number_when_finalised(atelier):
    draft = "/firms/FIRM_ID/invoices/820013.json"
    assert atelier.send("PATCH", draft, {"items": [
        {"title": "Licence", "quantity": "50", "unit_price": "8.50", "vat": "0.055"}]}).ok

    assert atelier.send("PATCH", draft + "?type_doc=final", {}).ok

    invoice = atelier.ok(draft)
    assert (invoice["draft"], invoice["invoice_ref"], invoice["full_invoice_ref"]) == (
        False, "202611-69", "AN-202611-69")
    assert (invoice["total"], invoice["term_on"]) == ("425.0", "2026-12-27")
    refused = atelier.send("PATCH", draft + "?type_doc=draft", {})
    assert refused.json() == {"errors": {"base": [
        "Une facture finalisée ne peut pas changer de statut"]}}


def test_only_a_draft_can_be_deleted(atelier):
    assert atelier.request("DELETE", "/firms/FIRM_ID/invoices/820014.json").status_code == 200
    assert atelier.get("/firms/FIRM_ID/invoices/820014.json").status_code == 404
    response = atelier.request("DELETE", "/firms/FIRM_ID/invoices/820005.json")
    assert response.status_code == 422


def test_settlements_add_up_to_paid_and_deleting_one_reopens_the_invoice(atelier):
    first = atelier.send("POST", SETTLEMENTS, {"invoice_id": 820005, "total": "852.00",
                                               "payment_mode": 3, "paid_on": "2026-11-02"})
    last = atelier.send("POST", SETTLEMENTS, {"total": "3000", "payment_mode": 4,
                                              "paid_on": "2026-11-20", "payment_ref": "CHQ 12"})

    assert (first.status_code, last.status_code) == (201, 201)
    assert last.headers["Location"] == (
        f"/firms/{ATELIER}/invoices/820005/settlements/{last.json()['id']}.json")
    invoice = atelier.ok("/firms/FIRM_ID/invoices/820005.json")
    assert (invoice["paid_on"], invoice["payment_mode"], invoice["balance"]) == (
        "2026-11-20", 4, "0.0")
    assert [s["total"] for s in invoice["settlements"]] == ["852.0", "3000.0"]
    assert atelier.request("DELETE", f"{SETTLEMENTS[:-5]}/{first.json()['id']}.json").ok
    reopened = atelier.ok("/firms/FIRM_ID/invoices/820005.json")
    assert (reopened["paid_on"], reopened["payment_mode"], reopened["balance"]) == (
        None, 0, "852.0")


def test_a_settlement_needs_its_fields(atelier):
    response = atelier.send("POST", SETTLEMENTS, {"total": "dix", "paid_on": "28/11/2026",
                                                  "payment_mode": 7})

    assert response.json() == {"errors": {"total": ["n'est pas un nombre"],
                                          "payment_mode": ["n'est pas inclus(e) dans la liste"],
                                          "paid_on": ["n'est pas une date valide"]}}


def test_marking_paid_by_patch_settles_the_whole_invoice(atelier):
    assert atelier.send("PATCH", "/firms/FIRM_ID/invoices/820003.json",
                        {"paid_on": "2026-11-28", "payment_mode": 1}).ok

    invoice = atelier.ok("/firms/FIRM_ID/invoices/820003.json")
    assert (invoice["balance"], invoice["payment_mode"]) == ("0.0", 1)
    assert 820003 in [i["id"] for i in atelier.ok("/firms/FIRM_ID/invoices.json",
                                                  bill_type="paid")]


def test_an_invoice_is_created_with_its_due_date_from_its_terms(atelier):
    created = atelier.send("POST", "/firms/FIRM_ID/invoices.json", {
        "customer_id": 310002, "invoiced_on": "2026-11-29", "pay_before": "30fm10-inv",
        "purchase_number": "EJ-2026-0001",
        "items": [{"title": "Intervention", "quantity": "1", "unit_price": "480"}]}).json()

    assert (created["term_on"], created["invoice_ref"], created["purchase_number"]) == (
        "2027-01-10", "202611-69", "EJ-2026-0001")
    assert created["total_with_vat"] == "576.0"


def test_filters_ignore_case_and_accents_and_reject_bad_periods(atelier):
    found = atelier.ok("/firms/FIRM_ID/invoices.json", title="EQUIPEMENT")
    assert [i["id"] for i in found] == [820003]
    response = atelier.get("/firms/FIRM_ID/invoices.json", params={"period_start": "2026/06"})
    assert response.status_code == 422
    assert response.json() == {"errors": {"period_start": ["n'est pas une date valide"]}}
    assert atelier.get("/firms/FIRM_ID/invoices.json",
                       params={"bill_type": "everything"}).status_code == 422


def test_sorting_follows_order_and_sort(atelier):
    ascending = atelier.ok("/firms/FIRM_ID/invoices.json", order="billed", sort="asc",
                           bill_type="invoice")
    dates = [i["invoiced_on"] for i in ascending]
    assert dates == sorted(dates) and dates[0] == "2026-06-15"
    by_customer = atelier.ok("/firms/FIRM_ID/invoices.json", order="customer", sort="asc")
    assert by_customer[0]["customer_identity"] == "Boulangerie Martin SARL"
