"""The recipient's decisions, carried to the emulator by the action worker."""

import pytest
from django.utils import translation

from invoices.actions.services import ActionNotAllowedError, ActionUnderWayError, action_run
from invoices.models import Invoice, InvoiceAction, StatusEvent
from invoices.retries import RetryLater
from invoices.sending.status_sync import status_sync_for_connection
from invoices.sending.submission import invoice_send
from invoices.treatment.services import (
    POSSIBLE_STATUSES,
    action_failure_explained,
    invoice_treat,
    invoice_treat_batch,
    reference_fetch,
    treatment_options,
    treatment_preview,
)
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection

pytestmark = pytest.mark.slow

TREAT = "factures/v1/traiter/recue"
POSSIBLE = "transverses/v1/recuperer/etats/traitement"


def _calls(emulator, operation):
    return emulator.calls()["operations"].get(operation, 0)


@pytest.fixture
def received(ready_invoice, demo_world):
    """Sent by the supplier, made available to the Commune, seen by the supplier's status sync
    (the same portal row is the Commune's received invoice)."""
    Invoice.objects.filter(pk=ready_invoice.pk).update(status=Invoice.Status.QUEUED)
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
    demo_world.advance(10)
    supplier_account = ChorusConnection.objects.get(structure=ready_invoice.supplier)
    status_sync_for_connection(connection=supplier_account)
    ready_invoice.refresh_from_db()
    assert ready_invoice.chorus_status == "MISE_A_DISPOSITION"
    return ready_invoice


@pytest.fixture
def agent(django_user_model):
    return django_user_model.objects.get(username="commune")


def _load_options(invoice):
    """The worker's part of `treatment_options`: fetch Chorus Pro's list into the cache."""
    connection = ChorusConnection.objects.get(structure=invoice.recipient)
    reference_fetch(
        kind=POSSIBLE_STATUSES, connection_id=connection.pk, value=invoice.chorus_status
    )


def _run(action):
    action_run(action_id=action.pk)
    action.refresh_from_db()
    return action


def test_the_statuses_offered_are_chorus_pro_s_fetched_once_by_a_worker(
    received, demo_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        assert treatment_options(invoice=received).loading
        assert treatment_options(invoice=received).loading
    assert len(queued) == 1  # the second look finds the fetch already pending
    assert _calls(demo_world, POSSIBLE) == 0  # the web side never asks Chorus Pro itself
    _load_options(received)
    options = treatment_options(invoice=received).values
    assert options == [
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_A_DISPOSITION_COMPTABLE",
        "COMPTABILISEE",
        "MISE_EN_PAIEMENT",
        "SUSPENDUE",
        "REJETEE",
    ]  # A_RECYCLER no longer: the annexe v6.1 withdrew recycling
    treatment_options(invoice=received)
    assert _calls(demo_world, POSSIBLE) == 1


def test_a_final_invoice_offers_nothing_and_asks_chorus_pro_nothing(received, demo_world):
    Invoice.objects.filter(pk=received.pk).update(chorus_status="MISE_EN_PAIEMENT")
    received.refresh_from_db()
    assert treatment_options(invoice=received).values == []
    with pytest.raises(ActionNotAllowedError) as refused:
        invoice_treat(invoice=received, user=None, target_status="SERVICE_FAIT")
    assert refused.value.field == "target_status"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"target_status": "SUSPENDUE", "motive": "   "}, "motive"),
        ({"target_status": "REJETEE", "motive": ""}, "motive"),
        ({"target_status": "SUSPENDUE", "motive": "x" * 256}, "motive"),
        ({"target_status": "MANDATEE"}, "mandate_number"),
        ({"target_status": "REJETEE", "motive": "Doublon"}, "confirmed"),
        ({"target_status": "EN_COURS_ACHEMINEMENT"}, "target_status"),
    ],
)
def test_a_decision_missing_what_chorus_pro_requires_is_refused_before_anything_is_queued(
    received, agent, fields, field
):
    _load_options(received)
    with pytest.raises(ActionNotAllowedError) as refused:
        invoice_treat(invoice=received, user=agent, **fields)
    assert refused.value.field == field
    assert refused.value.message
    assert not InvoiceAction.objects.exists()


