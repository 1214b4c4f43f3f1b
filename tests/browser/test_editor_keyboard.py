"""The invoice editor used as a person does, in French: typing at a person's pace, moving with Tab
and Enter, reloading, reopening a draft and editing it again, going Back after sending. The
database is checked as well as the screen."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from invoices.answers.drafts import invoice_correction_create, invoice_credit_note_create
from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice, InvoiceLine
from structures.models import Structure

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PACE = 70  # milliseconds between two keys, as a person types
SUPPLIER_SIRET = "12345678200010"
COMMUNE_SIRET = "21750001600019"


def _typed(page, text: str) -> None:
    page.keyboard.type(text, delay=PACE)


def _date_digits(page, day: int, month: int, year: int) -> str:
    """The keys a person types for a date, in the order the date control shows its fields:
    Chromium lays it out in its own interface language (jj/mm/aaaa with its French resources,
    mm/dd/yyyy without), which no page can read; a scratch control tells which."""
    page.evaluate(
        "() => { const probe = document.createElement('input');"
        " probe.type = 'date'; probe.id = 'date-probe'; document.body.append(probe); }"
    )
    probe = page.locator("#date-probe")
    probe.click(position={"x": 6, "y": 6})
    page.keyboard.type("01022026")
    day_first = probe.input_value() == "2026-02-01"
    page.evaluate("() => document.getElementById('date-probe').remove()")
    if day_first:
        return f"{day:02d}{month:02d}{year}"
    return f"{month:02d}{day:02d}{year}"


def _tab_out_of_date(page) -> None:
    """Tab past a date control: its calendar button takes the focus too, so Tab until it is
    left, as a person does."""
    field = page.evaluate_handle("document.activeElement")
    for _ in range(3):
        page.keyboard.press("Tab")
        if not page.evaluate("field => document.activeElement === field", field):
            return
    raise AssertionError("the focus stays in the date control")


def _saved(page) -> None:
    expect(page.locator("#save-state")).to_contain_text("Brouillon enregistré")


@pytest.fixture
def watched(page):
    """The page, with the POST requests it makes and its troubles: console errors and warnings
    (htmx reports there, e.g. an out-of-band swap without a target) and error answers (the
    favicon aside, another engineer's part)."""
    posts, troubles = [], []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.on(
        "console",
        lambda m: troubles.append(f"{m.type}: {m.text}")
        if m.type in {"error", "warning"} and "Failed to load resource" not in m.text
        else None,
    )
    page.on(
        "response",
        lambda r: troubles.append(f"{r.status}: {r.url}")
        if r.status >= 400 and not r.url.endswith("/favicon.ico")
        else None,
    )
    return page, posts, troubles


def test_keyboard_through_the_header_and_a_new_line_never_removes_anything(
    transactional_db, demo_world, live_server, log_in, watched
):
    page, posts, troubles = watched
    log_in(page, "fournisseur")
    page.get_by_role("button", name="Nouvelle facture").click()
    expect(page.get_by_role("heading", name="Brouillon de facture")).to_be_visible()
    invoice = Invoice.objects.get(pk=int(re.search(r"/factures/(\d+)/", page.url)[1]))

    # The header: number, Tab, invoice date, Tab, due date, Enter.
    issue, due = _date_digits(page, 20, 11, 2026), _date_digits(page, 20, 12, 2026)
    page.get_by_label("Numéro de facture").click()
    _typed(page, "F-CLAVIER-1")
    page.keyboard.press("Tab")
    _typed(page, issue)
    _tab_out_of_date(page)
    _typed(page, due)
    page.keyboard.press("Enter")
    _saved(page)

    # A new line, by keyboard only: Enter on "Ajouter une ligne", then each cell with Tab.
    page.get_by_role("button", name="Ajouter une ligne").focus()
    page.keyboard.press("Enter")
    row = page.locator(".line-row").first
    row.get_by_label(re.compile("désignation", re.I)).click()
    _typed(page, "Audit de sécurité")
    page.keyboard.press("Tab")
    _typed(page, "3")  # quantity (Tab selects what the cell holds)
    page.keyboard.press("Tab")
    _typed(page, "DAY")
    page.keyboard.press("Tab")
    _typed(page, "450")  # unit price
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # discount left as it is
    _typed(page, "20")  # VAT rate
    page.keyboard.press("Tab")
    # The focus is now on the line's "Supprimer" button while the autosave fires.
    expect(page.get_by_role("button", name="Supprimer la ligne 1")).to_be_focused()
    expect(page.locator("#totals [data-total=incl]")).to_contain_text("1\xa0620,00")
    page.wait_for_timeout(1500)  # longer than the autosave's delay after the last key
    assert invoice.lines.count() == 1

    # Enter on "Supprimer" is a deliberate key press: it asks first; cancelled, nothing goes.
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert dialogs == ["Supprimer la ligne 1\u00a0?"]
    # Enter in a line's cell saves the line (it never submits another button).
    row.get_by_label(re.compile("désignation", re.I)).click()
    page.keyboard.press("End")
    _typed(page, " annuel")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)

    assert not [url for url in posts if "/supprimer/" in url], posts
    line = invoice.lines.get()
    assert (line.description, line.quantity, line.unit, line.unit_price, line.vat_rate) == (
        "Audit de sécurité annuel",
        Decimal(3),
        "DAY",
        Decimal(450),
        Decimal(20),
    )
    invoice.refresh_from_db()
    assert (invoice.number, invoice.issue_date, invoice.due_date) == (
        "F-CLAVIER-1",
        date(2026, 11, 20),
        date(2026, 12, 20),
    )
    assert invoice.total_incl_tax == Decimal("1620.00")

    page.reload()
    expect(page.get_by_label("Date de facture")).to_have_value("2026-11-20")
    expect(page.get_by_label("Date d’échéance")).to_have_value("2026-12-20")
    row = page.locator(".line-row").first
    expect(row.get_by_label(re.compile("désignation", re.I))).to_have_value(
        "Audit de sécurité annuel"
    )
    expect(row.get_by_label(re.compile("TVA", re.I))).to_have_value("20")
    expect(page.locator("#totals [data-total=incl]")).to_contain_text("1\xa0620,00")
    page.screenshot(path="/tmp/editor/keyboard-after-reload.png", full_page=True)
    assert not troubles


