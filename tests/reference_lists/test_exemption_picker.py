"""The editor's VAT exemption reason is picked among Chorus Pro's reasons, read by the worker;
a reason stored before the list (typed as text) is kept and shown back unchanged."""

import pytest
from django.urls import reverse

from invoices.models import Invoice
from reference_lists.models import ReferenceEntry
from reference_lists.services import reference_lists_refresh
from structures.models import ChorusConnection
from tests.html_forms import forms_of

HTMX = {"HTTP_HX_REQUEST": "true"}
SUPPLIER = "12345678200010"


@pytest.fixture
def draft(supplier_client):
    supplier_client.post(reverse("invoices:draft_new"))
    return Invoice.objects.filter(status=Invoice.Status.DRAFT).latest("pk")


@pytest.fixture
def lists_read(demo_world):
    connection = ChorusConnection.objects.get(structure__siret=SUPPLIER)
    reference_lists_refresh(connection=connection, kinds=[ReferenceEntry.Kind.VAT_EXEMPTION_REASON])


def _header(**values):
    return {"kind": "invoice", "billing_framework": "A1", "vat_regime": "exempt", **values}


def _reason_sent(page: str) -> list[str]:
    """What the browser sends back for the reason, as it reads the page."""
    [header] = [form for form in forms_of(page) if form.id == "invoice-header"]
    return header.values().get("vat_exemption_reason", [])


def test_the_reasons_offered_are_chorus_pros(supplier_client, draft, lists_read):
    page = supplier_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert 'name="vat_exemption_reason"' in page and "<select" in page
    assert "Exonération article 261 du CGI" in page
    assert 'value="TVA_AUTOLIQ"' in page


def test_a_reason_picked_is_stored_as_chorus_pros_code(supplier_client, draft, lists_read):
    response = supplier_client.post(
        reverse("invoices:draft_save", args=[draft.pk]),
        _header(vat_exemption_reason="TVA_EXO_293B"),
        **HTMX,
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.vat_exemption_reason == "TVA_EXO_293B"


def test_a_reason_chorus_pro_does_not_list_is_refused(supplier_client, draft, lists_read):
    supplier_client.post(
        reverse("invoices:draft_save", args=[draft.pk]),
        _header(vat_exemption_reason="Parce que"),
        **HTMX,
    )
    draft.refresh_from_db()
    assert draft.vat_exemption_reason == ""
    page = supplier_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert 'id="errors-vat_exemption_reason" class="field-error"><p role="alert">' in page


def test_a_reason_typed_before_the_list_is_kept_when_another_field_is_saved(
    supplier_client, draft, lists_read
):
    Invoice.objects.filter(pk=draft.pk).update(
        vat_regime="exempt", vat_exemption_reason="Article 261-4-4° du CGI"
    )
    page = supplier_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert _reason_sent(page) == ["Article 261-4-4° du CGI"]
    supplier_client.post(
        reverse("invoices:draft_save", args=[draft.pk]),
        _header(number="F-EXO-1", vat_exemption_reason="Article 261-4-4° du CGI"),
        **HTMX,
    )
    draft.refresh_from_db()
    assert (draft.number, draft.vat_exemption_reason) == ("F-EXO-1", "Article 261-4-4° du CGI")


def test_before_the_first_refresh_the_editor_still_opens(supplier_client, draft):
    page = supplier_client.get(reverse("invoices:edit", args=[draft.pk]))
    assert page.status_code == 200
    assert 'name="vat_exemption_reason"' in page.text


@pytest.fixture
def all_lists_read(demo_world):
    connection = ChorusConnection.objects.get(structure__siret=SUPPLIER)
    reference_lists_refresh(
        connection=connection,
        kinds=[ReferenceEntry.Kind.BILLING_FRAMEWORK, ReferenceEntry.Kind.PAYMENT_MODE],
    )


def test_frameworks_and_payment_modes_offered_are_those_chorus_pro_lists(
    supplier_client, draft, all_lists_read
):
    ReferenceEntry.objects.filter(
        kind=ReferenceEntry.Kind.BILLING_FRAMEWORK, code__startswith="A12_"
    ).delete()
    ReferenceEntry.objects.filter(kind=ReferenceEntry.Kind.PAYMENT_MODE, code="ESPECE").delete()
    page = supplier_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert 'value="A12"' not in page and 'value="A1"' in page
    assert 'value="cash"' not in page and 'value="transfer"' in page
    # The invoice's own value stays offered, so that it is shown back unchanged.
    Invoice.objects.filter(pk=draft.pk).update(billing_framework="A12", payment_mode="cash")
    page = supplier_client.get(reverse("invoices:edit", args=[draft.pk])).text
    assert 'value="A12"' in page and 'value="cash"' in page


def test_the_invoice_pdf_gives_the_reasons_label(draft, lists_read):
    import io

    from pypdf import PdfReader

    from invoices.documents.pdf import invoice_pdf_render

    Invoice.objects.filter(pk=draft.pk).update(
        vat_regime="exempt", vat_exemption_reason="TVA_EXO_261"
    )
    draft.refresh_from_db()
    reader = PdfReader(io.BytesIO(invoice_pdf_render(draft)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Exonération article 261 du CGI" in " ".join(text.split())
