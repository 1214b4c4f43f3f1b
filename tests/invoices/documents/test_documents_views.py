"""The invoice page's documents and payment clock, and the download pages, as users see them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from invoices.documents.downloads import DOWNLOAD_TASK, invoice_download_run
from invoices.models import Invoice, InvoiceDownload, StatusEvent
from invoices.sending.submission import invoice_send
from portal.spaces import SESSION_KEY
from structures.models import Membership, Structure
from tests.jobs import task_queued

pytestmark = pytest.mark.slow

COMMUNE = "21750001600019"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def sent_invoice(ready_invoice, demo_world, media):
    Invoice.objects.filter(pk=ready_invoice.pk).update(status=Invoice.Status.QUEUED)
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
    demo_world.advance(10)
    # What the status sync would record: the recipient sees it once it is made available.
    Invoice.objects.filter(pk=ready_invoice.pk).update(chorus_status="MISE_A_DISPOSITION")
    ready_invoice.refresh_from_db()
    return ready_invoice


def login(client, username: str, siret: str, role: str | None = None):
    """Log in with the space of ``siret`` active; pages answer in English for stable text."""
    user = get_user_model().objects.get(username=username)
    memberships = Membership.objects.filter(user=user, structure__siret=siret)
    membership = memberships.filter(role=role).first() if role else memberships.first()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session.save()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


@pytest.fixture
def received_from_chorus(demo_world, media):
    """An invoice the Commune received from a supplier outside the portal: no local PDF."""
    seeded = demo_world.seed_invoices("44306184100013", COMMUNE, 1, prefix="BF")
    supplier = Structure.objects.filter(siret="44306184100013").first() or Structure.objects.create(
        siret="44306184100013", name="Bureau Fournitures SARL", kind=Structure.Kind.PRIVATE
    )
    return Invoice.objects.create(
        supplier=supplier,
        recipient=Structure.objects.get(siret=COMMUNE),
        number=f"BF-{seeded['firstId']}",
        status=Invoice.Status.RECEIVED,
        source=Invoice.Source.CHORUS,
        chorus_invoice_id=seeded["firstId"],
        chorus_status="MISE_A_DISPOSITION",
        total_excl_tax=Decimal("100.00"),
        total_vat=Decimal("20.00"),
        total_incl_tax=Decimal("120.00"),
        amount_due=Decimal("120.00"),
    )


def test_the_recipient_sees_the_pdf_in_the_page_and_the_invoice_is_no_longer_new(
    client, sent_invoice
):
    login(client, "commune", COMMUNE)
    page = client.get(reverse("invoices:detail", args=[sent_invoice.pk]))
    assert page.status_code == 200
    pdf_url = reverse("invoices:invoice_pdf", args=[sent_invoice.pk])
    assert f'<iframe class="document-frame" src="{pdf_url}"' in page.text
    assert "F-2026-0042.pdf" in page.text  # the attachments list, with its size
    sent_invoice.refresh_from_db()
    opened = sent_invoice.recipient_opened_at
    assert opened is not None
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"  # the page may frame it, nobody else
    assert pdf["Content-Disposition"].startswith("inline")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    client.get(reverse("invoices:detail", args=[sent_invoice.pk]))
    sent_invoice.refresh_from_db()
    assert sent_invoice.recipient_opened_at == opened
    assert not InvoiceDownload.objects.exists()  # a local PDF needs no fetch


def test_the_supplier_opening_its_invoice_leaves_it_new_for_the_recipient(client, sent_invoice):
    login(client, "fournisseur", "12345678200010", role="supplier_agent")
    assert client.get(reverse("invoices:detail", args=[sent_invoice.pk])).status_code == 200
    sent_invoice.refresh_from_db()
    assert sent_invoice.recipient_opened_at is None


def test_a_pdf_only_chorus_pro_holds_is_fetched_by_a_worker_while_the_page_polls(
    client, received_from_chorus, django_capture_on_commit_callbacks
):
    invoice = received_from_chorus
    login(client, "commune", COMMUNE)
    with task_queued(DOWNLOAD_TASK) as delay, django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("invoices:detail", args=[invoice.pk]))
        client.get(reverse("invoices:detail", args=[invoice.pk]))  # reloaded: still one fetch
    download = InvoiceDownload.objects.get()
    delay.assert_called_once_with(download.pk)
    document_url = reverse("invoices:invoice_document", args=[invoice.pk])
    assert f'hx-get="{document_url}" hx-trigger="every 2s"' in page.text
    assert "Fetching the invoice" in page.text
    assert client.get(reverse("invoices:invoice_pdf", args=[invoice.pk])).status_code == 404

    assert invoice_download_run(download_id=download.pk) == "ready"
    region = client.get(document_url, headers={"HX-Request": "true"})
    assert "<iframe" in region.text and "hx-trigger" not in region.text
    assert "<html" not in region.text  # only the region
    pdf = client.get(reverse("invoices:invoice_pdf", args=[invoice.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    invoice.refresh_from_db()
    assert invoice.downloaded_by_recipient


def test_a_failed_fetch_says_so_and_can_be_tried_again(
    client, received_from_chorus, demo_world, django_capture_on_commit_callbacks
):
    invoice = received_from_chorus
    login(client, "commune", COMMUNE)
    with task_queued(DOWNLOAD_TASK):
        client.get(reverse("invoices:detail", args=[invoice.pk]))
    demo_world.add_fault(
        "business_error",
        operation="factures/v1/telecharger/groupe",
        code_retour=20001,
        libelle="Facture inconnue",
    )
    assert invoice_download_run(download_id=InvoiceDownload.objects.get().pk) == "failed"
    document_url = reverse("invoices:invoice_document", args=[invoice.pk])
    region = client.get(document_url, headers={"HX-Request": "true"})
    assert "could not be fetched" in region.text and "Facture inconnue" in region.text
    with task_queued(DOWNLOAD_TASK) as delay, django_capture_on_commit_callbacks(execute=True):
        again = client.post(document_url)
    assert again.status_code == 302
    assert InvoiceDownload.objects.count() == 2
    delay.assert_called_once()


def test_a_selection_is_queued_then_its_page_polls_and_links_each_part(
    client, sent_invoice, django_capture_on_commit_callbacks
):
    login(client, "commune", COMMUNE)
    with task_queued(DOWNLOAD_TASK) as delay, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invoices:download_group"), {"invoice": [sent_invoice.pk], "format": "zip"}
        )
    download = InvoiceDownload.objects.get()
    delay.assert_called_once_with(download.pk)
    detail_url = reverse("invoices:download_detail", args=[download.pk])
    assert response.status_code == 302 and response["Location"] == detail_url
    assert download.format == "zip" and list(download.invoices.all()) == [sent_invoice]

    polling = client.get(detail_url, headers={"HX-Request": "true"})
    assert f'hx-get="{detail_url}" hx-trigger="every 2s"' in polling.text
    assert "<html" not in polling.text

    assert invoice_download_run(download_id=download.pk) == "ready"
    page = client.get(detail_url)
    part_url = reverse("invoices:download_part", args=[download.pk, 1])
    assert part_url in page.text and "hx-trigger" not in page.text
    part = client.get(part_url)
    assert part.status_code == 200
    assert part["Content-Disposition"].startswith("attachment")
    assert b"".join(part.streaming_content)[:4] in (b"%PDF", b"PK\x03\x04")
    assert client.get(reverse("invoices:download_part", args=[download.pk, 2])).status_code == 404
    assert "F-2026-0042" in client.get(reverse("invoices:download_group")).text


def test_an_empty_selection_explains_what_to_do(client, sent_invoice):
    login(client, "commune", COMMUNE)
    response = client.post(reverse("invoices:download_group"), {"format": "pdf"})
    assert response.status_code == 200
    assert "Select at least one invoice to download." in response.text
    assert not InvoiceDownload.objects.exists()


def test_invoices_outside_the_users_space_cannot_be_downloaded(client, sent_invoice):
    login(client, "etat", "13000261100015")
    response = client.post(reverse("invoices:download_group"), {"invoice": [sent_invoice.pk]})
    assert response.status_code == 200
    assert "cannot be downloaded" in response.text
    assert not InvoiceDownload.objects.exists()


def test_a_user_reaches_only_their_own_downloads(client, sent_invoice, django_user_model):
    owner = login(client, "commune", COMMUNE)
    with task_queued(DOWNLOAD_TASK):
        client.post(reverse("invoices:download_group"), {"invoice": [sent_invoice.pk]})
    download = InvoiceDownload.objects.get(user=owner)
    invoice_download_run(download_id=download.pk)
    colleague = django_user_model.objects.create_user("colleague", password="x")
    commune = Structure.objects.get(siret=COMMUNE)
    Membership.objects.create(user=colleague, structure=commune, role="recipient_agent")
    client.force_login(colleague)
    assert client.get(reverse("invoices:download_detail", args=[download.pk])).status_code == 404
    assert client.get(reverse("invoices:download_part", args=[download.pk, 1])).status_code == 404


def test_a_supplier_does_not_download_through_the_recipient_api(client, sent_invoice):
    login(client, "fournisseur", "12345678200010", role="supplier_agent")
    response = client.post(reverse("invoices:download_group"), {"invoice": [sent_invoice.pk]})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert not InvoiceDownload.objects.exists()


def test_both_sides_see_how_late_the_payment_is_and_what_it_would_cost(client, sent_invoice):
    StatusEvent.objects.create(
        invoice=sent_invoice,
        status="MISE_A_DISPOSITION",
        occurred_at=timezone.now() - timedelta(days=35),
        source="chorus",
    )
    Invoice.objects.filter(pk=sent_invoice.pk).update(amount_due=Decimal("3650.00"))
    for username, siret, role in (
        ("commune", COMMUNE, None),
        ("fournisseur", "12345678200010", "supplier_agent"),
    ):
        login(client, username, siret, role)
        page = client.get(reverse("invoices:detail", args=[sent_invoice.pk])).text
        assert "Late by 5 days" in page
        assert "35 days elapsed out of 30" in page
        # 3 650.00 × 10.15 % × 5 / 365 = 5.075 → 5.08, plus the 40.00 indemnity
        assert "5.08\u00a0EUR" in page and "40.00\u00a0EUR" in page and "45.08\u00a0EUR" in page
        assert '<progress id="payment-clock-bar" max="100" value="100">' in page


def test_the_clock_waits_for_the_invoice_to_be_made_available(client, ready_invoice):
    Invoice.objects.filter(pk=ready_invoice.pk).update(
        status=Invoice.Status.SUBMITTED, chorus_invoice_id=99, chorus_status="DEPOSEE"
    )
    login(client, "fournisseur", "12345678200010", role="supplier_agent")
    page = client.get(reverse("invoices:detail", args=[ready_invoice.pk])).text
    assert "starts when Chorus Pro makes the invoice available" in page
    assert "Late by" not in page
