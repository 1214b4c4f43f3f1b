"""The facade: one object per API key (and firm), one method per endpoint used by the portal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

import requests

from . import parsing
from .config import FacturationProConfig
from .errors import FacturationProProtocolError
from .exchange import ExchangeHook
from .paging import Page, RateLimit, iterate_pages
from .transport import Answer, Transport
from .types_customers import Account, Customer, CustomerFilters
from .types_invoices import (
    Attachment,
    Invoice,
    InvoiceFilters,
    InvoiceUpdate,
    NewSettlement,
    Settlement,
)
from .wire import Reader

MAX_FILE_NAME = 255


class FacturationProClient:
    """Facturation.pro for one API key, working on the firm ``config.firm_id``.

    Every method names its endpoint; lists return one :class:`Page` and have an ``iter_*`` twin
    that walks every page. Errors are the four kinds of :mod:`facturation_pro_client.errors`;
    nothing is retried here (a settlement sent twice is paid twice): retrying, and waiting the
    ``retry_after`` of a 429, is the caller's decision. ``hook`` receives an
    :class:`~facturation_pro_client.Exchange` for every HTTP exchange. Close the client (or use
    ``with``) when done.
    """

    def __init__(self, config: FacturationProConfig, *, hook: ExchangeHook | None = None,
                 session: requests.Session | None = None) -> None:
        self.config = config
        self.transport = Transport(config, hook=hook, session=session)

    def __repr__(self) -> str:
        return (f"FacturationProClient(base_url={self.config.base_url!r}, "
                f"api_id={self.config.api_id!r}, firm_id={self.config.firm_id!r})")

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> FacturationProClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    @property
    def rate_limit(self) -> RateLimit | None:
        """The ``X-RateLimit-*`` headers of the latest answer that had them."""
        return self.transport.rate_limit

    # --- plumbing ----------------------------------------------------------------------------

    def _firm(self, tail: str) -> str:
        if self.config.firm_id is None:
            raise ValueError("this call works on a firm: set FacturationProConfig.firm_id")
        return f"/firms/{self.config.firm_id}{tail}"

    @staticmethod
    def _object(answer: Answer, operation: str) -> Reader:
        return Reader(answer.body, operation=operation)

    def _list[T](self, operation: str, path: str, params: dict[str, Any],
                 parse: Callable[[Reader], T]) -> Page[T]:
        answer = self.transport.request(operation, path, params=params)
        return parsing.page(answer.body, answer.headers.get("X-Pagination"), operation, parse)

    @staticmethod
    def _page_params(page: int, params: dict[str, Any]) -> dict[str, Any]:
        if page < 1:
            raise ValueError("pages start at 1")
        return {**params, "page": page} if page > 1 else params

    # --- account -----------------------------------------------------------------------------

    def account(self) -> Account:
        """``GET /account.json``: the user of the key and its firms (id, name).

        The cheapest way to check an API identifier and key, and to find the FIRM_ID to use.
        """
        operation = "GET /account.json"
        return parsing.account(self._object(self.transport.request(operation, "/account.json"),
                                            operation))

    # --- customers ---------------------------------------------------------------------------

    def list_customers(self, filters: CustomerFilters | None = None, *,
                       page: int = 1) -> Page[Customer]:
        """``GET /firms/FIRM_ID/customers.json``: one page (50 customers) of the firm's
        customers, active ones unless ``filters.mode`` says otherwise."""
        params = self._page_params(page, (filters or CustomerFilters()).params())
        return self._list("GET /firms/FIRM_ID/customers.json", self._firm("/customers.json"),
                          params, parsing.customer)

    def iter_customers(self, filters: CustomerFilters | None = None) -> Iterator[Customer]:
        """Every customer matching ``filters``, page after page (one call per 50)."""
        return iterate_pages(lambda number: self.list_customers(filters, page=number))

    def get_customer(self, customer_id: int) -> Customer:
        """``GET /firms/FIRM_ID/customers/ID.json``: one customer, with its ``siret``."""
        operation = "GET /firms/FIRM_ID/customers/ID.json"
        answer = self.transport.request(operation, self._firm(f"/customers/{customer_id}.json"))
        return parsing.customer(self._object(answer, operation))

    # --- invoices ----------------------------------------------------------------------------

    def list_invoices(self, filters: InvoiceFilters | None = None, *,
                      page: int = 1) -> Page[Invoice]:
        """``GET /firms/FIRM_ID/invoices.json``: one page (50 invoices), newest number first.

        Lines and files come only with ``filters.with_details``, settlements with
        ``with_settlements``. To walk a list while invoices are being added, sort by creation
        ascending (``order=CREATED, sort=ASC``) so that pages do not shift under you.
        """
        params = self._page_params(page, (filters or InvoiceFilters()).params())
        return self._list("GET /firms/FIRM_ID/invoices.json", self._firm("/invoices.json"),
                          params, parsing.invoice)

    def iter_invoices(self, filters: InvoiceFilters | None = None) -> Iterator[Invoice]:
        """Every invoice matching ``filters``, page after page (one call per 50)."""
        return iterate_pages(lambda number: self.list_invoices(filters, page=number))

    def get_invoice(self, invoice_id: int) -> Invoice:
        """``GET /firms/FIRM_ID/invoices/ID.json``: one invoice with its lines (items), files
        and settlements, its totals, dates and ``purchase_number``."""
        operation = "GET /firms/FIRM_ID/invoices/ID.json"
        answer = self.transport.request(operation, self._firm(f"/invoices/{invoice_id}.json"))
        return parsing.invoice(self._object(answer, operation))

    def invoice_pdf(self, invoice_id: int, *, original: bool = False) -> bytes:
        """``GET /firms/FIRM_ID/invoices/ID.pdf``: the invoice as PDF bytes.

        A paid invoice comes stamped as paid ("acquittée") unless ``original`` (``original=1``).
        """
        operation = "GET /firms/FIRM_ID/invoices/ID.pdf"
        answer = self.transport.request(
            operation, self._firm(f"/invoices/{invoice_id}.pdf"),
            params={"original": 1} if original else None, accept="application/pdf")
        if not answer.content.startswith(b"%PDF"):
            raise FacturationProProtocolError("the answer is not a PDF", operation=operation,
                                              http_status=answer.status)
        return answer.content

    def update_invoice(self, invoice_id: int, changes: InvoiceUpdate) -> None:
        """``PATCH /firms/FIRM_ID/invoices/ID.json``: change the fields set in ``changes``.

        On a finalised invoice only what does not change the amount may change (API fields,
        internal note, information, payment); the rest is refused (422). The doc answers
        ``200 OK`` without a body: read the invoice again to see the result.
        """
        self.transport.request("PATCH /firms/FIRM_ID/invoices/ID.json",
                               self._firm(f"/invoices/{invoice_id}.json"), json=changes.body())

    # --- settlements -------------------------------------------------------------------------

    def list_settlements(self, invoice_id: int) -> list[Settlement]:
        """``GET /firms/FIRM_ID/invoices/INVOICE_ID/settlements.json``: every settlement of
        an invoice (a handful at most, so not paged)."""
        operation = "GET /firms/FIRM_ID/invoices/INVOICE_ID/settlements.json"
        answer = self.transport.request(operation,
                                        self._firm(f"/invoices/{invoice_id}/settlements.json"))
        if not isinstance(answer.body, list):
            raise FacturationProProtocolError("a list answer is a JSON array",
                                              operation=operation)
        return [parsing.settlement(Reader(entry, operation=operation, path=f"[{index}]"))
                for index, entry in enumerate(answer.body)]

    def get_settlement(self, invoice_id: int, settlement_id: int) -> Settlement:
        """``GET /firms/FIRM_ID/invoices/INVOICE_ID/settlements/ID.json``."""
        operation = "GET /firms/FIRM_ID/invoices/INVOICE_ID/settlements/ID.json"
        answer = self.transport.request(
            operation, self._firm(f"/invoices/{invoice_id}/settlements/{settlement_id}.json"))
        return parsing.settlement(self._object(answer, operation))

    def create_settlement(self, invoice_id: int, settlement: NewSettlement) -> Settlement:
        """``POST /firms/FIRM_ID/invoices/INVOICE_ID/settlements.json``: record a payment.

        When it settles the balance, Facturation.pro marks the invoice paid on its date and with
        its mode. Not idempotent: after a transient error with ``may_have_been_processed``, list
        the settlements before sending it again.
        """
        operation = "POST /firms/FIRM_ID/invoices/INVOICE_ID/settlements.json"
        body = {"invoice_id": invoice_id, "total": settlement.amount,
                "payment_mode": settlement.payment_mode, "paid_on": settlement.paid_on,
                "payment_ref": settlement.payment_ref}
        answer = self.transport.request(
            operation, self._firm(f"/invoices/{invoice_id}/settlements.json"), json=body)
        return parsing.settlement(self._object(answer, operation))

    # --- files -------------------------------------------------------------------------------

    def upload_invoice_file(self, invoice_id: int, *, filename: str, content: bytes,
                            visible: bool = False) -> Attachment:
        """``POST /firms/FIRM_ID/invoices/ID/upload.json``: attach a file (multipart
        ``upload_file``) named ``filename``; ``visible`` shows it to the customer."""
        if not filename or len(filename) > MAX_FILE_NAME or "/" in filename:
            raise ValueError("a file name is 1 to 255 characters, without '/'")
        operation = "POST /firms/FIRM_ID/invoices/ID/upload.json"
        params: dict[str, Any] = {"filename": filename}
        if visible:
            params["visible"] = 1
        path = self._firm(f"/invoices/{invoice_id}/upload.json")
        answer = self.transport.request(operation, path, params=params,
                                        upload=(filename, content))
        return parsing.attachment(self._object(answer, operation))

    def list_invoice_files(self, invoice_id: int | None = None, *,
                           page: int = 1) -> Page[Attachment]:
        """``GET /firms/FIRM_ID/assets/invoices.json``: files attached to invoices (to one
        invoice with ``invoice_id``), newest first."""
        params = self._page_params(page, {} if invoice_id is None else {"invoice_id": invoice_id})
        return self._list("GET /firms/FIRM_ID/assets/invoices.json",
                          self._firm("/assets/invoices.json"), params, parsing.attachment)
