"""Two validation levels (the emulator, over HTTP): the Université requires a second validation
of invoices with a validator. Once the Ministère validates, the invoice waits for the Rectorat
(A_VALIDER_2), which validates (VALIDEE_2, then the Université) or refuses (REFUSEE_2)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

import chorus_client
from chorus_client import (
    BillingFramework,
    ValidatorAction,
    VatLine,
)
from invoices.actions.services import ActionNotAllowedError, action_run
from invoices.drafting.services import invoice_totals_refresh
from invoices.inbox.scheduling import VALIDATOR, connections_due_for_inbox_sync
from invoices.inbox.services import validations_sync_for_connection
from invoices.models import Invoice, InvoiceAction, InvoiceLine, Notification
from invoices.payment_clock import ClockState, payment_clock_for
from invoices.selectors import invoice_timeline
from invoices.sending.status_sync import status_sync_for_connection
from invoices.sending.submission import invoice_send
from invoices.treatment.services import (
    REFUSAL_REASONS,
    invoice_refuse,
    invoice_validate,
    reference_fetch,
)
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection, Structure

pytestmark = pytest.mark.slow

HTMX = {"HTTP_HX_REQUEST": "true"}
ATELIER = "12345678200010"
MINISTERE = "11000201100010"
RECTORAT = "17590001800011"
UNIVERSITE = "18004100600016"
BUREAU = "44306184100013"


def _connection(siret: str) -> ChorusConnection:
    return ChorusConnection.objects.select_related("structure").get(structure__siret=siret)


def _run(action: InvoiceAction) -> InvoiceAction:
    action_run(action_id=action.pk)
    action.refresh_from_db()
    return action


@pytest.fixture
def universite(demo_world):
    """The Université as the supplier's directory lookup stores it (it does not use the portal)."""
    return Structure.objects.create(
        siret=UNIVERSITE,
        name="Université de Sainte-Marie",
        kind=Structure.Kind.PUBLIC,
        chorus_id=25000003,
        service_or_commitment_required=True,
    )


@pytest.fixture
def at_second_level(universite, django_user_model, demo_world):
    """Atelier Numérique's A9 invoice to the Université, validated by the Ministère in the
    portal, now waiting for the Rectorat in Chorus Pro (the portal has not seen it move yet)."""
    invoice = Invoice.objects.create(
        supplier=Structure.objects.get(siret=ATELIER),
        recipient=universite,
        commitment_number="EJ-2026-0100",
        validator=Structure.objects.get(siret=MINISTERE),
        billing_framework="A9",
        number="F-2026-0201",
        issue_date=date(2026, 11, 20),
        payment_mode="transfer",
        status=Invoice.Status.QUEUED,
        created_by=django_user_model.objects.get(username="fournisseur"),
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        description="Sous-traitance : capteurs",
        quantity=Decimal(1),
        unit_price=Decimal("1960.00"),
        vat_rate=Decimal(20),
    )
    invoice_totals_refresh(invoice=invoice)
    assert invoice_send(invoice_id=invoice.pk) == "submitted"
    demo_world.advance(10)
    status_sync_for_connection(connection=_connection(ATELIER))
    invoice.refresh_from_db()
    assert invoice.chorus_status == "A_VALIDER_1"
    valideur = django_user_model.objects.get(username="valideur")
    action = invoice_validate(invoice=invoice, user=valideur, structure=invoice.validator)
    assert _run(action).status == InvoiceAction.Status.DONE
    demo_world.advance(5)  # VALIDEE_1, then A_VALIDER_2 for the Rectorat
    invoice.refresh_from_db()
    return invoice


@pytest.fixture
def rectorat_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="rectorat"))
    return client


@pytest.fixture
def rectorat(django_user_model):
    return django_user_model.objects.get(username="rectorat")


def _rectorat_sync(invoice):
    report = validations_sync_for_connection(connection=_connection(RECTORAT))
    invoice.refresh_from_db()
    return report


def test_the_rectorat_finds_the_invoice_once_validated_and_its_validation_reaches_the_recipient(
    at_second_level, rectorat_client, rectorat, demo_world
):
    invoice = at_second_level
    detail = reverse("invoices:detail", args=[invoice.pk])
    # Before Chorus Pro shows it the invoice, the Rectorat's space does not have it.
    assert rectorat_client.get(detail).status_code == 404

    report = _rectorat_sync(invoice)

    assert report.created == 0 and report.updated == 1
    assert invoice.second_validator.siret == RECTORAT and invoice.validator.siret == MINISTERE
    assert invoice.chorus_status == "A_VALIDER_2"
    queue = rectorat_client.get(reverse("invoices:validator_queue"))
    assert [row.pk for row in queue.context["page"].invoices] == [invoice.pk]
    reference_fetch(kind=REFUSAL_REASONS, connection_id=_connection(RECTORAT).pk, value="A9")
    page = rectorat_client.get(detail).text
    assert "Seconde validation" in page and 'data-level="2"' in page
    assert reverse("invoices:validate", args=[invoice.pk]) in page

    response = rectorat_client.post(
        reverse("invoices:validate", args=[invoice.pk]),
        {
            "decision": "validate",
            "comment": "Contrôle de second niveau : conforme",
            "confirmed": "on",
        },
    )
    assert response.status_code == 302
    action = InvoiceAction.objects.get(invoice=invoice, kind="validate", payload__level=2)
    assert _run(action).status == InvoiceAction.Status.DONE
    invoice.refresh_from_db()
    assert invoice.chorus_status == "VALIDEE_2"
    # The page follows the invoice while Chorus Pro routes it to the Université.
    assert invoice.in_transit
    decided = invoice_timeline(invoice=invoice)[0]
    assert decided.status == "VALIDEE_2" and decided.actor == rectorat
    page = rectorat_client.get(detail).text
    assert "Seconde validation" in page and 'data-level="2"' not in page
    assert "Second valideur</dt><dd>Rectorat - contrôle de second niveau" in page
    demo_world.advance(5)
    with chorus_client_for(_connection(RECTORAT)) as client:
        assert client.validator.get(invoice.chorus_invoice_id).status.value == (
            "MISE_A_DISPOSITION"
        )


