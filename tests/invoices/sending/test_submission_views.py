from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from invoices.models import Invoice
from invoices.sending.resync import RESYNC_TASK
from invoices.sending.submission import SEND_TASK
from tests.jobs import task_queued

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_preflight_page_lists_what_to_fix_and_blocks_sending(supplier_client, ready_invoice):
    Invoice.objects.filter(pk=ready_invoice.pk).update(payment_mode="")
    page = supplier_client.get(reverse("invoices:preflight", args=[ready_invoice.pk])).text
    assert "Choisissez le mode de paiement." in page
    assert 'disabled aria-disabled="true"' in page
    response = supplier_client.post(reverse("invoices:submit", args=[ready_invoice.pk]))
    assert response.url == reverse("invoices:preflight", args=[ready_invoice.pk])
    ready_invoice.refresh_from_db()
    assert ready_invoice.status == Invoice.Status.DRAFT


@pytest.mark.slow
def test_sending_queues_and_the_detail_page_follows_progress(supplier_client, ready_invoice):
    with task_queued(SEND_TASK):
        response = supplier_client.post(reverse("invoices:submit", args=[ready_invoice.pk]))
    detail = reverse("invoices:detail", args=[ready_invoice.pk])
    assert response.url == detail
    page = supplier_client.get(detail).text
    assert 'hx-trigger="every 3s"' in page
    region = supplier_client.get(f"{detail}?region=progress", **HTMX).text
    assert region.strip().startswith('<div id="progress"')
    assert "En attente d’envoi" in region


@pytest.mark.slow
def test_the_page_follows_the_invoice_until_chorus_pro_has_delivered_it(
    supplier_client, ready_invoice, demo_world
):
    from invoices.sending.status_sync import status_sync_for_connection
    from invoices.sending.submission import invoice_send
    from structures.models import ChorusConnection

    with task_queued(SEND_TASK):
        supplier_client.post(reverse("invoices:submit", args=[ready_invoice.pk]))
    detail = reverse("invoices:detail", args=[ready_invoice.pk])
    # What the user saw when the page opened, and what each poll brings after the worker sent it.
    page = supplier_client.get(detail).text
    assert "en file d’attente" not in page  # no banner that would outlive the state it describes
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"

    region = supplier_client.get(f"{detail}?region=progress", **HTMX).text
    assert 'hx-get="' in region and "Déposée" in region
    assert "inutile de la recharger" in region
    # The panels and the timeline come with the status, swapped in place by htmx.
    assert '<section class="card" id="invoice-history"' in region
    assert 'hx-swap-oob="true"' in region and "Transmise à Chorus Pro" in region

    demo_world.advance(10)
    connection = ChorusConnection.objects.get(structure=ready_invoice.supplier)
    status_sync_for_connection(connection=connection)
    region = supplier_client.get(f"{detail}?region=progress", **HTMX).text
    # Settled: the region no longer polls, and the status, history and clock agree.
    assert 'hx-get="' not in region.split("</div>")[0]
    assert "Mise à disposition" in region.split('id="invoice-history"')[0]
    assert "Mise à disposition" in region.split('id="invoice-history"')[1]
    assert 'id="payment-clock"' in region and "0 jour écoulé sur 30" in region
    # So do the answers the new status allows.
    assert '<div id="invoice-panels" hx-swap-oob="true">' in region
    assert reverse("invoices:credit_note_create", args=[ready_invoice.pk]) in region
    ready_invoice.refresh_from_db()
    assert f"Identifiant Chorus Pro\u00a0: {ready_invoice.chorus_invoice_id}" in region


def test_a_refused_submission_is_explained_and_can_be_corrected(supplier_client, ready_invoice):
    Invoice.objects.filter(pk=ready_invoice.pk).update(
        status=Invoice.Status.SUBMISSION_REFUSED,
        submission_error_code="20015",
        submission_error_message="Numéro de facture déjà utilisé",
    )
    page = supplier_client.get(reverse("invoices:detail", args=[ready_invoice.pk])).text
    assert "donnez un nouveau numéro à cette facture" in page
    assert "20015" in page and "Numéro de facture déjà utilisé" in page
    response = supplier_client.post(reverse("invoices:reopen", args=[ready_invoice.pk]))
    assert response.url == reverse("invoices:edit", args=[ready_invoice.pk])
    ready_invoice.refresh_from_db()
    assert ready_invoice.status == Invoice.Status.DRAFT


def test_a_page_watching_an_invoice_in_transit_has_its_status_read_again_soon(
    supplier_client, ready_invoice, django_capture_on_commit_callbacks
):
    Invoice.objects.filter(pk=ready_invoice.pk).update(
        status=Invoice.Status.SUBMITTED, chorus_invoice_id=990001, chorus_status="DEPOSEE"
    )
    region = reverse("invoices:detail", args=[ready_invoice.pk]) + "?region=progress"
    with task_queued(RESYNC_TASK) as resync:
        with django_capture_on_commit_callbacks(execute=True):
            supplier_client.get(region, **HTMX)
            supplier_client.get(region, **HTMX)  # another poll, or another watcher, right after
        assert resync.call_args_list == [mock.call(ready_invoice.pk)]
        Invoice.objects.filter(pk=ready_invoice.pk).update(chorus_status="MISE_A_DISPOSITION")
        cache.clear()
        with django_capture_on_commit_callbacks(execute=True):
            supplier_client.get(region, **HTMX)
        assert resync.call_count == 1  # settled: nothing more to read