def _sent_invoice(number: str, **fields) -> Invoice:
    """An invoice Chorus Pro has (its id stands for it): what a credit note or a corrected
    invoice starts from."""
    commune = Structure.objects.get(siret=COMMUNE_SIRET)
    invoice = Invoice.objects.create(
        supplier=Structure.objects.get(siret=SUPPLIER_SIRET),
        recipient=commune,
        service=commune.services.get(code="SERV_TECH"),
        number=number,
        issue_date=date(2026, 10, 1),
        due_date=date(2026, 10, 31),
        payment_mode="transfer",
        status=Invoice.Status.SUBMITTED,
        chorus_invoice_id=900000 + Invoice.objects.count(),
        created_by=User.objects.get(username="fournisseur"),
        **fields,
    )
    for position, (rate, price) in enumerate(((Decimal("5.5"), 100), (Decimal(20), 40)), 1):
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            description=f"Prestation {position}",
            quantity=Decimal(2),
            unit_price=Decimal(price),
            vat_rate=rate,
        )
    invoice_totals_refresh(invoice=invoice)
    return invoice


def _reopen_edit_and_check(page, live_server, draft: Invoice, marker: str) -> None:
    """Reopen the draft, change a field that is neither a date nor a rate, reload: the dates and
    the rates are still there, on the screen and in the database."""
    draft.refresh_from_db()
    issue, due = draft.issue_date, draft.due_date
    rates = list(draft.lines.order_by("position").values_list("vat_rate", flat=True))
    page.goto(f"{live_server.url}/factures/{draft.pk}/modifier/")
    expect(page.get_by_label("Date de facture")).to_have_value(issue.isoformat())
    rate_cells = page.locator(".line-vat_rate input")
    expect(rate_cells).to_have_count(len(rates))
    for index, rate in enumerate(rates):
        expect(rate_cells.nth(index)).to_have_value(format(rate.normalize(), "f").replace(".", ","))

    page.get_by_label("Numéro de marché").click()
    _typed(page, marker)
    page.keyboard.press("Tab")
    _saved(page)
    # A line edited too: its other cells are posted back as the screen shows them.
    page.locator(".line-description input").first.click()
    page.keyboard.press("End")
    _typed(page, " (corrigée)")
    page.keyboard.press("Tab")
    page.wait_for_timeout(1200)

    draft.refresh_from_db()
    assert draft.market_number == marker
    assert (draft.issue_date, draft.due_date) == (issue, due)
    assert list(draft.lines.order_by("position").values_list("vat_rate", flat=True)) == rates
    page.reload()
    expect(page.get_by_label("Date de facture")).to_have_value(issue.isoformat())
    if due is not None:
        expect(page.get_by_label("Date d’échéance")).to_have_value(due.isoformat())
    for index, rate in enumerate(rates):
        expect(rate_cells.nth(index)).to_have_value(format(rate.normalize(), "f").replace(".", ","))


