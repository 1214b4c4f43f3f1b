"""The supplier's invoice editor: saved as typed, totals from the server, nothing typed lost."""

from decimal import Decimal

import pytest
from django.urls import reverse

from invoices.models import Attachment, Invoice
from structures.models import Membership, Service, Structure
from tests.html_forms import forms_of, ids_of, oob_ids

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def recipient(make_structure):
    commune = make_structure(
        name="Commune de Villeneuve", kind=Structure.Kind.PUBLIC, service_code_required=True
    )
    Service.objects.create(structure=commune, code="SERV_TECH", label="Services techniques")
    Service.objects.create(structure=commune, code="FACTURES_PUBLIQUES", label="Factures")
    Service.objects.create(structure=commune, code="SERV_ANCIEN", is_active=False)
    return commune


def _header(**values):
    data = {"kind": "invoice", "billing_framework": "A1", "vat_regime": "on_debits"}
    data.update(values)
    return data


def test_a_new_draft_opens_in_the_editor(agent_client, draft):
    page = agent_client.get(reverse("invoices:edit", args=[draft.pk]))
    assert page.status_code == 200
    assert draft.status == Invoice.Status.DRAFT


def test_typed_header_fields_are_saved_at_once(agent_client, draft, recipient):
    response = agent_client.post(
        reverse("invoices:draft_save", args=[draft.pk]),
        _header(
            number="F-2026-001",
            recipient_siret=recipient.siret,
            service_code="SERV_TECH",
            commitment_number="EJ-1",
            issue_date="2026-11-20",
            due_date="2026-12-20",
        ),
        **HTMX,
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.number, draft.recipient, draft.service.code) == (
        "F-2026-001",
        recipient,
        "SERV_TECH",
    )
    assert str(draft.due_date) == "2026-12-20"
    # The answer swaps the recipient's rules and services in, not the field being typed in.
    assert 'id="recipient-info"' in response.text and "SERV_TECH" in response.text
    assert 'id="id_number"' not in response.text


def test_an_invalid_value_is_kept_with_its_error_and_the_valid_ones_are_saved(
    agent_client, draft, recipient
):
    agent_client.post(
        reverse("invoices:draft_save", args=[draft.pk]),
        _header(number="F-7", recipient_siret="12345678900000", due_date="2026-12-20"),
        **HTMX,
    )
    draft.refresh_from_db()
    assert draft.number == "F-7" and str(draft.due_date) == "2026-12-20"
    assert draft.draft_input["recipient_siret"] == "12345678900000"
    # Reloading the editor shows the typed value and why it is not saved.
    page = agent_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert 'value="12345678900000"' in page
    assert "n’est pas un SIRET valide" in page


def test_a_number_already_used_by_the_supplier_is_refused(
    agent_client, draft, make_invoice, supplier
):
    make_invoice(supplier, number="F-1")
    response = agent_client.post(
        reverse("invoices:draft_save", args=[draft.pk]), _header(number="F-1"), **HTMX
    )
    draft.refresh_from_db()
    assert draft.number == ""
    assert draft.draft_input["number"] == "F-1"
    assert 'id="errors-number"' in response.text and 'role="alert"' in response.text


def test_inactive_and_reserved_services_cannot_be_chosen_by_a_private_supplier(
    agent_client, draft, recipient
):
    for code, expected in (("SERV_ANCIEN", "unknown_service"), ("FACTURES_PUBLIQUES", "reserved")):
        agent_client.post(
            reverse("invoices:draft_save", args=[draft.pk]),
            _header(recipient_siret=recipient.siret, service_code=code),
            **HTMX,
        )
        draft.refresh_from_db()
        assert draft.service is None, expected
        assert draft.draft_input["service_code"] == code
    page = agent_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert '<option value="FACTURES_PUBLIQUES" disabled>' in page


