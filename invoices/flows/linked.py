"""What an invoice created by a flow keeps besides its summary: the file it came from, as its
main document, and the lines and VAT breakdown Chorus Pro read from it (consulter/fournisseur),
so that its page shows the same as an invoice drafted in the portal."""

import hashlib
import logging

from django.core.files.base import ContentFile

from chorus_client import ChorusError
from invoices.attachments import attachment_name_shorten
from invoices.flows.files import flow_member_content
from invoices.inbox.details import details_store
from invoices.models import Attachment, Flow, Invoice
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection

logger = logging.getLogger(__name__)
CONTENT_TYPES = {"pdf": "application/pdf", "xml": "application/xml"}


def flow_source_attach(*, flow: Flow, entry: dict, invoice: Invoice, deposit: bytes) -> None:
    """Keep the uploaded file as the invoice's main document (a lone file is deposited as it
    is; several travel in a tar.gz, from which the file is taken back)."""
    content = flow_member_content(
        content=deposit, name=entry["name"], bundled=len(flow.file_names) > 1
    )
    if content is None:
        return
    name = attachment_name_shorten(entry["name"])
    attachment = Attachment(
        invoice=invoice,
        kind=Attachment.Kind.MAIN,
        name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type=CONTENT_TYPES.get(name.rpartition(".")[2], "application/octet-stream"),
    )
    attachment.file.save(name, ContentFile(content), save=True)


def flow_invoices_details_fetch(*, connection: ChorusConnection, invoice_ids: list[int]) -> int:
    """Read and store the lines of invoices a flow created. Not fatal: a failure leaves the
    invoice with its summary (and its document), and is logged."""
    stored = 0
    try:
        with chorus_client_for(connection) as client:
            for invoice in Invoice.objects.filter(pk__in=invoice_ids).order_by("pk"):
                details_store(
                    invoice=invoice, details=client.supplier.get(invoice.chorus_invoice_id)
                )
                stored += 1
    except ChorusError:
        logger.warning("details of flow invoices %s not read", invoice_ids, exc_info=True)
    return stored
