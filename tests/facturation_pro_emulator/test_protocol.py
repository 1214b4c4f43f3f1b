"""The conventions of the doc, as raw HTTP: authentication, paths and extensions, JSON shapes,
X-Pagination, 201 + Location, error bodies, Content-Type."""

import json

from tests.facturation_pro_emulator.conftest import JSON


def test_curl_from_the_doc_reads_the_account(atelier):
    response = atelier.get("/account.json")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON
    assert response.json() == {"id": 7301, "email": "compta@atelier-numerique.test",
                               "firms": [{"id": 48201, "name": "Atelier Numérique SAS"}]}


def test_no_or_wrong_credentials_get_401_with_a_basic_challenge(atelier, fpro):
    for auth in (None, ("demo-atelier-numerique", "wrong"), ("nobody", "x")):
        response = atelier.get("/account.json", auth=auth)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Basic realm="Application"'
        assert response.json() == {"errors": {"base": ["Identifiant ou clé API invalide"]}}
        assert "X-RateLimit-Remaining" not in response.headers
    assert fpro.calls()["unauthenticated"] == 3


def test_x_user_agent_stands_in_for_a_user_agent_the_client_cannot_set(atelier, fpro):
    atelier.get("/account.json", headers={"User-Agent": "python-requests/2",
                                          "X-User-Agent": "MonApp (patrick@seniordev.test)"})

    agents = fpro.calls()["accounts"]["demo-atelier-numerique"]["user_agents"]
    assert agents == ["MonApp (patrick@seniordev.test)"]


def test_unknown_paths_and_missing_extensions_are_404(atelier):
    assert atelier.get("/firms/FIRM_ID/invoices").status_code == 404
    assert atelier.get("/firms/FIRM_ID/quotes.json").status_code == 404
    response = atelier.request("PUT", "/firms/FIRM_ID/invoices/820005.json")
    assert response.status_code == 404


def test_lists_carry_x_pagination(atelier, fpro):
    fpro.configure(per_page=4)

    response = atelier.get("/firms/FIRM_ID/invoices.json", params={"page": 2})

    assert json.loads(response.headers["X-Pagination"]) == {
        "current_page": 2, "total_pages": 4, "per_page": 4, "total_entries": 14}
    assert len(response.json()) == 4
    beyond = atelier.get("/firms/FIRM_ID/invoices.json", params={"page": 9})
    assert beyond.json() == [] and json.loads(beyond.headers["X-Pagination"])[
        "current_page"] == 9


def test_an_invoice_has_every_documented_field_snake_case(atelier):
    listed = atelier.ok("/firms/FIRM_ID/invoices.json")[0]
    detail = atelier.ok(f"/firms/FIRM_ID/invoices/{listed['id']}.json")

    for field in ("id", "customer_id", "customer_identity", "title", "invoiced_on", "term_on",
                  "draft", "total", "total_with_vat", "currency", "purchase_number",
                  "internal_note", "api_id", "api_custom", "invoice_ref", "full_invoice_ref",
                  "payment_mode", "paid_on", "payment_ref", "balance", "external", "refund_id",
                  "created_at", "updated_at"):
        assert field in listed, field
    assert "items" not in listed and "settlements" not in listed
    assert set(detail) == set(listed) | {"items", "files", "settlements"}
    assert (detail["total"], detail["items"][0]["vat"]) == ("1400.0", "0.000")


def test_create_answers_201_with_location_and_the_record(atelier):
    response = atelier.send("POST", "/firms/FIRM_ID/invoices.json?type_doc=draft", {
        "customer_id": 310004, "title": "Manuels – lot 2", "invoiced_on": "2026-11-29",
        "items": [{"position": 1, "quantity": "10", "title": "Licence", "unit_price": "8.5",
                   "vat": "0.055"}]})

    assert response.status_code == 201
    created = response.json()
    assert response.headers["Location"] == f"/firms/48201/invoices/{created['id']}.json"
    assert (created["draft"], created["total"], created["total_with_vat"]) == (
        True, "85.0", "89.68")
    assert atelier.get(response.headers["Location"]).json()["id"] == created["id"]


