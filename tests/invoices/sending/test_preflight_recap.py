"""The pre-flight page recaps what will be sent (recipient, service, totals, documents), shows a
preview of the invoice's PDF, and lists only the checks that concern this invoice."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from invoices.models import Invoice
from invoices.sending.preflight import invoice_preflight
from invoices.sending.recap import checks_that_apply
from invoices.templatetags.amounts import amount
from structures.models import Membership

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_page_recaps_the_invoice_and_previews_its_pdf(supplier_client, ready_invoice):
    page = supplier_client.get(reverse("invoices:preflight", args=[ready_invoice.pk])).text
    recap = page[page.index('id="recap-title"') : page.index('id="checks-title"')]
    assert "Commune de" in recap and "21750001600019" in recap
    assert "SERV_TECH" in recap
    assert amount(ready_invoice.total_incl_tax, "EUR") in recap
    assert amount(ready_invoice.amount_due, "EUR") in recap
    assert "(2 lignes)" in recap
    preview = reverse("invoices:preview_pdf", args=[ready_invoice.pk])
    assert f'<iframe class="document-frame preview-frame" src="{preview}"' in recap

    pdf = supplier_client.get(preview)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-cache" in pdf["Cache-Control"] or "no-store" in pdf["Cache-Control"]


def test_supporting_documents_are_listed(supplier_client, ready_invoice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    supplier_client.post(
        reverse("invoices:attachments_add", args=[ready_invoice.pk]),
        {"files": [SimpleUploadedFile("bon-de-commande.pdf", b"%PDF-1.7\n%%EOF\n")]},
        **HTMX,
    )
    page = supplier_client.get(reverse("invoices:preflight", args=[ready_invoice.pk])).text
    documents = page[page.index('data-recap="documents"') :]
    assert "bon-de-commande.pdf" in documents[: documents.index("</ul>")]


def test_only_the_checks_that_concern_the_invoice_are_listed(ready_invoice):
    shown = {
        check.code
        for check in checks_that_apply(
            invoice_preflight(invoice=ready_invoice), invoice=ready_invoice
        )
    }
    # An A1 invoice: no validator; an invoice: no original invoice; no supporting document.
    assert {"validator", "original", "attachments"}.isdisjoint(shown)
    assert {"recipient", "number", "lines", "vat", "payment_mode", "totals"} <= shown

    Invoice.objects.filter(pk=ready_invoice.pk).update(kind=Invoice.Kind.CREDIT_NOTE)
    ready_invoice.refresh_from_db()
    shown = {
        check.code
        for check in checks_that_apply(
            invoice_preflight(invoice=ready_invoice), invoice=ready_invoice
        )
    }
    assert "original" in shown and "payment_mode" not in shown


def test_a_check_that_fails_is_always_listed(ready_invoice):
    Invoice.objects.filter(pk=ready_invoice.pk).update(billing_framework="A9")
    ready_invoice.refresh_from_db()
    checks = checks_that_apply(invoice_preflight(invoice=ready_invoice), invoice=ready_invoice)
    validator = next(check for check in checks if check.code == "validator")
    assert not validator.ok


def test_a_draft_without_lines_has_no_preview_yet(supplier_client, ready_invoice):
    ready_invoice.lines.all().delete()
    page = supplier_client.get(reverse("invoices:preflight", args=[ready_invoice.pk])).text
    assert "preview-frame" not in page
    assert (
        supplier_client.get(reverse("invoices:preview_pdf", args=[ready_invoice.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("space", ["other supplier", "recipient"])
def test_no_one_else_previews_the_draft(client, make_user, make_structure, ready_invoice, space):
    if space == "recipient":
        user = make_user((ready_invoice.recipient, Membership.Role.RECIPIENT_AGENT))
    else:
        user = make_user((make_structure(), Membership.Role.SUPPLIER_AGENT))
    client.force_login(user)
    response = client.get(reverse("invoices:preview_pdf", args=[ready_invoice.pk]))
    assert response.status_code in {302, 404}
    assert response.get("Content-Type") != "application/pdf"
