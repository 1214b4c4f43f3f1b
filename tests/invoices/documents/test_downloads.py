"""Downloading invoices from Chorus Pro (the emulator, over HTTP): queued by the web, fetched by a
worker in parts that each stay within the 120 MB limit, safe to run twice."""

import io
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.utils import timezone

from invoices.documents.downloads import (
    DOWNLOAD_TASK,
    ESTIMATE_ROOM_PER_INVOICE,
    TOO_LARGE,
    download_plan,
    invoice_download_estimates,
    invoice_download_request,
    invoice_download_run,
    invoice_opened_by_recipient,
)
from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice, InvoiceDownload, InvoiceLine
from invoices.retries import LEASE, RetryLater
from invoices.sending.submission import invoice_send
from structures.models import Structure
from tests.jobs import task_queued

pytestmark = pytest.mark.slow

GROUP = "factures/v1/telecharger/groupe"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def sent_invoices(ready_invoice, demo_world, media):
    """``count`` invoices sent by the demo supplier to the Commune, made available to it."""

    def send(count: int) -> list[Invoice]:
        invoices = [ready_invoice]
        for n in range(1, count):
            copy = Invoice.objects.get(pk=ready_invoice.pk)
            copy.pk = None
            copy.number = f"F-2026-{100 + n}"
            copy.save()
            copy.refresh_from_db()
            for line in ready_invoice.lines.all():
                InvoiceLine.objects.create(
                    invoice=copy,
                    position=line.position,
                    description=line.description,
                    quantity=line.quantity,
                    unit=line.unit,
                    unit_price=line.unit_price,
                    vat_rate=line.vat_rate,
                )
            invoice_totals_refresh(invoice=copy)
            invoices.append(copy)
        for invoice in invoices:
            Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.QUEUED)
            assert invoice_send(invoice_id=invoice.pk) == "submitted"
            invoice.refresh_from_db()
        demo_world.advance(10)  # routed, then made available to the Commune
        demo_world.clear_calls()
        return invoices

    return send


@pytest.fixture
def commune_agent(demo_world):
    return get_user_model().objects.get(username="commune")


@pytest.fixture
def commune():
    return Structure.objects.get(siret="21750001600019")


def _request(user, structure, invoices, file_format="pdf") -> InvoiceDownload:
    with task_queued(DOWNLOAD_TASK):
        return invoice_download_request(
            user=user, structure=structure, invoices=invoices, file_format=file_format
        )


def _calls(emulator) -> int:
    return emulator.calls()["operations"].get(GROUP, 0)


def _read(part) -> bytes:
    with default_storage.open(part["file"], "rb") as stored:
        return stored.read()