def test_a_customer_is_created_with_its_siret(atelier):
    response = atelier.send("POST", "/firms/FIRM_ID/customers.json",
                            {"company_name": "Mairie de Saint-Aubin", "siret": "21350001900013"})

    assert response.status_code == 201
    customer = response.json()
    assert response.headers["Location"] == f"/firms/48201/customers/{customer['id']}.json"
    assert (customer["short_name"], customer["account_code"], customer["individual"]) == (
        "Mairie de Saint-Aubin", "411MAIRIEDE", False)


def test_patch_answers_200_without_a_body(atelier):
    response = atelier.send("PATCH", "/firms/FIRM_ID/invoices/820005.json",
                            {"api_custom": "Chorus Pro 8420001"})

    assert (response.status_code, response.content) == (200, b"")
    assert atelier.ok("/firms/FIRM_ID/invoices/820005.json")["api_custom"] == "Chorus Pro 8420001"


def test_a_json_body_without_the_json_content_type_gets_501(atelier):
    response = atelier.request("POST", "/firms/FIRM_ID/invoices/820005/settlements.json",
                               data='{"total": "10"}',
                               headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert response.status_code == 501
    assert atelier.ok("/firms/FIRM_ID/invoices/820005/settlements.json") == []


def test_malformed_json_is_400_in_the_errors_shape(atelier):
    response = atelier.request("PATCH", "/firms/FIRM_ID/invoices/820005.json",
                               data="{api_custom:", headers={"Content-Type": JSON})

    assert response.status_code == 400
    assert response.json() == {"errors": {"base": ["JSON invalide"]}}


def test_validation_errors_name_every_field_at_once(atelier):
    response = atelier.send("POST", "/firms/FIRM_ID/invoices.json",
                            {"customer_id": 999, "api_custom": "x" * 300, "items": []})

    assert response.status_code == 422
    assert response.json() == {"errors": {
        "api_custom": ["est trop long (pas plus de 255 caractères)"],
        "items": ["doit contenir au moins une ligne de facturation"],
        "customer_id": ["doit exister"]}}


def test_not_found_uses_the_docs_reason_phrase(atelier):
    response = atelier.get("/firms/FIRM_ID/invoices/1.json")

    assert (response.status_code, response.reason) == (404, "The record could not be found")
    assert response.json() == {"errors": {"base": ["The record could not be found"]}}


def test_a_customers_invoices_redirect_to_the_filtered_list(atelier):
    response = atelier.get("/firms/FIRM_ID/customers/310001/invoices.json")

    assert response.status_code == 302
    assert response.headers["Location"] == "/firms/48201/invoices.json?customer_id=310001"
    assert {i["customer_id"] for i in atelier.get(response.headers["Location"]).json()} == {
        310001}


def test_an_upload_is_multipart_and_renamed_by_filename(atelier):
    response = atelier.request(
        "POST", "/firms/FIRM_ID/invoices/820005/upload.json",
        params={"filename": "justificatif.pdf", "visible": "1"},
        files={"upload_file": ("test.pdf", b"%PDF-1.4 bytes", "application/pdf")})

    assert response.status_code == 201
    asset = response.json()
    assert response.headers["Location"] == f"/firms/48201/assets/{asset['id']}.json"
    assert (asset["invoice_id"], asset["document_name"], asset["document_size"],
            asset["visible"]) == (820005, "justificatif.pdf", 14, True)
    download = atelier.get(asset["download_url"].removeprefix(atelier.base_url))
    assert (download.status_code, download.content) == (200, b"%PDF-1.4 bytes")
    assert atelier.request("DELETE", f"/firms/FIRM_ID/assets/{asset['id']}.json").ok
    assert atelier.ok("/firms/FIRM_ID/assets/invoices.json") == []


def test_an_upload_without_its_file_is_refused(atelier):
    response = atelier.request("POST", "/firms/FIRM_ID/invoices/820005/upload.json",
                               files={"other": ("a.txt", b"x")})

    assert response.status_code == 422
    assert response.json() == {"errors": {"upload_file": ["doit être rempli(e)"]}}
