"""A supplier's answers to Chorus Pro through the API, with the invoice page's services."""

from django.core.files.uploadedfile import SimpleUploadedFile

from invoices.models import Invoice, InvoiceAction

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _sent(make_invoice, atelier, commune, chorus_status, chorus_id):
    return make_invoice(
        atelier,
        commune,
        status="submitted",
        chorus_invoice_id=chorus_id,
        chorus_status=chorus_status,
        payment_mode="transfer",
    )


def test_a_suspended_invoice_is_completed_with_a_comment_and_a_document(
    api, make_invoice, atelier, commune
):
    invoice = _sent(make_invoice, atelier, commune, "SUSPENDUE", 660001)
    options = api.get(f"invoices/{invoice.pk}/answers").json()
    assert options["complete"] is True and options["credit_note"] is True
    response = api.upload(
        f"invoices/{invoice.pk}/complete",
        {"comment": "Bon de livraison joint", "files": [SimpleUploadedFile("bl.pdf", PDF)]},
    )
    assert response.status_code == 202, response.json()
    action = InvoiceAction.objects.get()
    assert action.kind == "complete" and action.payload["comment"] == "Bon de livraison joint"
    again = api.upload(f"invoices/{invoice.pk}/complete", {"comment": "encore"})
    assert again.status_code == 409


def test_a_refused_file_is_named_and_nothing_is_queued(api, make_invoice, atelier, commune):
    invoice = _sent(make_invoice, atelier, commune, "SUSPENDUE", 660002)
    response = api.upload(
        f"invoices/{invoice.pk}/complete",
        {"comment": "x", "files": [SimpleUploadedFile("photo.pdf", b"\x89PNG\r\n\x1a\n")]},
    )
    assert response.status_code == 422
    assert response.json()["errors"]["files"][0].startswith("photo.pdf: ")
    assert not InvoiceAction.objects.exists()


def test_a_rejection_is_acknowledged_and_corrected_by_a_new_draft(
    api, make_invoice, atelier, commune
):
    invoice = _sent(make_invoice, atelier, commune, "REJETEE", 660003)
    assert api.post(f"invoices/{invoice.pk}/complete", {}).status_code == 415
    acknowledged = api.post(f"invoices/{invoice.pk}/acknowledge-rejection", {"comment": "Vu"})
    assert acknowledged.status_code == 202
    response = api.post(f"invoices/{invoice.pk}/correction")
    assert response.status_code == 201
    draft = Invoice.objects.get(pk=response.json()["id"])
    assert draft.status == "draft" and draft.replaces == invoice
    assert response["Location"] == f"/api/v1/invoices/{draft.pk}"


def test_a_credit_note_is_drafted_from_a_sent_invoice(api, make_invoice, atelier, commune):
    invoice = _sent(make_invoice, atelier, commune, "MISE_A_DISPOSITION", 660004)
    response = api.post(f"invoices/{invoice.pk}/credit-note")
    assert response.status_code == 201
    assert response.json()["kind"] == "credit_note"
    assert response.json()["original_number"] == invoice.number
    refused = api.post(f"invoices/{invoice.pk}/acknowledge-rejection", {})
    assert refused.status_code == 422


def test_another_structure_cannot_answer_for_the_invoice(
    api, other_api, make_invoice, atelier, commune
):
    invoice = _sent(make_invoice, atelier, commune, "REJETEE", 660005)
    for path in ("acknowledge-rejection", "correction", "credit-note", "validator"):
        assert other_api.post(f"invoices/{invoice.pk}/{path}", {}).status_code == 404
    assert other_api.get(f"invoices/{invoice.pk}/answers").status_code == 404
    assert not InvoiceAction.objects.exists()
    assert Invoice.objects.count() == 1