def test_requesting_a_download_only_queues_it(
    sent_invoices, commune_agent, commune, demo_world, django_capture_on_commit_callbacks
):
    [invoice] = sent_invoices(1)
    with (
        task_queued(DOWNLOAD_TASK) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        download = invoice_download_request(
            user=commune_agent, structure=commune, invoices=[invoice], file_format="pdf"
        )
    delay.assert_called_once_with(download.pk)
    assert download.status == InvoiceDownload.Status.QUEUED
    assert list(download.invoices.all()) == [invoice]
    assert _calls(demo_world) == 0


def test_one_invoice_comes_back_as_its_pdf_and_is_marked_downloaded(
    sent_invoices, commune_agent, commune, demo_world
):
    [invoice] = sent_invoices(1)
    download = _request(commune_agent, commune, [invoice])
    assert invoice_download_run(download_id=download.pk) == "ready"
    download.refresh_from_db()
    assert download.status == InvoiceDownload.Status.READY
    assert (download.progress, len(download.parts)) == (1, 1)
    [part] = download.parts
    assert part["name"] == "facture-F-2026-0042.pdf"
    assert _read(part).startswith(b"%PDF") and part["size"] == len(_read(part))
    # Stored in a random folder: its path cannot be guessed from the download's number.
    assert re.fullmatch(rf"downloads/{download.pk}/[0-9a-f]{{32}}/{part['name']}", part["file"])
    invoice.refresh_from_db()
    assert invoice.downloaded_by_recipient
    [copy] = demo_world.invoices("F-2026-0042")
    assert copy["factureTelechargeeParDestinataire"] is True
    assert _calls(demo_world) == 1


def test_a_zip_brings_the_attachments_along(sent_invoices, commune_agent, commune, demo_world):
    invoices = sent_invoices(2)
    download = _request(commune_agent, commune, invoices, file_format="zip")
    assert invoice_download_run(download_id=download.pk) == "ready"
    download.refresh_from_db()
    [part] = download.parts
    assert part["name"].endswith(".zip")
    names = zipfile.ZipFile(io.BytesIO(_read(part))).namelist()
    assert {"F-2026-0042.pdf", "F-2026-101.pdf"} <= set(names)


def test_the_plan_keeps_each_part_within_the_limit_in_selection_order():
    estimates = {1: 40, 2: 50, 3: 30, 4: 200, 5: 10}
    assert download_plan(estimates=estimates, max_bytes=100) == [[1, 2], [3], [4], [5]]
    assert download_plan(estimates=estimates, max_bytes=1000) == [[1, 2, 3, 4, 5]]


def test_a_selection_over_the_limit_is_fetched_in_two_parts(
    sent_invoices, commune_agent, commune, demo_world, settings
):
    invoices = sent_invoices(3)
    estimates = invoice_download_estimates(invoice_ids=[i.pk for i in invoices], file_format="pdf")
    main = invoices[0].attachments.get(kind="main")
    assert estimates[invoices[0].pk] == main.size + ESTIMATE_ROOM_PER_INVOICE
    # Room for two invoices only: the portal's limit, read from the settings.
    settings.CHORUS_DOWNLOAD_MAX_BYTES = estimates[invoices[0].pk] + estimates[invoices[1].pk]
    download = _request(commune_agent, commune, invoices)
    assert invoice_download_run(download_id=download.pk) == "ready"
    download.refresh_from_db()
    assert [len(part["invoice_ids"]) for part in download.parts] == [2, 1]
    assert download.progress == 2
    assert _calls(demo_world) == 2
    first, second = download.parts
    assert first["name"].endswith(".zip") and second["name"] == "facture-F-2026-102.pdf"
    assert len(zipfile.ZipFile(io.BytesIO(_read(first))).namelist()) == 2
    assert Invoice.objects.filter(downloaded_by_recipient=True).count() == 3


def test_a_413_from_chorus_pro_halves_the_part(
    sent_invoices, commune_agent, commune, demo_world, settings
):
    invoices = sent_invoices(3)
    sizes = [i.attachments.get(kind="main").size for i in invoices]
    # Chorus Pro's limit is smaller than the portal believed: three invoices are too many for it,
    # the last two fit (its own estimate is the attachments plus 4 KB each).
    demo_world.configure(maxDownloadBytes=sizes[1] + sizes[2] + 2 * 4096 + 100)
    download = _request(commune_agent, commune, invoices)
    assert invoice_download_run(download_id=download.pk) == "ready"
    download.refresh_from_db()
    assert [part["invoice_ids"] for part in download.parts] == [
        [invoices[0].pk],
        [invoices[1].pk, invoices[2].pk],
    ]
    assert all(part["file"] for part in download.parts)
    assert _calls(demo_world) == 3  # the refused whole, then each half


def test_one_invoice_over_the_limit_alone_is_reported_and_the_others_still_come(
    sent_invoices, commune_agent, commune, demo_world
):
    invoices = sent_invoices(2)
    sizes = [i.attachments.get(kind="main").size for i in invoices]
    demo_world.configure(maxDownloadBytes=min(sizes) + 4096 - 1)
    download = _request(commune_agent, commune, invoices)
    assert invoice_download_run(download_id=download.pk) == "ready"
    download.refresh_from_db()
    assert [part["error"] for part in download.parts] == [TOO_LARGE, TOO_LARGE]
    assert not any(part["file"] for part in download.parts)
    assert not Invoice.objects.filter(downloaded_by_recipient=True).exists()


def test_a_download_is_run_once_even_when_its_task_is_delivered_twice(
    sent_invoices, commune_agent, commune, demo_world
):
    [invoice] = sent_invoices(1)
    download = _request(commune_agent, commune, [invoice])
    assert invoice_download_run(download_id=download.pk) == "ready"
    assert invoice_download_run(download_id=download.pk) == "not-claimed"
    assert _calls(demo_world) == 1


def test_a_worker_killed_mid_way_is_taken_over_after_its_lease_without_refetching_parts(
    sent_invoices, commune_agent, commune, demo_world, settings
):
    invoices = sent_invoices(2)
    settings.CHORUS_DOWNLOAD_MAX_BYTES = 1  # one part per invoice
    download = _request(commune_agent, commune, invoices)
    assert invoice_download_run(download_id=download.pk) == "ready"
    download.refresh_from_db()
    fetched = download.parts
    # The worker died after storing the first part: the second is still to fetch, and its lease
    # keeps other workers away until it expires.
    second = {**fetched[1], "file": "", "name": "", "size": 0}
    InvoiceDownload.objects.filter(pk=download.pk).update(
        status=InvoiceDownload.Status.RUNNING,
        parts=[fetched[0], second],
        progress=1,
        lease_until=timezone.now() + LEASE,
    )
    demo_world.clear_calls()
    assert invoice_download_run(download_id=download.pk) == "not-claimed"
    InvoiceDownload.objects.filter(pk=download.pk).update(lease_until=timezone.now())
    assert invoice_download_run(download_id=download.pk) == "ready"
    assert _calls(demo_world) == 1  # only the missing part
    download.refresh_from_db()
    assert download.parts[0] == fetched[0] and download.parts[1]["file"]
    assert download.progress == 2


def test_a_transient_failure_releases_the_download_for_a_retry(
    sent_invoices, commune_agent, commune, demo_world, retry_due
):
    [invoice] = sent_invoices(1)
    download = _request(commune_agent, commune, [invoice])
    demo_world.add_fault("http_error", operation=GROUP, status=503, count=1)
    with pytest.raises(RetryLater):
        invoice_download_run(download_id=download.pk)
    download.refresh_from_db()
    assert download.status == InvoiceDownload.Status.QUEUED
    assert download.lease_until is None and len(download.parts) == 1
    retry_due(download)
    assert invoice_download_run(download_id=download.pk) == "ready"
    download.refresh_from_db()
    assert download.attempts == 2 and download.parts[0]["file"]


def test_a_refused_technical_account_fails_the_download_with_an_explanation(
    sent_invoices, commune_agent, commune, demo_world
):
    [invoice] = sent_invoices(1)
    download = _request(commune_agent, commune, [invoice])
    demo_world.add_fault("account_unauthorized", operation=GROUP, count=5)
    assert invoice_download_run(download_id=download.pk) == "failed"
    download.refresh_from_db()
    assert download.status == InvoiceDownload.Status.FAILED
    assert "technical account" in download.error_message
    assert download.lease_until is None and download.finished_at is not None


def test_the_recipient_badge_ends_at_the_first_opening_only(sent_invoices, commune_agent):
    [invoice] = sent_invoices(1)
    assert invoice_opened_by_recipient(invoice=invoice, user=commune_agent) is True
    first = invoice.recipient_opened_at
    assert first is not None
    assert invoice_opened_by_recipient(invoice=invoice, user=commune_agent) is False
    invoice.refresh_from_db()
    assert invoice.recipient_opened_at == first