def test_a_suspension_reaches_chorus_pro_and_the_timeline_shows_it_at_once(
    received, agent, demo_world
):
    _load_options(received)
    action = invoice_treat(
        invoice=received,
        user=agent,
        target_status="SUSPENDUE",
        motive="  Bon de livraison manquant  ",
    )
    assert action.payload["motive"] == "Bon de livraison manquant"
    assert _run(action).status == InvoiceAction.Status.DONE
    received.refresh_from_db()
    assert received.chorus_status == "SUSPENDUE"
    latest = received.events.first()
    assert latest.status == "SUSPENDUE" and latest.source == StatusEvent.Source.CHORUS
    assert "Bon de livraison manquant" in latest.comment
    [seen] = demo_world.invoices(received.number)
    assert seen["history"][0]["histoStatutCode"] == "SUSPENDUE"


def test_a_mandate_carries_its_number_to_chorus_pro(received, agent):
    _load_options(received)
    action = invoice_treat(
        invoice=received, user=agent, target_status="MANDATEE", mandate_number="M-2026-118"
    )
    assert _run(action).status == InvoiceAction.Status.DONE
    received.refresh_from_db()
    assert received.chorus_status == "MANDATEE"
    connection = ChorusConnection.objects.get(structure=received.recipient)
    with chorus_client_for(connection) as client:
        assert client.recipient.get(received.chorus_invoice_id).mandate_number == "M-2026-118"
    # And the portal shows it: on the invoice and against the status in its history.
    assert received.mandate_number == "M-2026-118"


def test_a_mandate_given_in_chorus_pro_reaches_the_supplier_s_page(received, client):
    from django.contrib.auth.models import User
    from django.urls import reverse

    from chorus_client import InvoiceStatus

    # The Commune mandates the invoice in Chorus Pro itself, not through the portal.
    commune = ChorusConnection.objects.get(structure=received.recipient)
    with chorus_client_for(commune) as chorus:
        chorus.recipient.treat(
            received.chorus_invoice_id, InvoiceStatus.MANDATEE, mandate_number="M-2026-207"
        )
    supplier_account = ChorusConnection.objects.get(structure=received.supplier)
    status_sync_for_connection(connection=supplier_account)
    received.refresh_from_db()
    assert (received.chorus_status, received.mandate_number) == ("MANDATEE", "M-2026-207")

    client.force_login(User.objects.get(username="fournisseur"))
    page = client.get(reverse("invoices:detail", args=[received.pk])).text
    assert '<dd data-field="mandate-number">M-2026-207</dd>' in page
    history = page.split('id="invoice-history"')[1]
    assert "Numéro de mandat\u00a0: M-2026-207." in history


def test_a_refused_transition_reads_the_real_status_and_says_what_happened(
    received, agent, demo_world
):
    _load_options(received)
    action = invoice_treat(invoice=received, user=agent, target_status="SERVICE_FAIT")
    # Meanwhile the accounting system put the invoice in payment behind the portal's back.
    demo_world.set_status(received.chorus_invoice_id, "MISE_EN_PAIEMENT")
    action = _run(action)
    assert action.status == InvoiceAction.Status.FAILED
    assert action.error_code == "20002" and "Incohérence" in action.error_message
    received.refresh_from_db()
    assert received.chorus_status == "MISE_EN_PAIEMENT"
    assert received.events.first().status == "MISE_EN_PAIEMENT"
    with translation.override("en"):
        explained = action_failure_explained(action=action)
    assert explained.startswith("Chorus Pro refused: the invoice is now “Payment issued” since ")


def test_a_retry_after_a_lost_answer_does_not_send_the_decision_twice(
    received, agent, demo_world, retry_due
):
    _load_options(received)
    action = invoice_treat(
        invoice=received, user=agent, target_status="SUSPENDUE", motive="Pièce manquante"
    )
    demo_world.add_fault("drop_after_commit", operation=TREAT)
    with pytest.raises(RetryLater):
        action_run(action_id=action.pk)
    action.refresh_from_db()
    assert action.status == InvoiceAction.Status.QUEUED
    retry_due(action)
    action = _run(action)
    assert action.status == InvoiceAction.Status.DONE
    assert action.result["already_there"] is True
    assert _calls(demo_world, TREAT) == 1
    received.refresh_from_db()
    assert received.chorus_status == "SUSPENDUE"


