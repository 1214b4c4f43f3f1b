"""The whole journey against both emulators over HTTP: connect, read the invoices to public
entities, import, send through the portal's checks, Chorus Pro pays (or rejects), and the
settlement (or a note) appears in Facturation.pro. Workers' parts run where workers run them."""

from decimal import Decimal

import pytest

from connectors.facturation_pro.models import FproInvoice
from facturation_pro_client import FacturationProClient, FacturationProConfig
from invoices.models import Invoice
from invoices.sending.status_sync import status_sync_for_connection
from structures.models import ChorusConnection

from .conftest import ATELIER_API_ID, ATELIER_FIRM, ATELIER_KEY, ATELIER_SIRET

pytestmark = pytest.mark.slow
PAGE = "/fournisseur/logiciel-de-facturation/"
PUBLIC_NUMBERS = {
    "AN-202606-57", "AN-202606-58", "AN-202607-59", "AN-202608-61", "AN-202609-62",
    "AN-202609-63", "AN-202610-65", "AN-202611-67", "AN-202611-68",
}  # fmt: skip
PRIVATE_NUMBERS = {"AN-202607-60", "AN-202610-64", "AN-202611-66"}


def _fpro_client(fpro) -> FacturationProClient:
    return FacturationProClient(
        FacturationProConfig(
            api_id=ATELIER_API_ID,
            api_key=ATELIER_KEY,
            firm_id=ATELIER_FIRM,
            user_agent="PortailTests (tests@portail.example)",
            base_url=fpro.base_url,
        )
    )


def _row(number: str) -> FproInvoice:
    return FproInvoice.objects.select_related("invoice").get(number=number)


def _connected(client, workers) -> None:
    client.post(
        PAGE + "connexion/",
        {"api_id": ATELIER_API_ID, "api_key": ATELIER_KEY, "firm_id": ATELIER_FIRM},
    )
    workers.run(only="facturation_pro.connection_test")
    workers.run(only="facturation_pro.catalogue_sync")


def _sync_statuses(django_capture_on_commit_callbacks) -> None:
    connection = ChorusConnection.objects.select_related("structure").get(
        structure__siret=ATELIER_SIRET
    )
    with django_capture_on_commit_callbacks(execute=True):
        status_sync_for_connection(connection=connection)


def test_an_invoice_made_in_facturation_pro_reaches_chorus_pro_and_comes_back_paid(
    supplier_client, fpro_world, workers, demo_world, django_capture_on_commit_callbacks
):
    _connected(supplier_client, workers)

    # Only the finalised invoices whose customer's SIRET is a public entity of Chorus Pro.
    page = supplier_client.get(PAGE).content.decode()
    assert set(FproInvoice.objects.values_list("number", flat=True)) == PUBLIC_NUMBERS
    for number in PRIVATE_NUMBERS:
        assert number not in page
    # The Commune routes by service: asked once for the customer.
    assert "Services de vos clients publics" in page
    assert "Commune de Villeneuve" in page

    commune_row, drfip_row = _row("AN-202609-62"), _row("AN-202611-67")
    supplier_client.post(PAGE + "importer/", {"invoice": [commune_row.pk, drfip_row.pk]})
    workers.run(only="facturation_pro.import_run")
    commune_row.refresh_from_db()
    assert commune_row.state == "failed"
    assert "Choisissez ci-dessous le service de Commune de Villeneuve" in (
        supplier_client.get(PAGE).content.decode()
    )

    service = commune_row.customer.recipient.services.get(code="SERV_TECH")
    supplier_client.post(
        PAGE + f"clients/{commune_row.customer_id}/service/", {"service": service.pk}
    )
    supplier_client.post(PAGE + "importer/", {"invoice": [commune_row.pk]})
    workers.run(only="facturation_pro.import_run")

    commune_row, drfip_row = _row("AN-202609-62"), _row("AN-202611-67")
    commune, drfip = commune_row.invoice, drfip_row.invoice
    assert commune.status == "draft" and commune.number == "AN-202609-62"
    assert commune.recipient.siret == "21750001600019" and commune.service == service
    assert (commune.total_excl_tax, commune.total_vat, commune.total_incl_tax) == (
        Decimal("1335.00"),
        Decimal("267.00"),
        Decimal("1602.00"),
    )
    assert str(commune.issue_date) == "2026-09-15"
    assert drfip.commitment_number == "EJ-2026-0001"
    assert drfip.recipient.siret == "13000261100015"
    assert drfip.lines.count() >= 1 and drfip.vat_lines.get().rate == Decimal("20.00")

    # Importing again creates nothing, whether chosen again or with "all new ones".
    invoices_before = Invoice.objects.count()
    supplier_client.post(PAGE + "importer/", {"invoice": [commune_row.pk, drfip_row.pk]})
    workers.run(only="facturation_pro.import_run")
    assert Invoice.objects.count() == invoices_before
    supplier_client.post(PAGE + "importer/", {"all": "1"})
    workers.run(only="facturation_pro.import_run")
    newly_imported = FproInvoice.objects.filter(state="imported").count() - 2
    assert Invoice.objects.count() == invoices_before + newly_imported
    assert Invoice.objects.filter(number__in=["AN-202609-62", "AN-202611-67"]).count() == 2

    # Sent through the browser's own pre-flight check and exactly-once submission.
    supplier_client.post(PAGE + "envoyer/", {"invoice": [commune_row.pk, drfip_row.pk]})
    assert workers.names().count("invoices.send") == 2
    workers.run(only="invoices.send")
    commune.refresh_from_db()
    drfip.refresh_from_db()
    assert commune.status == "submitted" and commune.chorus_invoice_id
    assert drfip.status == "submitted" and drfip.chorus_invoice_id

    # Chorus Pro routes, then pays the Commune's invoice and rejects the DRFiP's.
    demo_world.advance(10)
    _sync_statuses(django_capture_on_commit_callbacks)
    demo_world.set_status(commune.chorus_invoice_id, "MISE_EN_PAIEMENT")
    demo_world.set_status(drfip.chorus_invoice_id, "REJETEE", motif="Engagement soldé")
    _sync_statuses(django_capture_on_commit_callbacks)
    workers.run(only="facturation_pro.write_back")

    with _fpro_client(fpro_world) as client:
        paid = client.get_invoice(commune_row.fpro_id)
        rejected = client.get_invoice(drfip_row.fpro_id)
    assert paid.is_paid and paid.balance == 0
    (settlement,) = paid.settlements
    assert settlement.amount == Decimal("1602.00")
    assert settlement.payment_ref == f"Chorus Pro {commune.chorus_invoice_id}"
    assert paid.api_id == commune.chorus_invoice_id
    assert rejected.api_id == drfip.chorus_invoice_id
    assert "Engagement soldé" in rejected.internal_note
    assert not rejected.is_paid

    page = supplier_client.get(PAGE).content.decode()
    assert "Mise en paiement" in page
    assert "Règlement enregistré" in page
