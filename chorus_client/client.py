"""The facade: one object per Chorus Pro account, grouping the operations by role."""

from __future__ import annotations

from types import TracebackType

import requests

from .config import ChorusConfig
from .engagements import Engagements
from .exchange import ExchangeHook
from .invoices_recipient import RecipientInvoices, ValidatorInvoices
from .invoices_supplier import SupplierInvoices
from .organisations import Organisations
from .payment_requests import PaymentRequests
from .structures import Structures
from .transport import TokenCache, Transport
from .transverses import Transverses
from .users import Users
from .works import WorksInvoices


class ChorusClient:
    """Chorus Pro for one technical account.

    - ``transverses``: health check, reference lists, attachments, flow reports;
    - ``structures``: structures, services, commitments (engagements juridiques);
    - ``supplier``: submit, deposit, search, consult, complete, recycle invoices;
    - ``recipient``: search, consult, treat and download received invoices;
    - ``validator``: search, consult and validate/refuse invoices to validate;
    - ``organisations``: the Référentiel des Organisations (structures, services, SIREN, bank
      details), the Structures API's successor;
    - ``engagements``: the Engagements API (commitments, what invoices consumed of them).
    - ``works``: works pieces of public works contracts, whichever party the account acts as.
    - ``payment_requests``: one search over the payment requests of every space;
    - ``users``: what the technical account is attached to.

    ``hook`` receives an :class:`~chorus_client.Exchange` for every HTTP exchange. The client is
    thread-safe and keeps one HTTP session; close it (or use ``with``) when done.
    """

    def __init__(self, config: ChorusConfig, *, hook: ExchangeHook | None = None,
                 session: requests.Session | None = None,
                 token_cache: TokenCache | None = None) -> None:
        self.config = config
        self.transport = Transport(config, hook=hook, session=session, token_cache=token_cache)
        self.transverses = Transverses(self.transport)
        self.structures = Structures(self.transport)
        self.supplier = SupplierInvoices(self.transport)
        self.recipient = RecipientInvoices(self.transport)
        self.validator = ValidatorInvoices(self.transport)
        self.organisations = Organisations(self.transport)
        self.engagements = Engagements(self.transport)
        self.works = WorksInvoices(self.transport)
        self.payment_requests = PaymentRequests(self.transport)
        self.users = Users(self.transport)

    def __repr__(self) -> str:
        return (f"ChorusClient(api_base_url={self.config.api_base_url!r}, "
                f"technical_login={self.config.technical_login!r})")

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> ChorusClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
