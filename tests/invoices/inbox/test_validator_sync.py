"""The validator queue (frameworks A9/A12), synced from Chorus Pro per technical account."""

from decimal import Decimal

import pytest
from django.core import mail

from chorus_client import (
    BillingFramework,
    InvoiceLine,
    ValidatorAction,
    VatLine,
)
from invoices.inbox.services import inbox_sync_for_connection, validations_sync_for_connection
from invoices.models import Invoice, Notification
from invoices.sending.submission import invoice_send
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection, Structure

pytestmark = pytest.mark.slow

COMMUNE = "21750001600019"
MINISTRY = "11000201100010"
BUREAU = "44306184100013"  # a supplier that does not use the portal


@pytest.fixture
def validator_connection(demo_world):
    return ChorusConnection.objects.select_related("structure").get(structure__siret=MINISTRY)


def _calls(emulator, operation):
    return emulator.calls()["operations"].get(operation, 0)


# Bureau Fournitures, a subcontractor outside the portal, invoices the commune (A9).
CABLING_A9 = {
    "framework": BillingFramework.A9_FACTURE_SOUSTRAITANT,
    "validator_structure_code": MINISTRY,
    "lines": (
        InvoiceLine(
            number=1,
            description="Câblage",
            quantity=Decimal(4),
            unit="HUR",
            unit_price_excl_tax=Decimal("100.00"),
            vat_rate=Decimal(20),
        ),
    ),
    "vat_lines": (
        VatLine(taxable_amount=Decimal("400.00"), vat_amount=Decimal("80.00"), rate=Decimal(20)),
    ),
}


def test_an_invoice_to_validate_arrives_in_the_queue_with_its_content(
    validator_connection, demo_world, bureau_submits
):
    chorus_id = bureau_submits("BF-A9-001", **CABLING_A9)
    demo_world.advance(10)  # routed, then A_VALIDER_1

    report = validations_sync_for_connection(connection=validator_connection)

    invoice = Invoice.objects.get(chorus_invoice_id=chorus_id)
    assert report.created == 1
    assert invoice.validator == validator_connection.structure
    assert invoice.recipient.siret == COMMUNE and invoice.service.code == "SERV_TECH"
    assert invoice.supplier == Structure.objects.get(siret=BUREAU)
    assert invoice.billing_framework == "A9" and invoice.chorus_status == "A_VALIDER_1"
    assert (invoice.total_excl_tax, invoice.total_vat) == (Decimal("400.00"), Decimal("80.00"))
    assert list(invoice.lines.values_list("description", flat=True)) == ["Câblage"]
    assert invoice.events.first().status == "A_VALIDER_1"
    assert _calls(demo_world, "factures/v1/rechercher/valideur") == 1
    validator_connection.refresh_from_db()
    assert validator_connection.validations_synced_until is not None


def test_once_validated_the_invoice_reaches_the_recipient_inbox_as_the_same_row(
    validator_connection, demo_world, bureau_submits
):
    chorus_id = bureau_submits("BF-A9-002", **CABLING_A9)
    demo_world.advance(10)
    validations_sync_for_connection(connection=validator_connection)
    with chorus_client_for(validator_connection) as client:
        client.validator.treat(chorus_id, ValidatorAction.VALIDATION)
    demo_world.advance(5)  # VALIDEE_1, then made available to the commune

    commune = ChorusConnection.objects.select_related("structure").get(structure__siret=COMMUNE)
    report = inbox_sync_for_connection(connection=commune)

    assert report.created == 0 and Invoice.objects.filter(chorus_invoice_id=chorus_id).count() == 1
    invoice = Invoice.objects.get(chorus_invoice_id=chorus_id)
    assert invoice.chorus_status == "MISE_A_DISPOSITION"
    assert invoice.validator == validator_connection.structure
    assert invoice.recipient == commune.structure
    statuses = list(invoice.events.values_list("status", flat=True))
    assert statuses[:3] == ["MISE_A_DISPOSITION", "VALIDEE_1", "A_VALIDER_1"]


def test_a_portal_suppliers_invoice_to_validate_stays_one_row(
    validator_connection, demo_world, ready_invoice
):
    Invoice.objects.filter(pk=ready_invoice.pk).update(
        status=Invoice.Status.QUEUED,
        billing_framework="A9",
        validator=validator_connection.structure,
    )
    assert invoice_send(invoice_id=ready_invoice.pk) == "submitted"
    demo_world.advance(10)

    report = validations_sync_for_connection(connection=validator_connection)

    assert report.created == 0 and Invoice.objects.count() == 1
    ready_invoice.refresh_from_db()
    assert ready_invoice.status == Invoice.Status.SUBMITTED
    assert ready_invoice.chorus_status == "A_VALIDER_1"


def test_validators_are_told_of_new_invoices_to_validate_after_the_import(
    validator_connection, demo_world, bureau_submits, django_capture_on_commit_callbacks
):
    bureau_submits("BF-A9-003", **CABLING_A9)
    demo_world.advance(10)
    with django_capture_on_commit_callbacks(execute=True):
        validations_sync_for_connection(connection=validator_connection)
    assert not Notification.objects.exists()

    bureau_submits("BF-A9-004", **CABLING_A9)
    demo_world.advance(10)
    validator_connection.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        report = validations_sync_for_connection(connection=validator_connection)

    assert report.created == 1
    notice = Notification.objects.get(user__username="valideur")
    assert "BF-A9-004" in notice.message and "validation" in notice.message
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["valideur@demo.portail.test"]
