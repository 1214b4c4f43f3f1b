"""Uploads in French, on a desktop and on a phone: a file too large or of a type Chorus Pro does
not take is refused before anything is sent, said next to the input; the others are sent with a
progress bar that moves."""

import re

import pytest
from playwright.sync_api import expect

from invoices.models import Attachment

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RECORD_PROGRESS = """() => {
  window.progressSeen = [];
  document.addEventListener("htmx:xhr:progress", () => {
    const bar = document.querySelector("#invoice-header_progress progress");
    if (bar) window.progressSeen.push(bar.value);
  });
}"""


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_files_chorus_pro_would_refuse_are_refused_before_sending(
    width, transactional_db, demo_world, log_in, live_server, new_page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    big = tmp_path / "plan-du-batiment.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1))
    program = tmp_path / "outil.exe"
    program.write_bytes(b"MZ")
    order = tmp_path / "bon-de-commande.pdf"
    order.write_bytes(b"%PDF-1.4\n" + b"1" * (2 * 1024 * 1024) + b"\n%%EOF\n")

    page = new_page(width=width)
    log_in(page, "fournisseur")
    page.goto(f"{live_server.url}/fournisseur/")
    page.get_by_role("button", name=re.compile("^Nouvelle facture")).first.click()
    page.wait_for_url(re.compile(r"/modifier/$"))
    posts = []
    page.on(
        "request",
        lambda request: posts.append(request.url) if "justificatifs" in request.url else None,
    )

    files = page.get_by_label("Fichiers à ajouter")
    files.set_input_files([str(big), str(program)])
    refused = page.locator("#attachment-files_refused")
    expect(refused).to_contain_text("plan-du-batiment.pdf dépasse 10,0 Mo")
    expect(refused).to_contain_text("outil.exe n’est pas d’un type accepté par Chorus Pro")
    assert files.evaluate("input => input.files.length") == 0
    assert posts == []

    page.evaluate(RECORD_PROGRESS)
    files.set_input_files([str(order), str(program)])
    expect(refused).to_contain_text("outil.exe")
    assert files.evaluate("input => input.files.length") == 1
    page.get_by_role("button", name="Ajouter les fichiers").click()
    expect(page.locator("[data-upload=added]")).to_contain_text("bon-de-commande.pdf")
    # The section is drawn again: the focus goes to what happened, not to the top of the page.
    expect(page.locator(".upload-outcomes")).to_be_focused()
    assert Attachment.objects.get(kind=Attachment.Kind.SUPPORTING).name == "bon-de-commande.pdf"
    seen = page.evaluate("window.progressSeen")
    assert seen and max(seen) == 100, seen
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