def test_lines_are_added_edited_removed_and_totals_recomputed_by_the_server(agent_client, draft):
    add = reverse("invoices:line_add", args=[draft.pk])
    agent_client.post(add, **HTMX)
    agent_client.post(add, **HTMX)
    first, second = draft.lines.order_by("position")
    response = agent_client.post(
        reverse("invoices:line_save", args=[draft.pk, first.pk]),
        {
            f"line-{first.pk}-description": "Développement",
            f"line-{first.pk}-quantity": "3",
            f"line-{first.pk}-unit": "DAY",
            f"line-{first.pk}-unit_price": "450.50",
            f"line-{first.pk}-discount": "1.50",
            f"line-{first.pk}-vat_rate": "20",
        },
        **HTMX,
    )
    assert 'id="totals"' in response.text and "1\xa0620,00" in response.text
    # The line's own total is swapped in too, recomputed: 3 x 450.50 - 1.50.
    assert f'id="line-{first.pk}-total" class="line-cell num" hx-swap-oob="true">1\xa0350,00<' in (
        response.text
    )
    agent_client.post(
        reverse("invoices:line_save", args=[draft.pk, second.pk]),
        {
            f"line-{second.pk}-description": "Livre",
            f"line-{second.pk}-quantity": "2",
            f"line-{second.pk}-unit": "C62",
            f"line-{second.pk}-unit_price": "10",
            f"line-{second.pk}-discount": "0",
            f"line-{second.pk}-vat_rate": "5.5",
        },
        **HTMX,
    )
    draft.refresh_from_db()
    assert draft.total_excl_tax == Decimal("1370.00")
    assert draft.total_vat == Decimal("271.10")  # 1350 × 20 % + 20 × 5.5 %
    assert draft.total_incl_tax == Decimal("1641.10")
    assert [(v.rate, v.vat_amount) for v in draft.vat_lines.all()] == [
        (Decimal("5.50"), Decimal("1.10")),
        (Decimal("20.00"), Decimal("270.00")),
    ]
    remove = reverse("invoices:line_remove", args=[draft.pk, second.pk])
    # Without the confirmation (asked by the page), nothing is removed: a confirmation page.
    asked = agent_client.post(remove)
    assert asked.status_code == 200 and "Supprimer la ligne 2\u00a0?" in asked.text
    assert draft.lines.count() == 2
    agent_client.post(remove, {"confirmed": "1"}, **HTMX)
    draft.refresh_from_db()
    assert draft.total_incl_tax == Decimal("1620.00")


def test_an_invalid_line_keeps_what_was_typed_and_says_why(agent_client, draft):
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    line = draft.lines.get()
    response = agent_client.post(
        reverse("invoices:line_save", args=[draft.pk, line.pk]),
        {
            f"line-{line.pk}-description": "Audit",
            f"line-{line.pk}-quantity": "-2",
            f"line-{line.pk}-unit": "C62",
            f"line-{line.pk}-unit_price": "abc",
            f"line-{line.pk}-discount": "0",
            f"line-{line.pk}-vat_rate": "20",
        },
        **HTMX,
    )
    assert f'id="line-{line.pk}-errors-quantity"' in response.text
    page = agent_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert 'value="abc"' in page and 'value="-2"' in page and 'value="Audit"' in page


def test_the_editor_works_without_javascript(agent_client, draft, recipient):
    response = agent_client.post(
        reverse("invoices:edit", args=[draft.pk]), _header(number="F-NOJS")
    )
    assert response.status_code == 302
    response = agent_client.post(reverse("invoices:line_add", args=[draft.pk]))
    assert response.status_code == 302
    assert draft.lines.count() == 1


def test_an_already_paid_invoice_has_nothing_due(agent_client, draft):
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    line = draft.lines.get()
    agent_client.post(
        reverse("invoices:line_save", args=[draft.pk, line.pk]),
        {
            f"line-{line.pk}-description": "Abonnement",
            f"line-{line.pk}-quantity": "1",
            f"line-{line.pk}-unit": "MON",
            f"line-{line.pk}-unit_price": "100",
            f"line-{line.pk}-discount": "0",
            f"line-{line.pk}-vat_rate": "20",
        },
        **HTMX,
    )
    agent_client.post(
        reverse("invoices:draft_save", args=[draft.pk]), _header(billing_framework="A2"), **HTMX
    )
    draft.refresh_from_db()
    assert (draft.total_incl_tax, draft.amount_due) == (Decimal("120.00"), Decimal("0.00"))


