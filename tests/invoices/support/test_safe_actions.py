"""Support's safe actions: each asks for a confirmation and a reason, goes through the existing
services (queued for a worker, exactly once), and is recorded in the support audit with who,
when, what, why and the outcome, whatever the outcome."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from invoices.actions.services import ACTION_TASK
from invoices.models import Invoice, InvoiceAction
from invoices.sending.resync import RESYNC_TASK
from invoices.sending.submission import SEND_TASK
from invoices.support.models import SupportRecord
from invoices.support.services import INBOX_SYNC_TASK
from structures.models import ChorusConnection, Membership, Structure
from structures.services.connection import CONNECTION_TEST_TASK
from tests.jobs import task_queued

pytestmark = pytest.mark.django_db


def _url(kind, target_id):
    return reverse("admin:support_action", args=[kind, target_id])


@pytest.fixture
def supplier(make_structure):
    structure = make_structure(name="Atelier Test")
    connection = ChorusConnection(structure=structure, environment="emulator", login="TECH_1_a")
    connection.set_password("secret")
    connection.save()
    return structure


@pytest.fixture
def commune(make_structure):
    structure = make_structure(name="Mairie de Test", kind=Structure.Kind.PUBLIC)
    connection = ChorusConnection(structure=structure, environment="emulator", login="TECH_1_c")
    connection.set_password("secret")
    connection.save()
    return structure


@pytest.fixture
def stuck(make_invoice, supplier, commune):
    """Queued for sending ten minutes ago; no worker took it."""
    return make_invoice(
        supplier,
        commune,
        status="queued",
        send_next_attempt_at=timezone.now() - timedelta(minutes=10),
    )


def test_the_confirmation_says_what_will_happen_and_asks_why(agent_client, stuck):
    page = agent_client.get(_url("submission_resend", stuck.pk))
    assert page.status_code == 200
    assert stuck.number in page.text and 'name="reason"' in page.text
    assert not SupportRecord.objects.exists()


def test_without_a_reason_nothing_runs_and_nothing_is_recorded(
    agent_client, stuck, django_capture_on_commit_callbacks
):
    with task_queued(SEND_TASK) as sent, django_capture_on_commit_callbacks(execute=True):
        page = agent_client.post(_url("submission_resend", stuck.pk), {"reason": " "})
    assert page.status_code == 200 and 'name="reason"' in page.text
    sent.assert_not_called()
    assert not SupportRecord.objects.exists()


def test_a_lost_submission_is_sent_again_and_recorded(
    agent_client, agent, stuck, django_capture_on_commit_callbacks
):
    with task_queued(SEND_TASK) as sent, django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            _url("submission_resend", stuck.pk), {"reason": "Le fournisseur a appelé"}
        )
    assert response.status_code == 302
    assert response.url == reverse("admin:invoices_invoice_change", args=[stuck.pk])
    sent.assert_called_once_with(stuck.pk)
    record = SupportRecord.objects.get()
    assert (record.actor, record.kind, record.invoice, record.outcome) == (
        agent,
        "submission_resend",
        stuck,
        "queued",
    )
    assert record.reason == "Le fournisseur a appelé" and "Sam Martin" in record.actor_name
    assert timezone.now() - record.occurred_at < timedelta(minutes=1)
    # The invoice is due now, held by nobody: the worker's claim will take it, once.
    stuck.refresh_from_db()
    assert stuck.send_lease_until is None and stuck.send_next_attempt_at <= timezone.now()


def test_sending_again_while_a_worker_holds_it_is_refused_and_recorded(
    agent_client, stuck, django_capture_on_commit_callbacks
):
    Invoice.objects.filter(pk=stuck.pk).update(
        status="sending", send_lease_until=timezone.now() + timedelta(seconds=25)
    )
    with task_queued(SEND_TASK) as sent, django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            _url("submission_resend", stuck.pk), {"reason": "Relance"}, follow=True
        )
    sent.assert_not_called()
    record = SupportRecord.objects.get()
    assert record.outcome == "refused" and stuck.number in record.outcome_message
    assert record.outcome_message in " ".join(str(m) for m in response.context["messages"])


def test_a_draft_cannot_be_sent_from_the_back_office(
    agent_client, make_invoice, supplier, commune, django_capture_on_commit_callbacks
):
    draft = make_invoice(supplier, commune)
    with task_queued(SEND_TASK) as sent, django_capture_on_commit_callbacks(execute=True):
        agent_client.post(_url("submission_resend", draft.pk), {"reason": "Essai"})
    sent.assert_not_called()
    assert SupportRecord.objects.get().outcome == "refused"
    assert Invoice.objects.get(pk=draft.pk).status == "draft"


def test_re_reading_is_safe_to_repeat_and_each_run_is_recorded(
    agent_client, make_invoice, supplier, commune, django_capture_on_commit_callbacks
):
    sent_invoice = make_invoice(supplier, commune, status="submitted", chorus_invoice_id=8411)
    with task_queued(RESYNC_TASK) as read, django_capture_on_commit_callbacks(execute=True):
        for reason in ("Statut pas à jour", "Encore"):
            agent_client.post(_url("invoice_resync", sent_invoice.pk), {"reason": reason})
    assert read.call_count == 2
    assert list(SupportRecord.objects.order_by("pk").values_list("reason", "outcome")) == [
        ("Statut pas à jour", "queued"),
        ("Encore", "queued"),
    ]


def test_a_failed_action_is_retried_as_a_new_action_and_recorded(
    agent_client, agent, make_invoice, supplier, commune, django_capture_on_commit_callbacks
):
    invoice = make_invoice(supplier, commune, status="submitted", chorus_invoice_id=8412)
    failed = InvoiceAction.objects.create(
        invoice=invoice,
        kind=InvoiceAction.Kind.COMPLETE,
        payload={"comment": "Bon de livraison"},
        status=InvoiceAction.Status.FAILED,
        error_code="AUTHENTICATION",
    )
    with task_queued(ACTION_TASK) as queued, django_capture_on_commit_callbacks(execute=True):
        agent_client.post(_url("action_retry", failed.pk), {"reason": "Mot de passe renouvelé"})
    retried = InvoiceAction.objects.exclude(pk=failed.pk).get()
    queued.assert_called_once_with(retried.pk)
    assert retried.created_by == agent and retried.payload == failed.payload
    record = SupportRecord.objects.get()
    assert record.invoice == invoice and record.kind == "action_retry"
    assert str(retried.pk) in record.outcome_message


def test_a_connection_test_is_queued_for_a_worker_and_recorded(
    agent_client, supplier, django_capture_on_commit_callbacks
):
    with (
        task_queued(CONNECTION_TEST_TASK) as tested,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = agent_client.post(
            _url("connection_test", supplier.pk), {"reason": "Échecs d’authentification"}
        )
    connection = ChorusConnection.objects.get(structure=supplier)
    tested.assert_called_once_with(connection.pk)
    assert connection.test_requested_at is not None
    assert response.url == reverse("admin:structures_structure_change", args=[supplier.pk])
    record = SupportRecord.objects.get()
    assert (record.structure, record.kind, record.outcome) == (
        supplier,
        "connection_test",
        "queued",
    )


def test_an_inbox_is_synced_again_on_each_side_the_structure_has(
    agent_client, commune, make_user, django_capture_on_commit_callbacks
):
    make_user((commune, Membership.Role.VALIDATOR))
    with task_queued(INBOX_SYNC_TASK) as synced, django_capture_on_commit_callbacks(execute=True):
        agent_client.post(_url("inbox_resync", commune.pk), {"reason": "Facture absente"})
    connection = ChorusConnection.objects.get(structure=commune)
    assert [call.args for call in synced.call_args_list] == [
        (connection.pk, "recipient"),
        (connection.pk, "validator"),
    ]
    assert SupportRecord.objects.get().outcome == "queued"


def test_a_structure_without_connection_is_refused_and_recorded(
    agent_client, make_structure, django_capture_on_commit_callbacks
):
    lonely = make_structure(name="Sans connexion")
    with (
        task_queued(CONNECTION_TEST_TASK) as tested,
        django_capture_on_commit_callbacks(execute=True),
    ):
        agent_client.post(_url("connection_test", lonely.pk), {"reason": "Essai"})
    tested.assert_not_called()
    record = SupportRecord.objects.get()
    assert record.outcome == "refused" and "Sans connexion" in record.outcome_message


def test_staff_without_the_permission_cannot_run_them(client, make_user, stuck):
    client.force_login(make_user(username="stagiaire", is_staff=True))
    assert client.get(_url("submission_resend", stuck.pk)).status_code == 403
    assert client.post(_url("submission_resend", stuck.pk), {"reason": "x"}).status_code == 403
    assert not SupportRecord.objects.exists()


def test_unknown_actions_and_targets_are_not_found(agent_client, stuck):
    assert agent_client.get(_url("drop_database", stuck.pk)).status_code == 404
    assert agent_client.get(_url("submission_resend", 999999)).status_code == 404


def test_the_support_audit_is_append_only(agent_client, stuck, django_capture_on_commit_callbacks):
    with task_queued(SEND_TASK), django_capture_on_commit_callbacks(execute=True):
        agent_client.post(_url("submission_resend", stuck.pk), {"reason": "Relance"})
    record = SupportRecord.objects.get()
    with pytest.raises(TypeError):
        record.save()
    with pytest.raises(TypeError):
        SupportRecord.objects.update(reason="effacé")
    with pytest.raises(TypeError):
        record.delete()
    changelist = agent_client.get(reverse("admin:support_supportrecord_changelist"))
    assert "Relance" in changelist.text and "Sam Martin" in changelist.text
    change = reverse("admin:support_supportrecord_change", args=[record.pk])
    assert agent_client.post(change, {"reason": "autre"}).status_code == 403
