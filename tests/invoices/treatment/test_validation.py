"""The validator's decisions (A9/A12 invoices): validate, or refuse with Chorus Pro's reason."""

import pytest
from django.urls import reverse

from invoices.actions.services import ActionNotAllowedError, action_run
from invoices.models import Invoice, InvoiceAction
from invoices.sending.status_sync import status_sync_for_connection
from invoices.sending.submission import invoice_send
from invoices.treatment.services import (
    REFUSAL_REASONS,
    invoice_refusal_reasons,
    invoice_refuse,
    invoice_validate,
    reference_fetch,
)
from structures.models import ChorusConnection, Structure

pytestmark = pytest.mark.slow

HTMX = {"HTTP_HX_REQUEST": "true"}
VALIDATOR_SIRET = "11000201100010"


@pytest.fixture
def to_validate(ready_invoice, demo_world):
    """A subcontractor's invoice (A9) naming the Ministère as validator, awaiting validation."""
    Invoice.objects.filter(pk=ready_invoice.pk).update(
        billing_framework="A9",
        validator=Structure.objects.get(siret=VALIDATOR_SIRET),
        status=Invoice.Status.QUEUED,
    )
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
    demo_world.advance(10)
    status_sync_for_connection(
        connection=ChorusConnection.objects.get(structure=ready_invoice.supplier)
    )
    ready_invoice.refresh_from_db()
    assert ready_invoice.chorus_status == "A_VALIDER_1"
    return ready_invoice


@pytest.fixture
def validator(django_user_model):
    return django_user_model.objects.get(username="valideur")


@pytest.fixture
def validator_client(client, validator):
    client.force_login(validator)
    return client


def _load_reasons(invoice):
    connection = ChorusConnection.objects.get(structure=invoice.validator)
    reference_fetch(
        kind=REFUSAL_REASONS, connection_id=connection.pk, value=invoice.billing_framework
    )


def _run(action):
    action_run(action_id=action.pk)
    action.refresh_from_db()
    return action


def test_a_validation_reaches_chorus_pro_and_the_history_shows_it(to_validate, validator):
    action = invoice_validate(
        invoice=to_validate,
        user=validator,
        structure=to_validate.validator,
        comment="Conforme au marché",
    )
    action = _run(action)
    assert action.status == InvoiceAction.Status.DONE
    to_validate.refresh_from_db()
    assert to_validate.chorus_status == "VALIDEE_1"
    assert to_validate.events.first().status == "VALIDEE_1"


def test_a_refusal_takes_one_of_chorus_pro_s_reasons_and_a_comment(to_validate, validator):
    assert invoice_refusal_reasons(invoice=to_validate).loading
    _load_reasons(to_validate)
    reasons = invoice_refusal_reasons(invoice=to_validate).values
    assert {"code": "MONTANT_ERRONE", "label": "Montant erroné"} in reasons
    with pytest.raises(ActionNotAllowedError) as refused:
        invoice_refuse(
            invoice=to_validate,
            user=validator,
            structure=to_validate.validator,
            reason_code="INVENTE",
        )
    assert refused.value.field == "refusal_reason"
    action = invoice_refuse(
        invoice=to_validate,
        user=validator,
        structure=to_validate.validator,
        reason_code="MONTANT_ERRONE",
        comment="Le taux horaire dépasse le marché",
    )
    assert _run(action).status == InvoiceAction.Status.DONE
    to_validate.refresh_from_db()
    assert to_validate.chorus_status == "REFUSEE_1"
    comment = to_validate.events.first().comment
    assert "MONTANT_ERRONE" in comment and "Le taux horaire dépasse le marché" in comment


def test_an_invoice_no_longer_awaiting_validation_cannot_be_decided(to_validate, validator):
    Invoice.objects.filter(pk=to_validate.pk).update(chorus_status="VALIDEE_1")
    to_validate.refresh_from_db()
    with pytest.raises(ActionNotAllowedError):
        invoice_validate(invoice=to_validate, user=validator, structure=to_validate.validator)
    assert not InvoiceAction.objects.exists()


def test_a_decision_chorus_pro_refuses_says_what_really_happened(
    to_validate, validator, demo_world
):
    action = invoice_validate(invoice=to_validate, user=validator, structure=to_validate.validator)
    demo_world.set_status(to_validate.chorus_invoice_id, "REFUSEE_1", motif="Autre valideur")
    action = _run(action)
    assert action.status == InvoiceAction.Status.FAILED and action.error_code == "20002"
    assert action.result["actual_status"] == "REFUSEE_1"
    to_validate.refresh_from_db()
    assert to_validate.chorus_status == "REFUSEE_1"


def test_the_validator_page_offers_both_decisions_once_the_reasons_are_loaded(
    to_validate, validator_client
):
    detail = reverse("invoices:detail", args=[to_validate.pk])
    page = validator_client.get(detail).text
    assert 'data-loading="reasons"' in page and 'hx-trigger="every 2s"' in page
    _load_reasons(to_validate)
    panel = validator_client.get(
        reverse("invoices:treatment_panel", args=[to_validate.pk]), **HTMX
    ).text
    assert 'id="decision-panel"' in panel and "every 2s" not in panel
    assert 'value="MONTANT_ERRONE"' in panel
    assert reverse("invoices:validate", args=[to_validate.pk]) in panel


