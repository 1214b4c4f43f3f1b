"""The recipient's decision panel, the rejection's confirmation, batches and saved motives."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from invoices.actions.services import ActionNotAllowedError, action_run
from invoices.models import Invoice, InvoiceAction, ReasonTemplate
from invoices.sending.status_sync import status_sync_for_connection
from invoices.sending.submission import invoice_send
from invoices.treatment.reference import _key as reference_key
from invoices.treatment.services import POSSIBLE_STATUSES, invoice_treat, reference_fetch
from structures.models import ChorusConnection, Structure

pytestmark = pytest.mark.slow

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def received(ready_invoice, demo_world):
    Invoice.objects.filter(pk=ready_invoice.pk).update(status=Invoice.Status.QUEUED)
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
    demo_world.advance(10)
    status_sync_for_connection(
        connection=ChorusConnection.objects.get(structure=ready_invoice.supplier)
    )
    ready_invoice.refresh_from_db()
    return ready_invoice


@pytest.fixture
def recipient_client(client, django_user_model, received):
    client.force_login(django_user_model.objects.get(username="commune"))
    return client


def _load_options(invoice, status=None):
    connection = ChorusConnection.objects.get(structure=invoice.recipient)
    reference_fetch(
        kind=POSSIBLE_STATUSES,
        connection_id=connection.pk,
        value=status or invoice.chorus_status,
    )


def test_the_panel_polls_while_the_statuses_load_then_offers_only_chorus_pro_s(
    recipient_client, received
):
    detail = reverse("invoices:detail", args=[received.pk])
    page = recipient_client.get(detail).text
    assert 'data-loading="statuses"' in page
    assert reverse("invoices:treatment_panel", args=[received.pk]) in page
    _load_options(received)
    panel = recipient_client.get(
        reverse("invoices:treatment_panel", args=[received.pk]), **HTMX
    ).text
    assert "every 2s" not in panel
    for status in ("SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT", "SUSPENDUE", "REJETEE"):
        assert f'value="{status}"' in panel
    assert 'value="MISE_A_DISPOSITION"' not in panel


def test_a_suspension_without_motive_is_explained_and_keeps_what_was_typed(
    recipient_client, received
):
    _load_options(received)
    url = reverse("invoices:treat", args=[received.pk])
    response = recipient_client.post(
        url, {"target_status": "SUSPENDUE", "motive": "", "mandate_number": "M-17"}
    )
    assert response.status_code == 200
    assert 'id="errors-motive"' in response.text and 'role="alert"' in response.text
    assert 'value="M-17"' in response.text
    assert re.search(r'value="SUSPENDUE"[^>]*checked', response.text)
    assert not InvoiceAction.objects.exists()


def test_a_motive_over_255_characters_is_refused_and_comes_back_whole(recipient_client, received):
    # Chorus Pro keeps 255 characters of a motive: a longer one is never cut on the way.
    _load_options(received)
    motive = ("Bon de livraison manquant. " * 11).strip()  # 296 characters
    recipient_client.cookies["django_language"] = "en"  # a message new to this part
    response = recipient_client.post(
        reverse("invoices:treat", args=[received.pk]),
        {"target_status": "SUSPENDUE", "motive": motive},
    )
    assert response.status_code == 200
    assert "This text has 296 characters, for 255 at most" in response.text
    assert f"{motive}</textarea>" in response.text
    assert "maxlength" not in response.text.split('name="motive"')[1].split(">")[0]
    assert not InvoiceAction.objects.exists()


def test_a_suspension_is_queued_and_the_page_follows_it_until_it_lands(recipient_client, received):
    _load_options(received)
    response = recipient_client.post(
        reverse("invoices:treat", args=[received.pk]),
        {"target_status": "SUSPENDUE", "motive": "Bon de commande absent"},
    )
    assert response.url == reverse("invoices:detail", args=[received.pk])
    action = InvoiceAction.objects.get()
    assert action.payload == {
        "target_status": "SUSPENDUE",
        "from_status": "MISE_A_DISPOSITION",
        "motive": "Bon de commande absent",
    }
    panel_url = reverse("invoices:treatment_panel", args=[received.pk])
    page = recipient_client.get(response.url).text
    assert f"{panel_url}?action={action.pk}" in page and 'hx-trigger="every 2s"' in page
    still = recipient_client.get(f"{panel_url}?action={action.pk}", **HTMX)
    assert "HX-Refresh" not in still and 'id="treatment-panel"' in still.text
    action_run(action_id=action.pk)
    landed = recipient_client.get(f"{panel_url}?action={action.pk}", **HTMX)
    assert landed["HX-Refresh"] == "true"
    page = recipient_client.get(response.url).text
    assert 'data-action="done"' in page and "Bon de commande absent" in page


def test_a_rejection_asks_for_confirmation_and_proposes_fixable_alternatives(
    recipient_client, received
):
    _load_options(received)
    url = reverse("invoices:treat", args=[received.pk])
    page = recipient_client.post(
        url, {"target_status": "REJETEE", "motive": "Facture en double"}
    ).text
    assert not InvoiceAction.objects.exists()
    assert 'name="alternative" value="SUSPENDUE"' in page
    # Chorus Pro no longer offers recycling (annexe v6.1), so neither does the page: a routing
    # error is a rejection whose motive says where the invoice should go.
    assert 'name="alternative" value="A_RECYCLER"' not in page
    assert 'data-routing-error="reject"' in page and "recycler" in page
    assert reverse("invoices:treat_confirm", args=[received.pk]) in page
    assert 'value="Facture en double"' in page
    # Confirming without the explicit confirmation button does not reject.
    confirm = reverse("invoices:treat_confirm", args=[received.pk])
    recipient_client.post(confirm, {"target_status": "REJETEE", "motive": "Facture en double"})
    assert not InvoiceAction.objects.exists()
    response = recipient_client.post(
        confirm, {"target_status": "REJETEE", "motive": "Facture en double", "confirmed": "1"}
    )
    assert response.status_code == 302
    assert InvoiceAction.objects.get().payload["target_status"] == "REJETEE"


def test_re_routing_is_never_offered_even_where_chorus_pro_still_lists_it(
    recipient_client, received, django_user_model
):
    # Chorus Pro's list of next statuses as it read before recycling was withdrawn.
    connection = ChorusConnection.objects.get(structure=received.recipient)
    cache.set(
        reference_key(POSSIBLE_STATUSES, connection.environment, "MISE_A_DISPOSITION"),
        {"values": ["SUSPENDUE", "A_RECYCLER", "REJETEE", "SERVICE_FAIT"]},
    )
    panel = recipient_client.get(
        reverse("invoices:treatment_panel", args=[received.pk]), **HTMX
    ).text
    assert 'value="SUSPENDUE"' in panel and 'value="A_RECYCLER"' not in panel
    response = recipient_client.post(
        reverse("invoices:treat", args=[received.pk]),
        {"target_status": "A_RECYCLER", "motive": "Service destinataire erroné"},
    )
    assert response.status_code == 200 and 'id="errors-target_status"' in response.text
    assert "Service destinataire erroné" in response.text
    batch = recipient_client.get(reverse("invoices:treat_batch"), {"invoice": received.pk})
    assert 'value="A_RECYCLER"' not in batch.text and 'value="SUSPENDUE"' in batch.text
    with pytest.raises(ActionNotAllowedError):
        invoice_treat(
            invoice=received,
            user=django_user_model.objects.get(username="commune"),
            target_status="A_RECYCLER",
            motive="Service destinataire erroné",
        )
    assert not InvoiceAction.objects.exists()


def test_suspending_instead_of_rejecting_keeps_the_motive(recipient_client, received):
    _load_options(received)
    recipient_client.post(
        reverse("invoices:treat", args=[received.pk]),
        {"target_status": "SUSPENDUE", "motive": "Facture en double", "alternative": "SUSPENDUE"},
    )
    assert InvoiceAction.objects.get().payload["motive"] == "Facture en double"


def test_a_failure_is_explained_next_to_chorus_pro_s_code_and_libelle(
    recipient_client, received, demo_world
):
    _load_options(received)
    recipient_client.post(
        reverse("invoices:treat", args=[received.pk]), {"target_status": "SERVICE_FAIT"}
    )
    demo_world.set_status(received.chorus_invoice_id, "MISE_EN_PAIEMENT")
    action_run(action_id=InvoiceAction.objects.get().pk)
    recipient_client.cookies["django_language"] = "en"
    page = recipient_client.get(reverse("invoices:detail", args=[received.pk])).text
    assert 'data-error-code="20002"' in page
    assert "Chorus Pro refused: the invoice is now “Payment issued” since" in page
    assert "Incohérence au niveau du statut" in page


def test_a_saved_motive_fills_the_motive_with_or_without_javascript(recipient_client, received):
    _load_options(received)
    template = ReasonTemplate.objects.create(
        structure=received.recipient, label="BL", text="Bon de livraison manquant"
    )
    field = recipient_client.get(
        reverse("invoices:reason_template_text"), {"reason_template": template.pk}, **HTMX
    ).text
    assert 'id="motive-field"' in field and "Bon de livraison manquant</textarea>" in field
    recipient_client.post(
        reverse("invoices:treat", args=[received.pk]),
        {"target_status": "SUSPENDUE", "reason_template": template.pk, "motive": ""},
    )
    assert InvoiceAction.objects.get().payload["motive"] == "Bon de livraison manquant"


def test_saved_motives_are_managed_per_structure(recipient_client, received, make_structure):
    url = reverse("invoices:reason_templates")
    response = recipient_client.post(
        url, {"label": "Pièces", "text": "Pièces justificatives manquantes", "use": "suspend"}
    )
    assert response.url == url
    again = recipient_client.post(url, {"label": "Pièces", "text": "Autre", "use": "both"})
    assert again.status_code == 200 and 'id="errors-label"' in again.text
    assert re.search(r">\s*Autre</textarea>", again.text)
    mine = ReasonTemplate.objects.get()
    other = ReasonTemplate.objects.create(
        structure=make_structure(kind=Structure.Kind.PUBLIC), label="X", text="Autre entité"
    )
    assert "Autre entité" not in recipient_client.get(url).text
    remove = "invoices:reason_template_remove"
    assert recipient_client.post(reverse(remove, args=[other.pk])).status_code == 404
    recipient_client.post(reverse(remove, args=[mine.pk]))
    assert list(ReasonTemplate.objects.all()) == [other]


def test_a_batch_previews_each_invoice_then_queues_one_action_each(
    recipient_client, received, make_invoice
):
    paid = make_invoice(
        received.supplier,
        received.recipient,
        status=Invoice.Status.RECEIVED,
        chorus_invoice_id=555001,
        chorus_status="MISE_EN_PAIEMENT",
    )
    url = reverse("invoices:treat_batch")
    ids = {"invoice": [received.pk, paid.pk]}
    first = recipient_client.get(url, ids).text
    assert f'value="{received.pk}"' in first and f'value="{paid.pk}"' in first
    loading = recipient_client.get(url, {**ids, "target_status": "SERVICE_FAIT"}).text
    assert 'data-verdict="loading"' in loading and 'hx-trigger="every 2s"' in loading
    _load_options(received)
    preview = recipient_client.get(url, {**ids, "target_status": "SERVICE_FAIT"}, **HTMX).text
    assert preview.strip().startswith('<section class="card" id="batch-preview"')
    assert f'data-verdict="ok" data-invoice="{received.pk}"' in preview
    assert f'data-verdict="skip" data-invoice="{paid.pk}"' in preview
    response = recipient_client.post(url, {**ids, "target_status": "SERVICE_FAIT"})
    [action] = InvoiceAction.objects.all()
    assert action.invoice == received and action.batch is not None
    assert response.url == reverse("invoices:treat_batch_progress", args=[action.batch])
    progress = recipient_client.get(response.url).text
    assert 'hx-trigger="every 2s"' in progress and 'data-finished="0"' in progress
    assert "Décisions en cours de transmission à Chorus Pro" in progress
    action_run(action_id=action.pk)
    recipient_client.cookies["django_language"] = "en"  # words new to this part
    progress = recipient_client.get(response.url, **HTMX).text
    assert 'data-finished="1"' in progress and "every 2s" not in progress
    # What the page says once all have landed is in the polled region: nothing stays "on
    # its way" next to a row that is done.
    assert "<h1>Decisions recorded by Chorus Pro</h1>" in progress
    assert "on their way" not in progress and "On its way" not in progress
    assert "Recorded: Service certified" in progress


def test_a_batch_rejection_needs_the_confirmation_box(recipient_client, received):
    _load_options(received)
    url = reverse("invoices:treat_batch")
    fields = {"invoice": [received.pk], "target_status": "REJETEE", "motive": "Doublon"}
    preview = recipient_client.get(url, fields).text
    assert 'name="confirmed"' in preview
    response = recipient_client.post(url, fields)
    assert response.status_code == 200 and not InvoiceAction.objects.exists()
    response = recipient_client.post(url, {**fields, "confirmed": "on"})
    assert response.status_code == 302 and InvoiceAction.objects.count() == 1


def test_a_batch_with_an_invoice_of_another_structure_is_not_found(
    recipient_client, received, make_invoice, make_structure
):
    foreign = make_invoice(
        received.supplier,
        make_structure(kind=Structure.Kind.PUBLIC),
        status=Invoice.Status.RECEIVED,
        chorus_invoice_id=555002,
        chorus_status="MISE_A_DISPOSITION",
    )
    url = reverse("invoices:treat_batch")
    assert recipient_client.get(url, {"invoice": [received.pk, foreign.pk]}).status_code == 404
    response = recipient_client.post(
        url, {"invoice": [received.pk, foreign.pk], "target_status": "SERVICE_FAIT"}
    )
    assert response.status_code == 404
    assert recipient_client.get(url, {"invoice": ["x"]}).status_code == 404
    assert not InvoiceAction.objects.exists()


def test_the_treatment_page_groups_the_amount_s_thousands(recipient_client, received):
    page = recipient_client.get(reverse("invoices:treat", args=[received.pk])).text
    assert "1\u00a0646,38\u00a0EUR" in page and "1646,38" not in page
