"""Reads of the connector, scoped to the user's space: a structure sees only its own account,
customers, invoices and runs (another structure's id is a 404)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from connectors.facturation_pro.importing import fpro_import_refusal
from connectors.facturation_pro.models import (
    FproConnection,
    FproCustomer,
    FproImportRun,
    FproInvoice,
    FproWriteBack,
)
from connectors.facturation_pro.remote import OUTCOME_MESSAGES
from portal.spaces import Space
from structures.models import Membership, Service

PAGE_LENGTH = 200


def fpro_connection_for_space(*, space: Space) -> FproConnection | None:
    return FproConnection.objects.filter(structure=space.structure).first()


def fpro_may_connect(*, user, space: Space) -> bool:
    """Connecting the account (its key) is for the structure's managers."""
    return Membership.objects.filter(
        user=user, structure=space.structure, role=Membership.Role.STRUCTURE_MANAGER
    ).exists()


def fpro_invoices_for_space(*, space: Space, ids: list[int] | None = None) -> QuerySet[FproInvoice]:
    rows = FproInvoice.objects.filter(connection__structure=space.structure).select_related(
        "customer", "invoice"
    )
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.prefetch_related(
        Prefetch("write_backs", queryset=FproWriteBack.objects.order_by("created_at"))
    )


def fpro_invoice_counts(*, connection: FproConnection) -> dict[str, int]:
    counts = connection.remote_invoices.values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in counts}


def fpro_customers_to_complete(*, connection: FproConnection) -> list[FproCustomer]:
    """Public customers whose recipient routes by service and for whom none is chosen yet,
    with the recipient's active services to choose from."""
    customers = connection.customers.filter(
        directory=FproCustomer.Directory.PUBLIC, recipient__isnull=False
    ).select_related("recipient", "service")
    chosen = []
    for customer in customers:
        recipient = customer.recipient
        if recipient.service_code_required or recipient.service_or_commitment_required:
            customer.service_choices = list(
                Service.objects.filter(structure=recipient, is_active=True).order_by("code")
            )
            chosen.append(customer)
    return chosen


def fpro_customer_for_space(*, space: Space, customer_id: int) -> FproCustomer:
    return get_object_or_404(
        FproCustomer.objects.select_related("recipient"),
        pk=customer_id,
        connection__structure=space.structure,
    )


def fpro_service_for_customer(*, customer: FproCustomer, service_id: int) -> Service:
    return get_object_or_404(Service, pk=service_id, structure=customer.recipient, is_active=True)


def fpro_run_latest(*, connection: FproConnection) -> FproImportRun | None:
    return connection.import_runs.order_by("-created_at").first()


def fpro_board_state(*, connection: FproConnection) -> dict[str, bool]:
    """What is under way: the page polls its board while anything is."""
    test_pending = connection.test_requested_at is not None and (
        connection.last_tested_at is None
        or connection.last_tested_at < connection.test_requested_at
    )
    catalogue_pending = connection.catalogue_requested_at is not None and (
        connection.catalogue_synced_at is None
        or connection.catalogue_synced_at < connection.catalogue_requested_at
    )
    run = fpro_run_latest(connection=connection)
    running = run is not None and run.finished_at is None
    sending = connection.remote_invoices.filter(invoice__status__in=["queued", "sending"]).exists()
    return {
        "test_pending": test_pending,
        "catalogue_pending": catalogue_pending,
        "running": running,
        "sending": sending,
        "under_way": test_pending or catalogue_pending or running or sending,
    }


def fpro_outcome_text(*, connection: FproConnection) -> str:
    """The account test's verdict in the reader's language, with its variable part."""
    if not connection.test_outcome:
        return ""
    text = _(OUTCOME_MESSAGES[connection.test_outcome])
    if connection.test_outcome == "rate_limited" and connection.test_detail:
        text += " " + _("Delay: %(seconds)s s.") % {"seconds": connection.test_detail}
    elif connection.test_outcome == "unknown_firm" and connection.test_detail:
        text += " " + _("Firms of this account: %(firms)s.") % {"firms": connection.test_detail}
    return text


def fpro_import_refusal_text(*, error: str) -> str:
    msgid, value = fpro_import_refusal(error=error)
    return _(msgid) % {"value": value} if "%(value)s" in msgid else _(msgid)