def test_another_supplier_cannot_open_or_change_the_draft(client, make_user, make_structure, draft):
    other = make_user((make_structure(), Membership.Role.SUPPLIER_AGENT))
    client.force_login(other)
    assert client.get(reverse("invoices:edit", args=[draft.pk])).status_code == 404
    assert (
        client.post(
            reverse("invoices:draft_save", args=[draft.pk]), _header(number="X"), **HTMX
        ).status_code
        == 404
    )
    assert client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX).status_code == 404


def test_a_sent_invoice_says_it_is_sent_and_leads_to_its_page(agent_client, draft):
    """Back after sending (or another tab): the editor and the pre-flight page left open must
    not answer 404 nor offer to send again, and nothing on the screen is replaced."""
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    line = draft.lines.get()
    Invoice.objects.filter(pk=draft.pk).update(
        status=Invoice.Status.SUBMITTED, chorus_invoice_id=99, number="F-SENT"
    )
    detail = reverse("invoices:detail", args=[draft.pk])
    for url in (
        reverse("invoices:edit", args=[draft.pk]),
        reverse("invoices:preflight", args=[draft.pk]),
    ):
        page = agent_client.get(url, follow=True)
        assert page.redirect_chain == [(detail, 302)]
        assert "Cette facture a été envoyée\u00a0: elle ne peut plus être modifiée." in page.text
    sent_again = agent_client.post(reverse("invoices:submit", args=[draft.pk]))
    assert (sent_again.status_code, sent_again.url) == (302, detail)

    # The stale editor's autosaves and buttons: a notice in place, nothing else swapped.
    for url, data in (
        (reverse("invoices:draft_save", args=[draft.pk]), _header(number="F-LATE")),
        (reverse("invoices:line_save", args=[draft.pk, line.pk]), {}),
        (reverse("invoices:line_remove", args=[draft.pk, line.pk]), {"confirmed": "1"}),
        (reverse("invoices:line_add", args=[draft.pk]), {}),
    ):
        answer = agent_client.post(url, data, **HTMX)
        assert answer.status_code == 200, url
        assert answer["HX-Reswap"] == "none"
        assert 'id="save-state"' in answer.text and f'href="{detail}"' in answer.text
    draft.refresh_from_db()
    assert draft.number == "F-SENT" and draft.lines.count() == 1


def test_the_editor_and_the_preflight_page_are_never_taken_from_the_browser_cache(
    agent_client, draft
):
    for name in ("invoices:edit", "invoices:preflight"):
        response = agent_client.get(reverse(name, args=[draft.pk]))
        assert "no-store" in response["Cache-Control"], name
        # Restored from the back-forward cache anyway, the page reloads (static/js/portal.js).
        assert "data-reload-on-restore" in response.text


def test_a_corrected_line_leaves_nothing_pending(agent_client, draft):
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    line = draft.lines.get()
    url = reverse("invoices:line_save", args=[draft.pk, line.pk])
    values = {
        f"line-{line.pk}-description": "Audit",
        f"line-{line.pk}-quantity": "x",
        f"line-{line.pk}-unit": "C62",
        f"line-{line.pk}-unit_price": "10",
        f"line-{line.pk}-discount": "0",
        f"line-{line.pk}-vat_rate": "20",
    }
    agent_client.post(url, values, **HTMX)
    draft.refresh_from_db()
    assert draft.draft_input
    agent_client.post(url, {**values, f"line-{line.pk}-quantity": "2"}, **HTMX)
    draft.refresh_from_db()
    assert draft.draft_input == {}


def test_a_credit_note_shows_the_invoice_it_corrects_and_its_number_can_be_edited(
    agent_client, supplier, recipient, make_invoice
):
    original = make_invoice(supplier, recipient, number="F-2026-010")
    credit = Invoice.objects.create(
        supplier=supplier,
        recipient=recipient,
        kind=Invoice.Kind.CREDIT_NOTE,
        original_invoice=original,
        original_number="F-2026-010",
    )
    page = agent_client.get(reverse("invoices:edit", args=[credit.pk])).text
    assert 'data-original="F-2026-010"' in page
    assert reverse("invoices:detail", args=[original.pk]) in page
    assert 'name="original_number"' in page and 'value="F-2026-010"' in page

    agent_client.post(
        reverse("invoices:draft_save", args=[credit.pk]),
        _header(kind="credit_note", original_number="F-2026-011"),
        **HTMX,
    )
    credit.refresh_from_db()
    # Another original number typed: the link to the first invoice no longer holds.
    assert (credit.original_number, credit.original_invoice) == ("F-2026-011", None)


