"""A small typed client for the Facturation.pro JSON API (requests only, no Django).

Start with :class:`FacturationProClient` and :class:`FacturationProConfig`; see ``README.md`` in
this package.
"""

from .client import FacturationProClient
from .config import PRODUCTION_BASE_URL, FacturationProConfig, check_user_agent
from .errors import (
    FacturationProAuthenticationError,
    FacturationProError,
    FacturationProNotFoundError,
    FacturationProProtocolError,
    FacturationProRejectedError,
    FacturationProTransientError,
)
from .exchange import Exchange, ExchangeHook
from .paging import Page, RateLimit
from .types_customers import (
    Account,
    Customer,
    CustomerFilters,
    CustomerMode,
    CustomerOrder,
    Firm,
    SortDirection,
)
from .types_invoices import (
    Attachment,
    BillType,
    Invoice,
    InvoiceFilters,
    InvoiceItem,
    InvoiceOrder,
    InvoiceUpdate,
    LineStyle,
    NewSettlement,
    PaymentMode,
    PeriodType,
    Settlement,
    VatAmount,
)

__all__ = [
    "PRODUCTION_BASE_URL",
    "Account",
    "Attachment",
    "BillType",
    "Customer",
    "CustomerFilters",
    "CustomerMode",
    "CustomerOrder",
    "Exchange",
    "ExchangeHook",
    "FacturationProAuthenticationError",
    "FacturationProClient",
    "FacturationProConfig",
    "FacturationProError",
    "FacturationProNotFoundError",
    "FacturationProProtocolError",
    "FacturationProRejectedError",
    "FacturationProTransientError",
    "Firm",
    "Invoice",
    "InvoiceFilters",
    "InvoiceItem",
    "InvoiceOrder",
    "InvoiceUpdate",
    "LineStyle",
    "NewSettlement",
    "Page",
    "PaymentMode",
    "PeriodType",
    "RateLimit",
    "Settlement",
    "SortDirection",
    "VatAmount",
    "check_user_agent",
]
