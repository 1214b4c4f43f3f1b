"""Works pieces deposited outside the portal (in Chorus Pro's own site, or by another
software): the works sync brings the contractor's request to the MOE's queue, and the inbox
sync brings the owner's payable piece to its inbox, marked as a works invoice."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from chorus_client import (
    AttachmentUpload,
    BillingFramework,
    InvoiceTotals,
    MainAttachment,
    WorksParty,
    WorksSubmission,
)
from invoices.inbox.services import inbox_sync_for_connection
from invoices.models import Invoice, WorksPiece
from invoices.works.sync import works_sync_for_connection
from structures.chorus import chorus_client_for

from .conftest import CONTRACTOR, MOE, OWNER, ROUTING, connection

pytestmark = pytest.mark.slow
PDF = b"%PDF-1.4\n% works piece\n" + bytes(range(256)) + b"\n%%EOF\n"


def deposit(siret: str, framework, number: str, *, previous: int | None = None) -> int:
    """A piece deposited with the structure's own technical account, outside the portal."""
    with chorus_client_for(connection(siret)) as client:
        attachment_id = client.transverses.upload_attachment(
            AttachmentUpload(file_name="situation.pdf", content=PDF)
        )
        parties = {}
        if previous is None:
            parties = {
                "supplier_id": 26000004,
                "recipient_siret": OWNER,
                "recipient_service_code": "SERV_TECH",
                "project_manager": WorksParty(identifier=MOE, service_code="DIR_TRAVAUX"),
                "project_owner": WorksParty(identifier=OWNER, service_code="SERV_TECH"),
                "contract_number": "MT-2026-014",
            }
        submitted = client.works.submit(
            WorksSubmission(
                framework=framework,
                invoice_number=number,
                invoice_date=date(2026, 4, 30),
                previous_piece_id=previous,
                totals=InvoiceTotals(
                    total_excl_tax=Decimal("50000.00"),
                    total_vat=Decimal("10000.00"),
                    total_incl_tax=Decimal("60000.00"),
                    amount_due=Decimal("57000.00"),
                ),
                main_attachment=MainAttachment(
                    attachment_id=attachment_id, designation="situation.pdf"
                ),
                **parties,
            )
        )
    return submitted.works_invoice_id


def test_a_request_deposited_elsewhere_reaches_the_moes_queue_and_its_payable_piece_the_inbox(
    client, demo_world, users
):
    request_id = deposit(
        CONTRACTOR, BillingFramework.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, "SIT-EXT-04"
    )
    demo_world.advance(ROUTING)
    report = works_sync_for_connection(connection=connection(MOE))
    assert report.created == 1
    request = Invoice.objects.get(chorus_invoice_id=request_id)
    assert request.source == Invoice.Source.CHORUS and request.chorus_status == "A_ASSOCIER_MOE"
    assert request.works.contract.number == "MT-2026-014"
    client.force_login(users["moe"])
    queue = client.get(reverse("invoices:works_moe_queue"))
    assert [row["piece"].invoice_id for row in queue.context["rows"]] == [request.pk]

    statement_id = deposit(
        MOE, BillingFramework.A15_ETAT_ACOMPTE_MOE, "EA-EXT-04", previous=request_id
    )
    demo_world.advance(ROUTING)
    payable_id = deposit(
        OWNER, BillingFramework.A19_ETAT_ACOMPTE_VALIDE_MOA, "EV-EXT-04", previous=statement_id
    )
    demo_world.advance(ROUTING)

    # Only the inbox sync has run for the owner: the works invoice arrives through it.
    inbox_sync_for_connection(connection=connection(OWNER))
    payable = Invoice.objects.get(chorus_invoice_id=payable_id)
    assert payable.chorus_status == "MISE_A_DISPOSITION" and payable.amount_due == Decimal(
        "57000.00"
    )
    assert WorksPiece.objects.get(invoice=payable).works_type == "ETAT_ACOMPTE_VALIDE"
    client.force_login(users["commune"])
    inbox = client.get(reverse("invoices:recipient_inbox"), {"works": "yes"})
    assert [invoice.pk for invoice in inbox.context["page"].invoices] == [payable.pk]
    # The works statements between the parties never reach the inbox.
    everything = client.get(reverse("invoices:recipient_inbox"))
    assert request.pk not in [invoice.pk for invoice in everything.context["page"].invoices]

    # The owner's works sync then chains it to its contract and the pieces before it.
    works_sync_for_connection(connection=connection(OWNER))
    piece = WorksPiece.objects.get(invoice=payable)
    assert piece.framework == "A19_ETAT_ACOMPTE_VALIDE_MOA" and piece.contract is not None
    page = client.get(reverse("invoices:detail", args=[payable.pk]))
    assert "data-works-panel" in page.content.decode()
