"""The shared core of invoices: every model of the app, one module per kind of record.

- vocabulary: Chorus Pro's statuses and the sets the portal reasons with, units, flow states;
- invoice: the invoice itself (drafted here or received from Chorus Pro);
- lines: its lines and VAT breakdown;
- attachment: its files and Chorus Pro's limits on them;
- history: its status events and the notices people received;
- counts: the status counts the database keeps for the supplier's summary;
- work: what workers carry to Chorus Pro (flows, actions, downloads) and saved motives.
"""

from invoices.models.attachment import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_NAME_MAX_LENGTH,
    INVOICE_ATTACHMENTS_MAX_BYTES,
    Attachment,
    attachment_path,
)
from invoices.models.counts import InvoiceStatusCount
from invoices.models.history import Notification, StatusEvent
from invoices.models.invoice import MONEY, ZERO, Invoice, InvoiceQuerySet, awaiting_payment_q
from invoices.models.lines import InvoiceLine, InvoiceVatLine
from invoices.models.vocabulary import (
    FINAL_CHORUS_STATUSES,
    FLOW_CHORUS_STATES,
    NOT_PAYABLE_CHORUS_STATUSES,
    ROUTING_CHORUS_STATUSES,
    UNIT_LABELS,
    VALIDATOR_REFUSED_STATUSES,
    ChorusStatus,
)
from invoices.models.work import (
    Flow,
    InvoiceAction,
    InvoiceDownload,
    ReasonTemplate,
    download_path,
    due_now,
    flow_path,
)
from invoices.models.works import (
    PAYABLE_WORKS_FRAMEWORKS,
    WORKS_FRAMEWORK_CODES,
    WorksContract,
    WorksPiece,
    WorksSubcontract,
    WorksSync,
)

__all__ = [
    "ATTACHMENT_MAX_BYTES",
    "ATTACHMENT_NAME_MAX_LENGTH",
    "FINAL_CHORUS_STATUSES",
    "FLOW_CHORUS_STATES",
    "INVOICE_ATTACHMENTS_MAX_BYTES",
    "MONEY",
    "NOT_PAYABLE_CHORUS_STATUSES",
    "PAYABLE_WORKS_FRAMEWORKS",
    "ROUTING_CHORUS_STATUSES",
    "UNIT_LABELS",
    "VALIDATOR_REFUSED_STATUSES",
    "WORKS_FRAMEWORK_CODES",
    "ZERO",
    "Attachment",
    "ChorusStatus",
    "Flow",
    "Invoice",
    "InvoiceAction",
    "InvoiceDownload",
    "InvoiceLine",
    "InvoiceQuerySet",
    "InvoiceStatusCount",
    "InvoiceVatLine",
    "Notification",
    "ReasonTemplate",
    "StatusEvent",
    "WorksContract",
    "WorksPiece",
    "WorksSubcontract",
    "WorksSync",
    "attachment_path",
    "awaiting_payment_q",
    "download_path",
    "due_now",
    "flow_path",
]