def test_the_first_validator_does_not_decide_at_the_second_level(
    at_second_level, client, django_user_model
):
    invoice = at_second_level
    _rectorat_sync(invoice)
    ministere = invoice.validator
    with pytest.raises(ActionNotAllowedError):
        invoice_validate(
            invoice=invoice,
            user=django_user_model.objects.get(username="valideur"),
            structure=ministere,
        )
    client.force_login(django_user_model.objects.get(username="valideur"))
    page = client.get(reverse("invoices:detail", args=[invoice.pk])).text
    # The Ministère still sees the invoice it validated, with its own decision, and no form.
    assert "Vous avez validé cette facture" in page
    assert reverse("invoices:validate", args=[invoice.pk]) not in page
    # In its queue the invoice is among the validated ones, not among those awaiting it.
    queue = reverse("invoices:validator_queue")
    assert invoice not in client.get(queue).context["page"].invoices
    assert invoice in client.get(queue, {"status": "validated"}).context["page"].invoices
    assert not InvoiceAction.objects.filter(invoice=invoice, payload__level=2).exists()


def test_a_refusal_at_the_second_level_is_explained_and_no_payment_clock_runs(
    at_second_level, rectorat, client, django_user_model
):
    invoice = at_second_level
    _rectorat_sync(invoice)
    rectorat_structure = invoice.second_validator
    reference_fetch(kind=REFUSAL_REASONS, connection_id=_connection(RECTORAT).pk, value="A9")
    action = invoice_refuse(
        invoice=invoice,
        user=rectorat,
        structure=rectorat_structure,
        reason_code="MONTANT_ERRONE",
        comment="Le montant dépasse l'acte spécial",
    )
    assert _run(action).status == InvoiceAction.Status.DONE
    invoice.refresh_from_db()
    assert invoice.chorus_status == "REFUSEE_2"
    assert payment_clock_for(invoice=invoice).state == ClockState.REFUSED

    client.force_login(django_user_model.objects.get(username="fournisseur"))
    page = client.get(reverse("invoices:detail", args=[invoice.pk])).text
    top = page.split('id="supplier-actions"')[0]
    assert "Rectorat - contrôle de second niveau, valideur de second niveau, l’a refusée" in top
    assert "Motif\u00a0: <strong>Montant erroné</strong>" in top
    assert 'data-next-step="correct"' in top
    assert reverse("invoices:correction_create", args=[invoice.pk]) in page
    home = client.get(reverse("invoices:supplier_home"))
    assert home.context["summary"].awaiting_payment_count == 0
    # The Rectorat's queue keeps it among its refusals.
    client.force_login(rectorat)
    refused = client.get(reverse("invoices:validator_queue"), {"status": "refused"})
    assert [row.pk for row in refused.context["page"].invoices] == [invoice.pk]


def test_an_invoice_from_a_supplier_outside_the_portal_arrives_with_both_validators(
    universite, demo_world, bureau_submits, django_capture_on_commit_callbacks
):
    # A first cycle with nothing to import, so that the next one tells the Rectorat's agents.
    validations_sync_for_connection(connection=_connection(RECTORAT))
    chorus_id = bureau_submits(
        "BF-U-001",
        recipient_siret=UNIVERSITE,
        recipient_service_code="SERV_RECHERCHE",
        framework=BillingFramework.A12_FACTURE_COTRAITANT,
        validator_structure_code=MINISTERE,
        lines=(
            chorus_client.InvoiceLine(
                number=1,
                description="Co-traitance : fournitures de laboratoire",
                quantity=Decimal(1),
                unit="C62",
                unit_price_excl_tax=Decimal("500.00"),
                vat_rate=Decimal(20),
            ),
        ),
        vat_lines=(
            VatLine(
                taxable_amount=Decimal("500.00"), vat_amount=Decimal("100.00"), rate=Decimal(20)
            ),
        ),
    )
    demo_world.advance(10)
    with chorus_client_for(_connection(MINISTERE)) as ministere:
        ministere.validator.treat(chorus_id, ValidatorAction.VALIDATION)
    demo_world.advance(5)

    with django_capture_on_commit_callbacks(execute=True):
        report = validations_sync_for_connection(connection=_connection(RECTORAT))

    invoice = Invoice.objects.get(chorus_invoice_id=chorus_id)
    assert report.created == 1
    assert invoice.second_validator.siret == RECTORAT
    assert invoice.validator.siret == MINISTERE and invoice.chorus_status == "A_VALIDER_2"
    notice = Notification.objects.get(user__username="rectorat")
    assert "BF-U-001" in notice.message
    assert mail.outbox[-1].to == ["rectorat@demo.portail.test"]


def test_the_rectorat_is_polled_often_while_the_supplier_answers_its_refusal(at_second_level):
    invoice = at_second_level
    _rectorat_sync(invoice)
    ChorusConnection.objects.filter(structure__siret=RECTORAT).update(
        validations_synced_until=timezone.now() - timedelta(minutes=2)
    )
    # Waiting for the Rectorat's own decision: polled at the quiet pace.
    assert _connection(RECTORAT) not in connections_due_for_inbox_sync(side=VALIDATOR)
    Invoice.objects.filter(pk=invoice.pk).update(chorus_status="REFUSEE_2")
    assert _connection(RECTORAT) in connections_due_for_inbox_sync(side=VALIDATOR)
