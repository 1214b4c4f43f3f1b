import gzip
import hashlib
import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from invoices import attachments
from invoices.attachments import (
    AttachmentRejected,
    attachment_add,
    attachment_name_shorten,
    attachment_remove,
)
from invoices.models import ATTACHMENT_MAX_BYTES, Attachment

PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def invoice(make_structure, make_invoice):
    return make_invoice(make_structure(), make_structure(kind="public"))


def upload(name: str, content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def rejection_code(**kwargs) -> str:
    with pytest.raises(AttachmentRejected) as caught:
        attachment_add(**kwargs)
    return caught.value.code


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def test_it_stores_a_pdf_with_its_size_hash_and_content_type(invoice):
    attachment = attachment_add(invoice=invoice, uploaded_file=upload("bon-de-commande.pdf"))

    attachment.refresh_from_db()
    assert attachment.kind == Attachment.Kind.SUPPORTING
    assert attachment.name == "bon-de-commande.pdf"
    assert attachment.size == len(PDF_BYTES)
    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert attachment.content_type == "application/pdf"
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES


def test_it_strips_directories_from_the_name(invoice):
    attachment = attachment_add(
        invoice=invoice, uploaded_file=upload("whatever.pdf"), name="C:\\docs\\..\\devis.pdf"
    )
    assert attachment.name == "devis.pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.PNG", PNG_BYTES),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
        ("scan.tif", b"II*\x00" + b"\x00" * 16),
        ("logo.gif", b"GIF89a" + b"\x00" * 16),
        ("image.bmp", b"BM" + b"\x00" * 16),
        ("archive.zip", docx_bytes()),
        ("rapport.docx", docx_bytes()),
        ("rapport.odt", odt_bytes()),
        ("export.csv.gz", gzip.compress(b"a;b\n1;2\n")),
        ("ancien.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16),
        ("note.rtf", b"{\\rtf1\\ansi Bonjour}"),
        ("lisez-moi.txt", "Délai de paiement : 30 jours\n".encode()),
        ("ancien.csv", "Libellé;Montant\n".encode("cp1252")),
        ("flux.xml", b'<?xml version="1.0"?><root/>'),
        ("plan.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("page.html", b"<!DOCTYPE html><html><body>ok</body></html>"),
        ("signature.p7s", b"\x30\x82\x01\x00"),
        ("archive.bz2", b"BZh91AY&SY"),
    ],
)
def test_it_accepts_content_matching_the_extension(invoice, name, content):
    attachment = attachment_add(invoice=invoice, uploaded_file=upload(name, content))
    assert attachment.name == name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("facture.pdf", PNG_BYTES),
        ("photo.png", PDF_BYTES),
        ("rapport.docx", b"PK\x03\x04 not really a zip"),
        ("rapport.odt", docx_bytes()),
        ("rapport.xlsx", docx_bytes()),
        ("ancien.doc", docx_bytes()),
        ("lisez-moi.txt", PNG_BYTES),
        ("flux.xml", b"not markup"),
        ("plan.svg", b"<root/>"),
    ],
)
def test_it_rejects_content_that_does_not_match_the_extension(invoice, name, content):
    assert rejection_code(invoice=invoice, uploaded_file=upload(name, content)) == (
        "content_mismatch"
    )


def test_it_rejects_an_empty_file(invoice):
    assert rejection_code(invoice=invoice, uploaded_file=upload("vide.pdf", b"")) == "empty_file"


def test_it_rejects_a_name_without_extension(invoice):
    assert rejection_code(invoice=invoice, uploaded_file=upload("facture")) == "no_extension"
    assert rejection_code(invoice=invoice, uploaded_file=upload(".pdf")) == "no_extension"


def test_it_rejects_an_extension_chorus_does_not_accept(invoice):
    code = rejection_code(invoice=invoice, uploaded_file=upload("script.exe", b"MZ"))
    assert code == "extension_not_allowed"


def test_it_rejects_a_file_over_10_mb_without_reading_it(invoice):
    big = upload("gros.pdf")
    big.size = ATTACHMENT_MAX_BYTES + 1
    assert rejection_code(invoice=invoice, uploaded_file=big) == "too_large"


def test_a_file_of_exactly_10_mb_is_within_the_limit(invoice, monkeypatch):
    monkeypatch.setattr(attachments, "ATTACHMENT_MAX_BYTES", len(PDF_BYTES))
    attachment_add(invoice=invoice, uploaded_file=upload("juste.pdf"))


def test_a_name_over_50_characters_is_rejected_with_a_shorter_suggestion(invoice):
    name = "Procès-verbal de réception des travaux du lot n°3 — signé.pdf"
    with pytest.raises(AttachmentRejected) as caught:
        attachment_add(invoice=invoice, uploaded_file=upload(name))

    assert caught.value.code == "name_too_long"
    suggestion = caught.value.suggestion
    assert len(suggestion) <= 50
    assert suggestion.endswith(".pdf")
    assert suggestion.isascii()
    assert suggestion.startswith("Proces-verbal_de_reception")
    # The suggestion itself is accepted.
    attachment_add(invoice=invoice, uploaded_file=upload(suggestion))


def test_a_name_of_exactly_50_characters_is_accepted(invoice):
    name = "a" * 46 + ".pdf"
    assert attachment_add(invoice=invoice, uploaded_file=upload(name)).name == name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Relevé été.PDF", "Releve_ete.pdf"),
        ("facture (copie) #2.pdf", "facture_copie_2.pdf"),
        ("x" * 80 + ".xlsx", "x" * 45 + ".xlsx"),
        ("«Œuvre» ñ.tar.gz", "OEuvre_n.tar.gz"),
        ("___.pdf", "piece-jointe.pdf"),
    ],
)
def test_shortened_names_keep_the_extension_and_only_safe_characters(name, expected):
    assert attachment_name_shorten(name) == expected


