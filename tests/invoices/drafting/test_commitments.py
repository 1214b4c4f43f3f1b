"""The commitment number checked against Chorus Pro (the Engagements API) by a
worker, shown next to the field while the editor polls, and used by the pre-flight check."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chorus_client import ChorusTransientError
from invoices.drafting import tasks
from invoices.drafting.commitments import commitment_check_give_up, commitment_check_run
from invoices.models import Invoice
from invoices.sending.preflight import invoice_preflight
from structures.models import Structure
from tests.jobs import queued_args

DRFIP = "13000261100015"
COMMUNE = "21750001600019"
LYCEE_COMMITMENT = "EJ-2026-0100"  # issued by the Université, not by the Direction régionale
OPERATION = "engagements/v1/engagement/recherche"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def queued(monkeypatch):
    return queued_args(monkeypatch, tasks.COMMITMENT_CHECK_TASK)


@pytest.fixture
def draft(ready_invoice):
    """A complete invoice to the Direction régionale, which requires a commitment."""
    drfip = Structure.objects.get(siret=DRFIP)
    Invoice.objects.filter(pk=ready_invoice.pk).update(recipient=drfip, service=None)
    ready_invoice.refresh_from_db()
    return ready_invoice


def _save_number(client, invoice, number, capture):
    with capture(execute=True):
        return client.post(
            reverse("invoices:draft_save", args=[invoice.pk]),
            {
                "kind": "invoice",
                "number": invoice.number,
                "recipient_siret": invoice.recipient.siret,
                "issue_date": "2026-11-20",
                "billing_framework": "A1",
                "vat_regime": "on_debits",
                "payment_mode": "transfer",
                "commitment_number": number,
            },
            headers=HTMX,
        )


def _commitment(invoice):
    return next(
        c
        for c in invoice_preflight(invoice=invoice, with_documents=False)
        if c.code == "commitment"
    )


def test_saving_the_number_queues_a_check_and_the_field_polls_until_it_is_known(
    supplier_client, draft, queued, django_capture_on_commit_callbacks
):
    response = _save_number(
        supplier_client, draft, "EJ-2026-0001", django_capture_on_commit_callbacks
    )
    assert queued == [(draft.pk, "EJ-2026-0001")]
    assert 'data-check="pending"' in response.text and 'hx-trigger="every 2s"' in response.text

    tasks.commitment_check_task(*queued[0])
    state = supplier_client.get(reverse("invoices:commitment_state", args=[draft.pk]), headers=HTMX)
    assert 'data-check="found"' in state.text and "every 2s" not in state.text
    # EJ-2026-0001: 12 000, of which 4 500 consumed by earlier invoices.
    assert (
        'data-commitment-remaining="7500"' in state.text and "7\u00a0500,00\u00a0EUR" in state.text
    )
    draft.refresh_from_db()
    assert draft.commitment_check["found"] is True
    assert _commitment(draft).ok and not _commitment(draft).warning


def test_saving_the_same_number_again_does_not_ask_chorus_pro_again(
    supplier_client, draft, queued, django_capture_on_commit_callbacks
):
    _save_number(supplier_client, draft, "EJ-2026-0001", django_capture_on_commit_callbacks)
    tasks.commitment_check_task(*queued[0])
    _save_number(supplier_client, draft, "EJ-2026-0001", django_capture_on_commit_callbacks)
    assert len(queued) == 1


def test_a_number_of_another_recipient_fails_the_preflight_check_with_a_fix(draft, demo_world):
    Invoice.objects.filter(pk=draft.pk).update(commitment_number=LYCEE_COMMITMENT)
    draft.refresh_from_db()
    outcome = commitment_check_run(invoice_id=draft.pk, number=LYCEE_COMMITMENT)
    assert outcome["found"] is False and outcome["error"] == ""
    draft.refresh_from_db()
    check = _commitment(draft)
    assert not check.ok
    assert LYCEE_COMMITMENT in check.fix and check.fix_url


def test_an_unknown_number_is_shown_as_unknown_next_to_the_field(
    supplier_client, draft, queued, django_capture_on_commit_callbacks
):
    _save_number(supplier_client, draft, "EJ-9999", django_capture_on_commit_callbacks)
    tasks.commitment_check_task(*queued[0])
    page = supplier_client.get(reverse("invoices:edit", args=[draft.pk]))
    assert 'data-check="not_found"' in page.text


def test_when_chorus_pro_cannot_tell_the_check_passes_with_a_warning(draft, demo_world):
    Invoice.objects.filter(pk=draft.pk).update(commitment_number="EJ-2026-0001")
    demo_world.add_fault("business_error", operation=OPERATION, code_retour=99, libelle="KO")
    outcome = commitment_check_run(invoice_id=draft.pk, number="EJ-2026-0001")
    assert outcome["found"] is None and outcome["error"] == "refused"
    draft.refresh_from_db()
    check = _commitment(draft)
    assert check.ok and check.warning


def test_a_chorus_pro_outage_is_retried_then_recorded_as_could_not_tell(draft, demo_world):
    Invoice.objects.filter(pk=draft.pk).update(commitment_number="EJ-2026-0001")
    demo_world.add_fault("http_error", operation=OPERATION, status=503, count=10)
    with pytest.raises(ChorusTransientError):
        commitment_check_run(invoice_id=draft.pk, number="EJ-2026-0001")
    commitment_check_give_up(invoice_id=draft.pk, number="EJ-2026-0001")
    draft.refresh_from_db()
    assert draft.commitment_check["error"] == "transient"
    assert _commitment(draft).ok


def test_a_check_for_a_number_replaced_since_changes_nothing(draft, demo_world):
    Invoice.objects.filter(pk=draft.pk).update(commitment_number="EJ-2026-0002")
    assert commitment_check_run(invoice_id=draft.pk, number="EJ-9999") is None
    draft.refresh_from_db()
    assert draft.commitment_check is None


def test_no_check_is_made_where_the_recipient_does_not_involve_commitments(
    supplier_client, ready_invoice, queued, django_capture_on_commit_callbacks
):
    # The Commune requires a service code only: the number is a free purchase reference there.
    _save_number(supplier_client, ready_invoice, "BC-42", django_capture_on_commit_callbacks)
    assert queued == []
    ready_invoice.refresh_from_db()
    assert ready_invoice.commitment_check is None


def test_a_required_number_that_is_missing_fails_the_check(draft):
    check = _commitment(draft)
    assert not check.ok and "engagement juridique" in check.fix  # an existing msgid


def test_a_check_whose_task_was_lost_stops_polling_and_is_asked_again_on_the_next_save(
    supplier_client, draft, queued, django_capture_on_commit_callbacks
):
    _save_number(supplier_client, draft, "EJ-2026-0001", django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    long_ago = (timezone.now() - timedelta(minutes=10)).isoformat()
    Invoice.objects.filter(pk=draft.pk).update(
        commitment_check={**draft.commitment_check, "requested_at": long_ago}
    )
    state = supplier_client.get(reverse("invoices:commitment_state", args=[draft.pk]), headers=HTMX)
    assert "every 2s" not in state.text
    _save_number(supplier_client, draft, "EJ-2026-0001", django_capture_on_commit_callbacks)
    assert len(queued) == 2
