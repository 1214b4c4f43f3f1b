"""Two accounts, two firms: nothing of one is reachable by the other, whatever the path."""

import pytest

PATHS = ("/firms/48201/invoices.json", "/firms/48201/customers.json",
         "/firms/48201/invoices/820005.json", "/firms/48201/invoices/820005.pdf",
         "/firms/48201/invoices/820005/settlements.json", "/firms/48201/assets/invoices.json")


@pytest.mark.parametrize("path", PATHS)
def test_another_accounts_firm_does_not_exist(bureau, path):
    response = bureau.get(path)

    assert response.status_code == 404
    assert response.json() == {"errors": {"base": ["The record could not be found"]}}


def test_another_firms_objects_do_not_exist_under_your_own_firm(atelier, bureau):
    assert atelier.get("/firms/FIRM_ID/invoices/820101.json").status_code == 404
    assert atelier.get("/firms/FIRM_ID/customers/320001.json").status_code == 404
    assert bureau.get("/firms/FIRM_ID/invoices/820005/settlements.json").status_code == 404


def test_another_firms_invoice_cannot_be_written(atelier, bureau):
    settle = bureau.send("POST", "/firms/FIRM_ID/invoices/820005/settlements.json",
                         {"total": "10", "payment_mode": 3, "paid_on": "2026-11-28"})
    patch = bureau.send("PATCH", "/firms/48201/invoices/820005.json", {"api_custom": "x"})

    assert (settle.status_code, patch.status_code) == (404, 404)
    invoice = atelier.ok("/firms/FIRM_ID/invoices/820005.json")
    assert (invoice["api_custom"], invoice["settlements"]) == (None, [])