def test_a_refusal_without_reason_keeps_the_comment_and_queues_nothing(
    to_validate, validator_client
):
    _load_reasons(to_validate)
    url = reverse("invoices:validate", args=[to_validate.pk])
    response = validator_client.post(
        url, {"decision": "refuse", "refusal_reason": "", "comment": "Heures non prévues"}
    )
    assert response.status_code == 200
    assert "Heures non prévues" in response.text
    assert 'id="errors-refusal_reason"' in response.text
    assert 'role="alert"' in response.text
    assert not InvoiceAction.objects.exists()


def test_the_validator_validates_from_the_page_and_follows_the_decision(
    to_validate, validator_client
):
    _load_reasons(to_validate)
    validate = reverse("invoices:validate", args=[to_validate.pk])
    asked = validator_client.post(validate, {"decision": "validate", "comment": "Conforme"})
    # A validation is asked again before it is sent, as a rejection is.
    assert asked.status_code == 200
    assert "Valider la facture" in asked.text and "ne peut pas être reprise" in asked.text
    assert 'name="confirmed"' in asked.text and 'value="Conforme"' in asked.text
    assert not InvoiceAction.objects.exists()
    response = validator_client.post(
        validate, {"decision": "validate", "comment": "Conforme", "confirmed": "on"}
    )
    assert response.url == reverse("invoices:detail", args=[to_validate.pk])
    action = InvoiceAction.objects.get()
    assert action.kind == InvoiceAction.Kind.VALIDATE
    panel_url = reverse("invoices:treatment_panel", args=[to_validate.pk])
    page = validator_client.get(response.url).text
    assert f"{panel_url}?action={action.pk}" in page
    _run(action)
    finished = validator_client.get(f"{panel_url}?action={action.pk}", **HTMX)
    assert finished["HX-Refresh"] == "true"


def test_another_structure_s_validator_cannot_see_the_invoice(
    to_validate, client, make_user, make_structure
):
    other = make_structure(kind=Structure.Kind.PUBLIC)
    client.force_login(make_user((other, "validator")))
    assert client.get(reverse("invoices:detail", args=[to_validate.pk])).status_code == 404
    response = client.post(
        reverse("invoices:validate", args=[to_validate.pk]), {"decision": "validate"}
    )
    assert response.status_code == 404
    assert not InvoiceAction.objects.exists()


@pytest.fixture
def supplier_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="fournisseur"))
    return client


def _supplier_sync(invoice):
    connection = ChorusConnection.objects.get(structure=invoice.supplier)
    status_sync_for_connection(connection=connection)
    invoice.refresh_from_db()


def test_the_supplier_reads_a_refusal_in_plain_words_with_what_to_do_next(
    to_validate, supplier_client, demo_world
):
    # The validator refused in Chorus Pro itself: the portal only has the history's comment.
    demo_world.set_status(
        to_validate.chorus_invoice_id,
        "REFUSEE_1",
        motif="MONTANT_ERRONE - Le taux horaire dépasse le marché",
    )
    _supplier_sync(to_validate)
    detail = reverse("invoices:detail", args=[to_validate.pk])

    # Chorus Pro's list of reasons is read by a worker the first time; the banner waits for it.
    page = supplier_client.get(detail).text
    top = page.split('id="supplier-actions"')[0]
    assert 'id="validator-refusal"' in top and "every 3s" in top
    _load_reasons(to_validate)
    region = supplier_client.get(f"{detail}?region=progress", **HTMX).text
    assert "every 3s" not in region.split("</div>")[0]

    page = supplier_client.get(detail).text
    top = page.split('id="supplier-actions"')[0]
    assert "Motif\u00a0: <strong>Montant erroné</strong>" in top
    assert "Le valideur a écrit\u00a0: «\u00a0Le taux horaire dépasse le marché\u00a0»" in top
    assert "aucun délai de paiement ne court" in top
    assert "MONTANT_ERRONE - " not in page  # the history says it in plain words too
    # The next step is the corrected invoice; a credit note would cancel nothing.
    assert reverse("invoices:correction_create", args=[to_validate.pk]) in page
    assert reverse("invoices:credit_note_create", args=[to_validate.pk]) not in page
    assert "Refusée par le valideur\u00a0: aucun paiement dû" in page
    home = supplier_client.get(reverse("invoices:supplier_home"))
    assert home.context["summary"].awaiting_payment_count == 0

    response = supplier_client.post(reverse("invoices:correction_create", args=[to_validate.pk]))
    draft = Invoice.objects.get(replaces=to_validate)
    assert response.url == reverse("invoices:edit", args=[draft.pk])
    assert draft.validator_id == to_validate.validator_id and draft.number == ""


def test_a_refusal_made_in_the_portal_is_explained_from_the_validator_s_own_choice(
    to_validate, validator, supplier_client
):
    _load_reasons(to_validate)
    action = invoice_refuse(
        invoice=to_validate,
        user=validator,
        structure=to_validate.validator,
        reason_code="ERREUR_VALIDEUR",
        comment="Pas nous",
    )
    _run(action)
    page = supplier_client.get(reverse("invoices:detail", args=[to_validate.pk])).text
    assert "Erreur dans les données d&#x27;acheminement vers le valideur" in page
    assert 'data-next-step="wrong-validator"' in page
