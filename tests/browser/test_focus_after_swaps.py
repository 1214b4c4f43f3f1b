"""Keyboard use of the editor, in French, on a desktop and on a phone: after each htmx answer the
focus is where the work goes on (a new line's first field, the message saying what happened, the
"Add a line" button once a line is removed), never lost at the top of the page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FOCUSED = (
    "() => { const e = document.activeElement; return [e.tagName, e.name || '', "
    "e.dataset.outcome || e.dataset.productSaved || '', e.textContent.trim().slice(0, 40)]; }"
)


def _press(page, locator) -> None:
    locator.focus()
    page.keyboard.press("Enter")


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_focus_follows_the_work_after_each_answer(
    width, send_invoice, log_in, live_server, new_page
):
    send_invoice("F-KEY-0100")
    page = new_page(width=width)
    log_in(page, "fournisseur")
    page.goto(f"{live_server.url}/fournisseur/")
    _press(page, page.get_by_role("button", name=re.compile("^Nouvelle facture")).first)
    page.wait_for_url(re.compile(r"/modifier/$"))

    # A recipient invoiced before, picked with the keyboard: the focus goes to what happened.
    _press(
        page, page.locator("#recent-recipients").get_by_role("button", name=re.compile("SERV_TECH"))
    )
    expect(page.locator("[data-outcome=picked]")).to_be_focused()

    # A new line: the focus is in its description, typing goes there.
    _press(page, page.get_by_role("button", name="Ajouter une ligne"))
    description = page.locator("#lines .line-description input").first
    expect(description).to_be_focused()
    with page.expect_response(lambda r: "/lignes/" in r.url and r.request.method == "POST"):
        page.keyboard.type("Audit de sécurité", delay=40)  # saved as typed (htmx, debounced)
    expect(description).to_be_focused()

    # Saved as a product: the message saying so has the focus.
    _press(page, page.get_by_role("button", name="Enregistrer comme produit (ligne 1)"))
    expect(page.locator("[data-product-saved]")).to_be_focused()

    # Removed (after the confirmation): the focus goes back to "Add a line".
    page.once("dialog", lambda dialog: dialog.accept())
    _press(page, page.get_by_role("button", name="Supprimer la ligne 1"))
    expect(page.locator("#lines .line")).to_have_count(0)
    expect(page.get_by_role("button", name="Ajouter une ligne")).to_be_focused()