def test_the_original_number_field_appears_when_the_draft_becomes_a_credit_note(
    agent_client, draft
):
    page = agent_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert 'name="original_number"' not in page
    response = agent_client.post(
        reverse("invoices:draft_save", args=[draft.pk]), _header(kind="credit_note"), **HTMX
    )
    assert 'id="credit-note-field"' in response.text
    assert 'name="original_number"' in response.text
    # Typing in the field afterwards does not replace it under the cursor.
    again = agent_client.post(
        reverse("invoices:draft_save", args=[draft.pk]),
        _header(kind="credit_note", original_number="F-1"),
        **HTMX,
    )
    assert 'id="credit-note-field"' not in again.text


def _autosaved_forms(page: str):
    return [form for form in forms_of(page) if "change" in form.attrs.get("hx-trigger", "")]


def test_no_autosaved_form_has_a_button_that_removes_something(agent_client, draft, tmp_path):
    """htmx posts a form's request to the formaction of the form's submit button last clicked
    or focused, and Enter clicks the form's first submit button: an autosaved form must hold no
    button that removes something, and its first one must save."""
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    Attachment.objects.create(
        invoice=draft, kind=Attachment.Kind.SUPPORTING, name="devis.pdf", size=10, sha256="0" * 64
    )
    page = agent_client.get(reverse("invoices:edit", args=[draft.pk])).text
    autosaved = _autosaved_forms(page)
    assert len(autosaved) == 3  # the header and the two lines
    for form in autosaved:
        first = form.submit_buttons[0]
        assert "formaction" not in first.attrs, form.id
        for button in form.submit_buttons:
            assert "supprimer" not in button.attrs.get("formaction", ""), (form.id, button.attrs)
            assert "supprimer" not in button.attrs.get("hx-post", ""), (form.id, button.attrs)
        assert "supprimer" not in form.attrs.get("hx-post", "")


def test_every_out_of_band_swap_of_the_editor_has_its_target_on_the_page(
    agent_client, draft, recipient
):
    """htmx logs an error (oobErrorNoTarget) for each out-of-band swap whose target the page
    lacks."""
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    line = draft.lines.get()
    save = reverse("invoices:draft_save", args=[draft.pk])
    answers = [
        lambda: agent_client.post(save, _header(number="F-OOB"), **HTMX),
        lambda: agent_client.post(save, _header(recipient_siret="123"), **HTMX),
        lambda: agent_client.post(save, _header(kind="credit_note"), **HTMX),
        lambda: agent_client.post(save, _header(kind="credit_note", original_number="F"), **HTMX),
        lambda: agent_client.post(save, _header(kind="invoice"), **HTMX),
        lambda: agent_client.post(
            reverse("invoices:line_save", args=[draft.pk, line.pk]),
            {f"line-{line.pk}-quantity": "x"},
            **HTMX,
        ),
        lambda: agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX),
    ]
    for answer in answers:
        page_ids = ids_of(agent_client.get(reverse("invoices:edit", args=[draft.pk])).text)
        response = answer()
        missing = [target for target in oob_ids(response.text) if target not in page_ids]
        assert not missing, (response.request["PATH_INFO"], missing)


def test_a_number_chorus_pro_would_refuse_is_kept_with_its_error(agent_client, draft):
    response = agent_client.post(
        reverse("invoices:draft_save", args=[draft.pk]),
        _header(number="F 2026.01", kind="credit_note", original_number="F 2025.09"),
        **HTMX,
    )
    draft.refresh_from_db()
    # BR-FR-02 (invoices/limits.py): letters, digits and + - _ / only.
    assert draft.number == "" and draft.original_number == ""
    assert draft.draft_input["number"] == "F 2026.01"
    assert draft.draft_input["original_number"] == "F 2025.09"
    assert 'id="errors-number"' in response.text and "+ - _ /" in response.text