def test_reopened_drafts_keep_their_dates_and_rates_when_another_field_is_edited(
    transactional_db, demo_world, live_server, log_in, watched
):
    page, _, troubles = watched
    log_in(page, "fournisseur")
    user = User.objects.get(username="fournisseur")

    # A draft of the editor, typed in earlier.
    draft = _sent_invoice("F-ROUVRE-1")
    Invoice.objects.filter(pk=draft.pk).update(
        status=Invoice.Status.DRAFT, chorus_invoice_id=None, number="F-ROUVRE-0"
    )
    _reopen_edit_and_check(page, live_server, draft, "M-EDIT")

    # The corrected invoice of a rejected one.
    rejected = _sent_invoice("F-REJETEE-1", chorus_status="REJETEE")
    correction = invoice_correction_create(invoice=rejected, user=user)
    _reopen_edit_and_check(page, live_server, correction, "M-CORR")

    # A credit note.
    paid = _sent_invoice("F-AVOIR-1", chorus_status="MISE_A_DISPOSITION")
    credit_note = invoice_credit_note_create(invoice=paid, user=user)
    _reopen_edit_and_check(page, live_server, credit_note, "M-AVOIR")
    page.screenshot(path="/tmp/editor/credit-note-reopened.png", full_page=True)
    assert not troubles


def test_back_after_sending_leads_to_the_sent_invoice_and_a_stale_editor_loses_nothing(
    transactional_db, demo_world, live_server, log_in, new_page
):
    page, stale = new_page(), new_page()
    troubles = []
    page.on(
        "response",
        lambda r: troubles.append(f"{r.status}: {r.url}")
        if r.status >= 400 and not r.url.endswith("/favicon.ico")
        else None,
    )
    draft = _sent_invoice("F-RETOUR-1")
    Invoice.objects.filter(pk=draft.pk).update(status=Invoice.Status.DRAFT, chorus_invoice_id=None)
    editor = f"{live_server.url}/factures/{draft.pk}/modifier/"
    detail = f"{live_server.url}/factures/{draft.pk}/"
    log_in(stale, "fournisseur")
    stale.goto(editor)  # a second tab left open on the draft
    log_in(page, "fournisseur")
    page.goto(editor)
    page.get_by_role("link", name="Vérifier et envoyer").click()
    expect(page.locator(".check-ko")).to_have_count(0)
    page.get_by_role("button", name="Envoyer à Chorus Pro").click()
    expect(page.locator("#progress")).to_contain_text("En attente d’envoi")

    # Back: the pre-flight page is asked again and leads to the sent invoice.
    page.go_back()
    expect(page).to_have_url(detail)
    expect(page.locator(".messages")).to_contain_text("Cette facture a été envoyée")
    expect(page.get_by_role("button", name="Envoyer à Chorus Pro")).to_have_count(0)
    page.go_back()
    expect(page).to_have_url(detail)
    assert not troubles, troubles

    # The tab left open: what is typed stays on the screen, a notice leads to the invoice.
    field = stale.get_by_label("Numéro de marché")
    field.click()
    _typed(stale, "M-TROP-TARD")
    expect(stale.locator("#save-state")).to_contain_text("Cette facture a été envoyée")
    expect(field).to_have_value("M-TROP-TARD")
    assert stale.url == editor
    stale.screenshot(path="/tmp/editor/stale-editor.png", full_page=True)
    stale.get_by_role("link", name="Voir la facture").click()
    expect(stale).to_have_url(detail)
    draft.refresh_from_db()
    assert draft.market_number == "" and draft.status == Invoice.Status.QUEUED