def test_a_second_decision_while_one_is_on_its_way_is_refused(received, agent):
    _load_options(received)
    invoice_treat(invoice=received, user=agent, target_status="SERVICE_FAIT")
    with pytest.raises(ActionUnderWayError):
        invoice_treat(invoice=received, user=agent, target_status="MANDATEE", mandate_number="1")
    assert InvoiceAction.objects.count() == 1


def test_a_batch_decision_goes_only_where_chorus_pro_allows_it_under_one_batch_id(
    received, agent, make_invoice
):
    paid = make_invoice(
        received.supplier,
        received.recipient,
        status=Invoice.Status.RECEIVED,
        chorus_invoice_id=987654,
        chorus_status="MISE_EN_PAIEMENT",
    )
    preview = treatment_preview(invoices=[received, paid], target_status="SERVICE_FAIT")
    assert [row.verdict for row in preview] == ["loading", "skip"]
    _load_options(received)
    preview = treatment_preview(invoices=[received, paid], target_status="SERVICE_FAIT")
    assert [row.verdict for row in preview] == ["ok", "skip"]
    outcome = invoice_treat_batch(
        invoices=[received, paid], user=agent, target_status="SERVICE_FAIT"
    )
    assert [action.invoice for action in outcome.queued] == [received]
    assert [row.invoice for row in outcome.skipped] == [paid]
    assert InvoiceAction.objects.get().batch == outcome.batch
    assert _run(outcome.queued[0]).status == InvoiceAction.Status.DONE


def test_a_batch_rejection_needs_its_confirmation(received, agent):
    _load_options(received)
    with pytest.raises(ActionNotAllowedError) as refused:
        invoice_treat_batch(
            invoices=[received], user=agent, target_status="REJETEE", motive="Doublon"
        )
    assert refused.value.field == "confirmed"
    outcome = invoice_treat_batch(
        invoices=[received], user=agent, target_status="REJETEE", motive="Doublon", confirmed=True
    )
    assert len(outcome.queued) == 1


def test_a_list_chorus_pro_refuses_to_give_is_reported_instead_of_loading_forever(
    received, demo_world
):
    demo_world.add_fault(
        "business_error", operation=POSSIBLE, code_retour=20017, libelle="Statut inconnu"
    )
    _load_options(received)
    options = treatment_options(invoice=received)
    assert not options.loading and options.values is None
    assert "Statut inconnu" in options.error


def test_the_history_names_who_acted_never_a_technical_account(received, agent, client):
    from django.contrib.auth.models import User
    from django.urls import reverse

    from chorus_client import InvoiceStatus

    _load_options(received)
    _run(invoice_treat(invoice=received, user=agent, target_status="SERVICE_FAIT"))
    # Then someone uses the Commune's technical account outside the portal (its own software).
    commune = ChorusConnection.objects.get(structure=received.recipient)
    with chorus_client_for(commune) as chorus:
        chorus.recipient.treat(received.chorus_invoice_id, InvoiceStatus.MISE_EN_PAIEMENT)
    status_sync_for_connection(connection=ChorusConnection.objects.get(structure=received.supplier))

    who = dict(received.events.filter(source="chorus").values_list("status", "actor_name"))
    # Camille Martin sent it from the portal, Claire Durand certified it in the portal.
    assert who["DEPOSEE"] == "Camille Martin (Atelier Numérique SAS)"
    assert who["SERVICE_FAIT"] == "Claire Durand (Commune de Villeneuve)"
    assert who["MISE_EN_PAIEMENT"] == "Commune de Villeneuve"
    assert received.events.get(status="SERVICE_FAIT").actor == agent
    client.force_login(User.objects.get(username="fournisseur"))
    page = client.get(reverse("invoices:detail", args=[received.pk])).text
    assert "TECH_" not in page and "@cpro.fr" not in page
