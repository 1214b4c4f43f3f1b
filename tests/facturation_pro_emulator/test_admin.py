"""The admin API (/_emulator/...): reset, faults, call counts, settings, seeding."""

import pytest
import requests

from tests.facturation_pro_emulator.conftest import ATELIER


def test_reset_forgets_every_change(atelier, fpro):
    atelier.send("PATCH", "/firms/FIRM_ID/invoices/820005.json", {"api_custom": "changed"})
    atelier.request("DELETE", "/firms/FIRM_ID/invoices/820013.json")

    fpro.reset()

    assert atelier.ok("/firms/FIRM_ID/invoices/820005.json")["api_custom"] is None
    assert atelier.get("/firms/FIRM_ID/invoices/820013.json").status_code == 200
    assert fpro.calls()["total"] == 2


def test_calls_are_counted_per_documented_operation_and_account(atelier, bureau, fpro):
    atelier.get("/account.json")
    atelier.get("/firms/FIRM_ID/invoices/820005.json")
    bureau.get("/firms/FIRM_ID/invoices/820101.json")

    calls = fpro.calls()

    assert calls["operations"] == {"GET /account.json": 1,
                                   "GET /firms/FIRM_ID/invoices/ID.json": 2}
    assert calls["accounts"]["demo-bureau-fournitures"]["total"] == 1


def test_faults_apply_to_their_operation_for_their_count(atelier, fpro):
    fpro.add_fault("http_error", "GET /firms/FIRM_ID/invoices.json", count=2, status=503)
    fpro.add_fault("http_error", "/account.json", status=500)

    statuses = [atelier.get("/firms/FIRM_ID/invoices.json").status_code for _ in range(3)]

    assert statuses == [503, 503, 200]
    assert [f["operation"] for f in fpro.admin("GET", "faults")["faults"]] == ["/account.json"]
    fpro.clear_faults()
    assert atelier.get("/account.json").status_code == 200


def test_a_rate_limit_fault_answers_like_the_real_quota(atelier, fpro):
    fpro.add_fault("rate_limit", retry_after=12)

    response = atelier.get("/firms/FIRM_ID/customers.json")

    assert (response.status_code, response.text, response.headers["Retry-After"]) == (
        429, "Retry later\n", "12")


def test_a_dropped_answer_still_commits(atelier, fpro):
    fpro.add_fault("drop_after_commit", "PATCH /firms/FIRM_ID/invoices/ID.json")

    with pytest.raises(requests.ConnectionError):
        atelier.send("PATCH", "/firms/FIRM_ID/invoices/820005.json", {"api_custom": "sent"})

    assert atelier.ok("/firms/FIRM_ID/invoices/820005.json")["api_custom"] == "sent"


def test_bad_admin_requests_are_refused(fpro):
    for path, payload in (("faults", {"kind": "meteor"}), ("config", {"per_page": 0}),
                          ("config", {"rate_limits": {"per_day": -1}}),
                          ("seed/invoices", {"firm_id": 1, "customer_id": 1, "count": 1}),
                          ("clock/advance", {"seconds": -5})):
        response = requests.post(f"{fpro.base_url}/_emulator/{path}", json=payload, timeout=10)
        assert response.status_code == 400, path


def test_seeding_makes_long_lists_of_numbered_invoices(atelier, fpro):
    result = fpro.seed_invoices(ATELIER, 310002, 1000, unit_price="250.00")

    assert result["created"] == 1000
    last = atelier.ok(f"/firms/FIRM_ID/invoices/{result['last_id']}.json")
    assert (last["invoice_ref"].split("-")[1], last["total_with_vat"]) == ("1068", "300.0")
    response = atelier.get("/firms/FIRM_ID/invoices.json", params={"page": 21})
    assert response.headers["X-Pagination"].endswith('"total_entries": 1014}')
