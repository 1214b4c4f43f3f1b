"""Every form of the portal gives back, unchanged, the values it shows, in French and in English.

Each page is rendered with stored values (or with what was typed, when it comes back with an
error), its form is read as a browser reads it (tests/html_forms.py: a date input that does not
hold an ISO date, or a number input holding "20,00", is shown empty and sent empty), and is sent
back: nothing stored changes, and what comes back is what was shown.

The forms, from the code (templates with a <form>): the editor's header and lines (and a credit
note's), the recipient picker, the supplier's, recipient's and validator's list filters, the
directory search, the Chorus Pro connection form, the space switch, the login form, the
recipient's decision, its batch preview and saved motives, the validator's decision, the
supplier's answers (completion, re-routing, acknowledgement) and the download form.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from invoices.drafting.services import DIRECT_FIELDS, invoice_totals_refresh
from invoices.models import Invoice, InvoiceLine, ReasonTemplate, StatusEvent
from invoices.treatment.services import POSSIBLE_STATUSES, REFUSAL_REASONS, reference_fetch
from structures.models import ChorusConnection, Structure
from structures.selectors import bank_accounts_cache_key
from tests.html_forms import Form, forms_of

pytestmark = pytest.mark.slow

SUPPLIER = "12345678200010"
COMMUNE = "21750001600019"
DRFIP = "13000261100015"
MINISTRY = "11000201100010"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(params=["fr", "en"])
def language(request):
    return request.param


@pytest.fixture
def login(demo_world, language):
    """Factory: a client logged in as a demo user, in ``language``."""

    def log_in(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return log_in


def _form(html: str, predicate) -> Form:
    found = [form for form in forms_of(html) if predicate(form)]
    assert len(found) == 1, [form.attrs for form in forms_of(html)]
    return found[0]


def _named(form: Form) -> dict[str, list[str]]:
    values = form.values()
    values.pop("csrfmiddlewaretoken", None)
    return values


def _invoice_state(invoice: Invoice) -> dict:
    invoice.refresh_from_db()
    state = {name: getattr(invoice, name) for name in DIRECT_FIELDS}
    state.update(
        recipient=invoice.recipient_id,
        service=invoice.service_id,
        validator=invoice.validator_id,
        original_invoice=invoice.original_invoice_id,
        draft_input=invoice.draft_input,
        totals=(invoice.total_excl_tax, invoice.total_vat, invoice.total_incl_tax),
        lines=list(
            invoice.lines.order_by("position").values_list(
                "description", "quantity", "unit", "unit_price", "discount", "vat_rate"
            )
        ),
    )
    return state


@pytest.fixture
def stored_draft(demo_world):
    """A draft with a value in every field, of the kinds that locales write differently."""
    supplier = Structure.objects.get(siret=SUPPLIER)
    commune = Structure.objects.get(siret=COMMUNE)
    cache.set(
        bank_accounts_cache_key(supplier.pk),
        [{"id": 31000002, "label": "Compte affacturage", "iban": "FR7611315000011234567890138"}],
    )
    draft = Invoice.objects.create(
        supplier=supplier,
        recipient=commune,
        service=commune.services.get(code="SERV_TECH"),
        validator=Structure.objects.get(siret=DRFIP),
        number="F-2026-1234",
        issue_date=date(2026, 11, 28),
        due_date=date(2026, 12, 28),
        billing_framework="A9",
        payment_mode="transfer",
        bank_account_chorus_id=31000002,
        vat_regime="exempt",
        vat_exemption_reason="Article 261-4-4° du CGI",
        commitment_number="EJ-2026-1",
        market_number="M-12",
        comment="Première ligne\nSeconde ligne, « guillemets » & <chevrons>",
        created_by=User.objects.get(username="fournisseur"),
    )
    for position, (quantity, price, discount, rate) in enumerate(
        (
            (Decimal("2.5"), Decimal("1234.567891"), Decimal("1000.50"), Decimal("5.5")),
            (Decimal("1"), Decimal("0.1"), Decimal("0"), None),
            (Decimal("12"), Decimal("99.99"), Decimal("0"), Decimal("20")),
        ),
        1,
    ):
        InvoiceLine.objects.create(
            invoice=draft,
            position=position,
            description=f"Ligne {position} : été",
            quantity=quantity,
            unit="HUR",
            unit_price=price,
            discount=discount,
            vat_rate=rate,
        )
    invoice_totals_refresh(invoice=draft)
    return draft


def _send_back_the_editor(client: Client, draft: Invoice) -> None:
    page = client.get(reverse("invoices:edit", args=[draft.pk])).text
    header = _form(page, lambda form: form.id == "invoice-header")
    response = client.post(header.attrs["hx-post"], header.values(), **HTMX)
    assert response.status_code == 200
    lines = [
        form
        for form in forms_of(page)
        if "/lignes/" in form.attrs.get("hx-post", "")
        and "change" in form.attrs.get("hx-trigger", "")
    ]
    assert len(lines) == draft.lines.count()
    for line in lines:
        assert client.post(line.attrs["hx-post"], line.values(), **HTMX).status_code == 200
    # Without JavaScript, the header form posts to its action.
    assert client.post(header.attrs["action"], header.values()).status_code == 302


def test_the_editor_gives_back_every_stored_value(login, stored_draft):
    client = login("fournisseur")
    before = _invoice_state(stored_draft)
    _send_back_the_editor(client, stored_draft)
    assert _invoice_state(stored_draft) == before


def test_a_credit_note_draft_gives_back_its_original_number(login, stored_draft):
    Invoice.objects.filter(pk=stored_draft.pk).update(
        kind=Invoice.Kind.CREDIT_NOTE, original_number="F-2026-0999"
    )
    client = login("fournisseur")
    before = _invoice_state(stored_draft)
    _send_back_the_editor(client, stored_draft)
    assert _invoice_state(stored_draft) == before


def _get_round_trip(client: Client, url: str, query: dict, predicate) -> None:
    """A GET form shows what the address says, and sent again, shows it again."""
    first = _form(client.get(url, query).text, predicate)
    shown = _named(first)
    for name, value in query.items():
        assert shown.get(name) == [value], (name, shown.get(name), value)
    second = _form(client.get(url, first.values()).text, predicate)
    assert _named(second) == shown


def _filters(form: Form) -> bool:
    return "list-filters" in form.attrs.get("class", "")


def test_the_supplier_list_filters_give_back_what_they_show(login, stored_draft):
    client = login("fournisseur")
    commune = Structure.objects.get(siret=COMMUNE)
    query = {
        "q": "F-2026 été",
        "status": "draft",
        "recipient": str(commune.pk),
        "issued_from": "2026-11-01",
        "issued_to": "2026-11-30",
        "amount_min": "1 234,50",
        "amount_max": "99999.99",
    }
    _get_round_trip(client, reverse("invoices:supplier_home"), query, _filters)


def test_the_recipient_inbox_filters_give_back_what_they_show(login, stored_draft):
    _sent(stored_draft, "MISE_A_DISPOSITION")  # the supplier is one of the Commune's now
    client = login("commune")
    commune = Structure.objects.get(siret=COMMUNE)
    query = {
        "q": "Atelier",
        "supplier": str(Structure.objects.get(siret=SUPPLIER).pk),
        "service": str(commune.services.get(code="SERV_TECH").pk),
        "issued_from": "2026-01-31",
        "amount_min": "0,01",
        "downloaded": "no",
        "overdue": "on",
    }
    _get_round_trip(client, reverse("invoices:recipient_inbox"), query, _filters)


def test_the_validator_queue_filters_give_back_what_they_show(login):
    client = login("valideur")
    query = {"q": "F-1", "issued_to": "2026-12-31", "amount_max": "12,5"}
    _get_round_trip(client, reverse("invoices:validator_queue"), query, _filters)


def test_the_directory_searches_give_back_what_they_show(login, stored_draft):
    client = login("fournisseur")

    def search(form):
        return form.attrs.get("method", "").lower() == "get" and "q" in form.values()

    _get_round_trip(client, reverse("structures:directory"), {"q": "Commune de Villeneuve"}, search)
    _get_round_trip(
        client, reverse("invoices:edit", args=[stored_draft.pk]), {"q": "Lycée été"}, search
    )


def test_the_connection_form_gives_back_the_stored_connection(login):
    client = login("fournisseur")
    connection = ChorusConnection.objects.get(structure__siret=SUPPLIER)
    ChorusConnection.objects.filter(pk=connection.pk).update(password_expires_on=date(2027, 1, 31))
    connection.refresh_from_db()
    url = reverse("structures:connection", args=[connection.structure_id])
    form = _form(client.get(url).text, lambda form: form.attrs.get("action") == url)
    assert _named(form)["password_expires_on"] == ["2027-01-31"]
    assert client.post(url, form.values()).status_code == 302
    after = ChorusConnection.objects.get(pk=connection.pk)
    assert (after.environment, after.login, after.password_expires_on) == (
        connection.environment,
        connection.login,
        date(2027, 1, 31),
    )
    assert after.password_encrypted == connection.password_encrypted


def test_the_space_switch_gives_back_the_current_space(login):
    client = login("commune")
    page = client.get(reverse("invoices:recipient_inbox")).text
    form = _form(page, lambda form: form.attrs.get("action") == reverse("space_switch"))
    current = _named(form)["membership"]
    client.post(reverse("space_switch"), form.values())
    again = _form(
        client.get(reverse("invoices:recipient_inbox")).text,
        lambda form: form.attrs.get("action") == reverse("space_switch"),
    )
    assert _named(again)["membership"] == current


def test_the_login_form_gives_back_the_name_typed(demo_world, language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("login")
    typed = {"username": "Élodie.Müller", "password": "not the password"}
    form = _form(client.post(url, typed).text, lambda form: "username" in form.values())
    assert _named(form)["username"] == ["Élodie.Müller"]


def _sent(invoice: Invoice, chorus_status: str, motive: str = "") -> Invoice:
    Invoice.objects.filter(pk=invoice.pk).update(
        status=Invoice.Status.SUBMITTED,
        chorus_invoice_id=990000 + invoice.pk,
        chorus_status=chorus_status,
        draft_input={},
    )
    StatusEvent.objects.create(
        invoice=invoice,
        status=chorus_status,
        occurred_at=timezone.now(),
        source=StatusEvent.Source.CHORUS,
        comment=motive,
    )
    invoice.refresh_from_db()
    return invoice


def _typed_back(response, predicate, typed: dict) -> None:
    """A form shown again with its error gives back what was typed."""
    form = _form(response.content.decode(), predicate)
    shown = _named(form)
    for name, value in typed.items():
        assert shown.get(name) == [value], (name, shown.get(name), value)


def test_the_supplier_answers_give_back_what_was_typed(login, stored_draft):
    client = login("fournisseur")
    invoice = _sent(stored_draft, "A_RECYCLER", "Service inconnu")
    typed = {
        "recipient_siret": DRFIP,
        "service_code": "SERVICE_INCONNU",
        "commitment_number": "EJ-9",
        "comment": "Nouvelle adresse\nà l’attention de « M. Dupont »",
    }
    response = client.post(reverse("invoices:recycle", args=[invoice.pk]), typed)
    assert response.status_code == 200
    _typed_back(response, lambda form: "recipient_siret" in form.values(), typed)


def test_the_recipient_decision_and_motives_give_back_what_was_typed(login, stored_draft):
    invoice = _sent(stored_draft, "MISE_A_DISPOSITION")
    connection = ChorusConnection.objects.get(structure=invoice.recipient)
    reference_fetch(kind=POSSIBLE_STATUSES, connection_id=connection.pk, value="MISE_A_DISPOSITION")
    client = login("commune")
    # "Mandated" without its number: the decision comes back with what was typed.
    typed = {"target_status": "MANDATEE", "motive": "Été\nsecond paragraphe", "mandate_number": ""}
    response = client.post(reverse("invoices:treat", args=[invoice.pk]), typed)
    assert response.status_code == 200
    _typed_back(response, lambda form: "motive" in form.values(), typed)
    ReasonTemplate.objects.create(
        structure=invoice.recipient, label="Doublon", text="Facture déjà reçue", use="both"
    )
    typed = {"label": "x" * 81, "text": "Motif « été »", "use": "reject"}
    response = client.post(reverse("invoices:reason_templates"), typed)
    assert response.status_code == 200
    _typed_back(response, lambda form: "label" in form.values(), typed)
    preview = {"target_status": "SUSPENDUE", "motive": "Pièce manquante", "invoice": invoice.pk}
    page = client.get(reverse("invoices:treat_batch"), preview)
    assert page.status_code == 200
    forms = [form for form in forms_of(page.content.decode()) if "motive" in form.values()]
    assert forms and all(_named(form)["motive"] == ["Pièce manquante"] for form in forms)


def test_the_download_form_gives_back_the_invoice_and_format(login, stored_draft):
    invoice = _sent(stored_draft, "MISE_A_DISPOSITION")
    client = login("commune")
    page = client.get(reverse("invoices:detail", args=[invoice.pk])).text
    form = _form(page, lambda form: form.attrs.get("action") == reverse("invoices:download_group"))
    assert _named(form) == {"invoice": [str(invoice.pk)], "format": ["pdf"]}


def test_the_completion_and_acknowledgement_give_back_what_was_typed(login, stored_draft):
    client = login("fournisseur")
    invoice = _sent(stored_draft, "SUSPENDUE", "Pièce manquante")
    typed = {"comment": "Bon de commande joint\nsigné « ce jour »"}
    refused = SimpleUploadedFile("script.exe", b"MZ")
    response = client.post(
        reverse("invoices:complete", args=[invoice.pk]), {**typed, "files": [refused]}
    )
    assert response.status_code == 200
    _typed_back(response, lambda form: "comment" in form.values(), typed)

    invoice = _sent(stored_draft, "REJETEE", "Doublon")
    typed = {"comment": "é" * 1001}
    response = client.post(reverse("invoices:acknowledge_rejection", args=[invoice.pk]), typed)
    assert response.status_code == 200
    _typed_back(response, lambda form: "comment" in form.values(), typed)


def test_the_validator_decision_gives_back_what_was_typed(login, stored_draft):
    ministry = Structure.objects.get(siret=MINISTRY)
    Invoice.objects.filter(pk=stored_draft.pk).update(validator=ministry)
    invoice = _sent(stored_draft, "A_VALIDER_1")
    connection = ChorusConnection.objects.get(structure=ministry)
    reference_fetch(kind=REFUSAL_REASONS, connection_id=connection.pk, value="A9")
    client = login("valideur")
    # A refusal without its reason comes back with the comment typed.
    typed = {"decision": "refuse", "refusal_reason": "", "comment": "Montant « erroné »\nà revoir"}
    response = client.post(reverse("invoices:validate", args=[invoice.pk]), typed)
    assert response.status_code == 200
    _typed_back(response, lambda form: "comment" in form.values(), typed)