def test_the_invoice_attachments_stay_within_the_per_invoice_total(invoice, monkeypatch):
    monkeypatch.setattr(attachments, "INVOICE_ATTACHMENTS_MAX_BYTES", 2 * len(PDF_BYTES))
    attachment_add(invoice=invoice, uploaded_file=upload("un.pdf"))
    attachment_add(invoice=invoice, uploaded_file=upload("deux.pdf"))

    code = rejection_code(invoice=invoice, uploaded_file=upload("trois.pdf"))

    assert code == "invoice_total_too_large"
    assert invoice.attachments.count() == 2


def _supporting_documents_recorded(invoice, count: int) -> None:
    """``count`` documents of 10 MB each as the portal records them (the bytes are not needed:
    the limits are checked on the recorded sizes)."""
    Attachment.objects.bulk_create(
        Attachment(
            invoice=invoice,
            kind=Attachment.Kind.SUPPORTING,
            file=f"invoices/{invoice.pk}/plan-{index}.pdf",
            name=f"plan-{index}.pdf",
            size=ATTACHMENT_MAX_BYTES,
            sha256="0" * 64,
            content_type="application/pdf",
        )
        for index in range(count)
    )


def test_an_invoice_holds_at_most_the_100_mb_of_the_annex(invoice):
    # AIFE annex §1.3: "Dans le cas spécifique d'une facture sa taille maximale est de 100 MO".
    _supporting_documents_recorded(invoice, 10)  # 100 MB exactly

    with translation.override("fr"), pytest.raises(AttachmentRejected) as caught:
        attachment_add(invoice=invoice, uploaded_file=upload("un-de-plus.pdf"))

    assert caught.value.code == "invoice_total_too_large"
    [message] = caught.value.messages
    assert "Chorus Pro accepte au plus 100,0 Mo par facture" in message
    assert invoice.attachments.count() == 10


def test_the_preflight_check_holds_the_invoice_to_100_mb(invoice):
    from invoices.sending.preflight import invoice_preflight

    def attachments_check():
        checks = invoice_preflight(invoice=invoice, with_documents=False)
        return next(check for check in checks if check.code == "attachments")

    _supporting_documents_recorded(invoice, 10)
    assert attachments_check().ok  # 100 MB is allowed
    Attachment.objects.create(
        invoice=invoice,
        kind=Attachment.Kind.SUPPORTING,
        file=f"invoices/{invoice.pk}/note.pdf",
        name="note.pdf",
        size=1024,
        sha256="0" * 64,
        content_type="application/pdf",
    )

    with translation.override("en"):
        check = attachments_check()
    assert not check.ok
    assert check.label == "Attachments stay within 100,0 Mo in all"


def test_a_replaced_main_document_does_not_count_in_the_total(invoice, monkeypatch):
    monkeypatch.setattr(attachments, "INVOICE_ATTACHMENTS_MAX_BYTES", 2 * len(PDF_BYTES))
    attachment_add(invoice=invoice, uploaded_file=upload("annexe.pdf"))
    attachment_add(invoice=invoice, uploaded_file=upload("v1.pdf"), kind=Attachment.Kind.MAIN)

    attachment_add(invoice=invoice, uploaded_file=upload("v2.pdf"), kind=Attachment.Kind.MAIN)

    assert invoice.attachments.count() == 2


def test_a_new_main_document_replaces_the_previous_one_and_its_file(
    invoice, django_capture_on_commit_callbacks
):
    first = attachment_add(
        invoice=invoice, uploaded_file=upload("v1.pdf"), kind=Attachment.Kind.MAIN
    )
    first_path = first.file.path
    attachment_add(invoice=invoice, uploaded_file=upload("annexe.png", PNG_BYTES))

    with django_capture_on_commit_callbacks(execute=True):
        second = attachment_add(
            invoice=invoice, uploaded_file=upload("v2.pdf"), kind=Attachment.Kind.MAIN
        )

    mains = invoice.attachments.filter(kind=Attachment.Kind.MAIN)
    assert list(mains) == [second]
    assert invoice.attachments.count() == 2
    assert not Attachment.objects.filter(pk=first.pk).exists()
    assert not os.path.exists(first_path)


def test_a_main_document_already_sent_cannot_be_replaced(invoice):
    first = attachment_add(
        invoice=invoice, uploaded_file=upload("v1.pdf"), kind=Attachment.Kind.MAIN
    )
    Attachment.objects.filter(pk=first.pk).update(chorus_attachment_id=1234567)

    code = rejection_code(
        invoice=invoice, uploaded_file=upload("v2.pdf"), kind=Attachment.Kind.MAIN
    )

    assert code == "already_sent"


def test_remove_deletes_the_row_and_the_file(invoice, django_capture_on_commit_callbacks):
    attachment = attachment_add(invoice=invoice, uploaded_file=upload("annexe.pdf"))
    path = attachment.file.path

    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(attachment=attachment)

    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not os.path.exists(path)


def test_remove_is_refused_once_the_attachment_went_to_chorus(invoice):
    attachment = attachment_add(invoice=invoice, uploaded_file=upload("annexe.pdf"))
    attachment.chorus_attachment_id = 7654321
    attachment.save()

    with pytest.raises(AttachmentRejected) as caught:
        attachment_remove(attachment=attachment)

    assert caught.value.code == "already_sent"
    assert Attachment.objects.filter(pk=attachment.pk).exists()
