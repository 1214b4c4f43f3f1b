"""Browser tests drive Debian's chromium through Playwright; skipped where it is missing."""

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from invoices.actions.services import action_run
from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice, InvoiceAction, InvoiceLine
from invoices.sending.status_sync import status_sync_for_connection
from invoices.sending.submission import invoice_send
from invoices.treatment.services import POSSIBLE_STATUSES, reference_fetch
from structures.models import ChorusConnection, Structure
from tests.second_factor import user_totp_code

CHROMIUM = Path("/usr/bin/chromium")
SUPPLIER_SIRET = "12345678200010"
COMMUNE_SIRET = "21750001600019"
DEMO_PASSWORD = "demo-portail-2026"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there
# are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            # The machine has no network: keep Chromium from trying to reach Google's services.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


# Chromium reports most Content-Security-Policy violations in the console already; this makes
# sure each one does (in every frame, on every document), with what was blocked and where.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked `
    + `${event.blockedURI || "an inline " + event.effectiveDirective} `
    + `(${event.sourceFile || document.location.href}:${event.lineNumber})`);
});
"""


class ConsoleWatch:
    """What a page's browser console says that a user's console would show in red: errors
    (failed loads such as a missing favicon, htmx errors, uncaught exceptions) and CSP
    violations, with the address where each happened."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: uncaught {error}"))

    def expect(self, fragment: str) -> None:
        """A problem the test caused on purpose (a page answered 410 Gone, say): Chromium logs
        every document answered with an error status, even one the portal meant."""
        self.problems = [problem for problem in self.problems if fragment not in problem]

    def _console(self, page, message) -> None:
        if message.type == "error":
            source = (message.location or {}).get("url") or "?"
            self.problems.append(f"{page.url}: {message.text} (from {source})")


@pytest.fixture
def console_watch():
    """The console problems of every page the test opened with ``new_page``/``page``; the test
    fails on any (a clean console is part of every browser test)."""
    watch = ConsoleWatch()
    yield watch
    if watch.problems:
        pytest.fail(
            "The browser console reported problems:\n" + "\n".join(watch.problems),
            pytrace=False,
        )


@pytest.fixture
def new_page(browser, console_watch):
    """Factory: a page in a browser context of its own (its own cookies), in French, whose
    console is watched (``console_watch``); the contexts close after the test."""
    contexts = []

    def new_page(*, width: int = 1280, height: int = 900):
        context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        console_watch.watch(page)
        return page

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def log_in(live_server):
    """Logs a demo user in through the login page; returns once the portal has left that page."""

    def log_in(page, username: str) -> None:
        page.goto(f"{live_server.url}/connexion/")
        page.get_by_label("Identifiant").fill(username)
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(lambda url: url.rstrip("/") != f"{live_server.url}/connexion")
        if page.url.startswith(f"{live_server.url}/connexion/code/"):
            # Managers and support type the code of the demo authenticator (portal/demo.py).
            page.get_by_label("Code", exact=True).fill(
                user_totp_code(User.objects.get(username=username))
            )
            page.get_by_role("button", name="Se connecter").click()
            page.wait_for_url(lambda url: "/connexion/" not in url)

    return log_in


@pytest.fixture
def chorus_connection(transactional_db):
    """The demo structure's Chorus Pro connection, by SIRET, as the workers load it."""

    def connection(siret: str) -> ChorusConnection:
        return ChorusConnection.objects.select_related("structure").get(structure__siret=siret)

    return connection


@pytest.fixture
def fetch_possible_statuses(chorus_connection):
    """The worker's part behind "loading the possible statuses…" on the Commune's invoices."""

    def fetch(status: str) -> None:
        connection = chorus_connection(COMMUNE_SIRET)
        reference_fetch(kind=POSSIBLE_STATUSES, connection_id=connection.pk, value=status)

    return fetch


@pytest.fixture
def send_invoice(transactional_db, demo_world):
    """Factory: an invoice from Atelier Numérique to the Commune's technical service, sent to
    Chorus Pro, which has not routed it yet (``demo_world.advance`` does)."""

    def send(
        number: str,
        *,
        description: str = "Maintenance",
        quantity: Decimal = Decimal(2),
        unit_price: Decimal = Decimal("450.00"),
        **fields,
    ) -> Invoice:
        commune = Structure.objects.get(siret=COMMUNE_SIRET)
        invoice = Invoice.objects.create(
            supplier=Structure.objects.get(siret=SUPPLIER_SIRET),
            recipient=commune,
            service=commune.services.get(code="SERV_TECH"),
            number=number,
            issue_date=date(2026, 11, 20),
            payment_mode="transfer",
            status=Invoice.Status.QUEUED,
            created_by=User.objects.get(username="fournisseur"),
            **fields,
        )
        InvoiceLine.objects.create(
            invoice=invoice,
            position=1,
            description=description,
            quantity=quantity,
            unit_price=unit_price,
            vat_rate=Decimal(20),
        )
        invoice_totals_refresh(invoice=invoice)
        assert invoice_send(invoice_id=invoice.pk) == "submitted"
        invoice.refresh_from_db()
        return invoice

    return send


@pytest.fixture
def received_invoices(send_invoice, demo_world, chorus_connection):
    """Factory: invoices sent as ``send_invoice`` does, then routed by Chorus Pro and read back
    by the supplier's status sync, which finds each in ``status`` (an A9 invoice naming a
    validator waits in A_VALIDER_1)."""

    def receive(*numbers: str, status: str = "MISE_A_DISPOSITION", **fields) -> list[Invoice]:
        invoices = [send_invoice(number, **fields) for number in numbers]
        demo_world.advance(10)
        status_sync_for_connection(connection=chorus_connection(SUPPLIER_SIRET))
        for invoice in invoices:
            invoice.refresh_from_db()
            assert invoice.chorus_status == status
        return invoices

    return receive


@pytest.fixture
def run_queued_action(transactional_db):
    """The worker's part behind "your decision is on its way": runs the invoice's queued action,
    which must succeed, and returns it."""

    def run(invoice: Invoice) -> InvoiceAction:
        action = InvoiceAction.objects.get(invoice=invoice, status=InvoiceAction.Status.QUEUED)
        assert action_run(action_id=action.pk) == "done"
        return action

    return run
