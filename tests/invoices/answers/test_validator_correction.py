"""A wrong validator (AIFE annex §2.1.1.14, the emulator over HTTP): the structure an A9 invoice
named as validator refuses it as not its own; the supplier names the right one from the
invoice's page, and the same invoice goes back to validation under the same number."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from chorus_client import ChorusRejectedError
from invoices.actions.services import ActionNotAllowedError, action_run
from invoices.answers.validator_correction import invoice_validator_correct
from invoices.models import Invoice, InvoiceAction, Notification
from invoices.retries import RetryLater
from invoices.selectors import invoice_timeline
from invoices.sending.status_sync import status_sync_for_connection
from invoices.sending.submission import invoice_send
from invoices.treatment.services import REFUSAL_REASONS, invoice_refuse, reference_fetch
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection, Structure

pytestmark = pytest.mark.slow

MINISTERE = "11000201100010"
RECTORAT = "17590001800011"
CORRIGER = "factures/v1/corriger/valideur/facture"


def _connection(siret: str) -> ChorusConnection:
    return ChorusConnection.objects.select_related("structure").get(structure__siret=siret)


def _run(action: InvoiceAction) -> InvoiceAction:
    action_run(action_id=action.pk)
    action.refresh_from_db()
    return action


@pytest.fixture
def refused_by(ready_invoice, demo_world):
    """The ready invoice as an A9 invoice naming the Rectorat as its validator, sent, then
    refused by the Rectorat in the portal with ``reason``."""

    def refuse(reason: str, comment: str = "") -> Invoice:
        rectorat = Structure.objects.get(siret=RECTORAT)
        Invoice.objects.filter(pk=ready_invoice.pk).update(
            billing_framework="A9", validator=rectorat, status=Invoice.Status.QUEUED
        )
        assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
        demo_world.advance(10)
        status_sync_for_connection(connection=_connection(ready_invoice.supplier.siret))
        ready_invoice.refresh_from_db()
        assert ready_invoice.chorus_status == "A_VALIDER_1"
        reference_fetch(kind=REFUSAL_REASONS, connection_id=_connection(RECTORAT).pk, value="A9")
        action = invoice_refuse(
            invoice=ready_invoice,
            user=User.objects.get(username="rectorat"),
            structure=rectorat,
            reason_code=reason,
            comment=comment,
        )
        assert _run(action).status == InvoiceAction.Status.DONE
        ready_invoice.refresh_from_db()
        assert ready_invoice.chorus_status == "REFUSEE_1"
        demo_world.clear_calls()
        return ready_invoice

    return refuse


@pytest.fixture
def supplier_client(client):
    client.force_login(User.objects.get(username="fournisseur"))
    return client


def test_the_supplier_names_the_right_validator_and_the_same_invoice_goes_back_to_validation(
    refused_by, supplier_client, client, demo_world, django_capture_on_commit_callbacks
):
    invoice = refused_by("ERREUR_VALIDEUR", "Le Rectorat ne valide pas les factures communales")
    detail = reverse("invoices:detail", args=[invoice.pk])
    page = supplier_client.get(detail).text
    top, panel = page.split('id="supplier-actions"')
    assert 'data-next-step="wrong-validator"' in top and 'href="#validator-correction"' in top
    assert 'id="validator-correction"' in panel
    assert "Rectorat - contrôle de second niveau n’est pas le valideur de cette facture" in panel
    correct = reverse("invoices:validator_correct", args=[invoice.pk])
    assert f'action="{correct}"' in panel
    # Correcting the invoice itself stays possible.
    assert reverse("invoices:correction_create", args=[invoice.pk]) in panel

    response = supplier_client.post(correct, {"validator_siret": "110 002 011 00010"})

    assert response.url == detail
    action = InvoiceAction.objects.get(invoice=invoice, kind="fix_validator")
    assert action.payload == {"validator_siret": MINISTERE}
    with django_capture_on_commit_callbacks(execute=True):
        assert _run(action).status == InvoiceAction.Status.DONE
    invoice.refresh_from_db()
    assert invoice.validator.siret == MINISTERE and invoice.number == "F-2026-0042"
    assert invoice.chorus_status == "A_VALIDER_1"
    assert demo_world.calls()["operations"][CORRIGER] == 1
    # The person who named the validator, in the timeline; the panel says it landed.
    back = invoice_timeline(invoice=invoice)[0]
    assert back.status == "A_VALIDER_1" and back.actor.username == "fournisseur"
    page = supplier_client.get(detail).text
    assert "la facture attend la validation de Ministère - mission de validation" in page
    assert 'id="validator-refusal"' not in page and 'id="validator-correction"' not in page

    # In Chorus Pro and in the portal, the Ministère has it to validate; the Rectorat no longer.
    with chorus_client_for(_connection(MINISTERE)) as ministere:
        assert ministere.validator.get(invoice.chorus_invoice_id).status.value == "A_VALIDER_1"
    with chorus_client_for(_connection(RECTORAT)) as rectorat, pytest.raises(ChorusRejectedError):
        rectorat.validator.get(invoice.chorus_invoice_id)
    client.force_login(User.objects.get(username="rectorat"))
    assert client.get(detail).status_code == 404
    client.force_login(User.objects.get(username="valideur"))
    queue = client.get(reverse("invoices:validator_queue")).context["page"].invoices
    assert [row.pk for row in queue] == [invoice.pk]
    notice = Notification.objects.get(user__username="valideur", invoice=invoice)
    assert "attend votre validation" in notice.message
    assert "valideur@demo.portail.test" in [to for m in mail.outbox for to in m.to]


def test_a_dropped_answer_is_found_done_on_retry_and_the_validator_corrected_once(
    refused_by, demo_world, retry_due
):
    invoice = refused_by("ERREUR_VALIDEUR")
    action = invoice_validator_correct(invoice=invoice, user=None, validator_siret=MINISTERE)
    demo_world.add_fault("drop_after_commit", operation=CORRIGER)

    with pytest.raises(RetryLater):
        action_run(action_id=action.pk)
    retry_due(action)
    assert action_run(action_id=action.pk) == "done"

    action.refresh_from_db()
    assert action.result["already_done"] is True
    assert demo_world.calls()["operations"][CORRIGER] == 1
    invoice.refresh_from_db()
    assert invoice.validator.siret == MINISTERE and invoice.chorus_status == "A_VALIDER_1"


def test_any_other_refusal_is_answered_by_a_corrected_invoice_not_another_validator(
    refused_by, supplier_client
):
    invoice = refused_by("MONTANT_ERRONE", "Le taux horaire dépasse le marché")
    page = supplier_client.get(reverse("invoices:detail", args=[invoice.pk])).text
    assert 'data-next-step="correct"' in page and 'id="validator-correction"' not in page
    correct = reverse("invoices:validator_correct", args=[invoice.pk])
    response = supplier_client.post(correct, {"validator_siret": MINISTERE}, follow=True)
    assert "Seule une facture refusée parce qu’elle désignait le mauvais valideur" in (
        response.text
    )
    with pytest.raises(ActionNotAllowedError):
        invoice_validator_correct(invoice=invoice, user=None, validator_siret=MINISTERE)
    assert not InvoiceAction.objects.filter(kind="fix_validator").exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("11000201100011", "n’est pas un SIRET valide"),
        ("44306184100013", "celui d’une entité publique connue du portail"),
        (RECTORAT, "est le valideur qui a refusé la facture"),
    ],
)
def test_a_validator_the_portal_cannot_name_is_explained_keeping_what_was_typed(
    refused_by, supplier_client, typed, message
):
    invoice = refused_by("ERREUR_VALIDEUR")
    response = supplier_client.post(
        reverse("invoices:validator_correct", args=[invoice.pk]), {"validator_siret": typed}
    )
    assert response.status_code == 200
    assert message in response.text and 'id="errors-validator_siret"' in response.text
    assert f'value="{typed}"' in response.text
    assert not InvoiceAction.objects.filter(kind="fix_validator").exists()


def test_the_validators_of_the_supplier_s_other_invoices_are_suggested(
    refused_by, supplier_client, make_invoice
):
    invoice = refused_by("ERREUR_VALIDEUR")
    ministere = Structure.objects.get(siret=MINISTERE)
    make_invoice(supplier=invoice.supplier, billing_framework="A12", validator=ministere)
    page = supplier_client.get(reverse("invoices:validator_correct", args=[invoice.pk])).text
    assert f'<option value="{MINISTERE}">Ministère - mission de validation</option>' in page
    assert f'<option value="{RECTORAT}"' not in page


def test_a_later_refusal_in_chorus_pro_is_not_explained_by_the_earlier_one(
    refused_by, supplier_client, demo_world
):
    invoice = refused_by("ERREUR_VALIDEUR", "Pas nous")
    action = invoice_validator_correct(invoice=invoice, user=None, validator_siret=MINISTERE)
    assert _run(action).status == InvoiceAction.Status.DONE
    # The Ministère refuses in Chorus Pro's own screens, for another reason.
    demo_world.set_status(
        invoice.chorus_invoice_id, "REFUSEE_1", motif="MONTANT_ERRONE - Taux horaire trop élevé"
    )
    status_sync_for_connection(connection=_connection(invoice.supplier.siret))

    page = supplier_client.get(reverse("invoices:detail", args=[invoice.pk])).text
    assert 'data-refusal-code="MONTANT_ERRONE"' in page and "Taux horaire trop élevé" in page
    assert 'data-next-step="correct"' in page and 'id="validator-correction"' not in page
    assert "Ministère - mission de validation, valideur de la facture, l’a refusée" in page
