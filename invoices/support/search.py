"""The back-office's one search box: invoices, structures and people from whatever support was
told on the phone (an invoice number, a Chorus Pro id or flow number, a SIRET, a name, an amount,
a login or an e-mail address)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db.models import Q

from invoices.models import Invoice
from structures.models import Structure, name_search_key

LIMIT = 25


@dataclass
class SearchResults:
    query: str
    invoices: list = field(default_factory=list)
    structures: list = field(default_factory=list)
    users: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.invoices) + len(self.structures) + len(self.users)

    @property
    def single_invoice(self) -> Invoice | None:
        """The one invoice found, when nothing else was: support goes straight to it."""
        if len(self.invoices) == 1 and not self.structures and not self.users:
            return self.invoices[0]
        return None


def amount_typed(text: str) -> Decimal | None:
    """An amount as people say it: "1 764,00", "1764.00", "1 764 €", "1.764,50", "1,764.50"."""
    bare = re.sub(r"[\s\u00a0\u202f€]|EUR", "", text, flags=re.IGNORECASE)
    if not re.fullmatch(r"[\d.,]+", bare) or not re.search(r"\d", bare):
        return None
    # The last separator followed by one or two digits is the decimal one; others group.
    decimal_part = re.search(r"[.,](\d{1,2})$", bare)
    whole = bare[: decimal_part.start()] if decimal_part else bare
    whole = re.sub(r"[.,]", "", whole)
    if not whole.isdigit():
        return None
    try:
        return Decimal(f"{whole}.{decimal_part.group(1)}" if decimal_part else whole)
    except InvalidOperation:
        return None


def back_office_search(*, query: str, limit: int = LIMIT) -> SearchResults:
    """Everything matching ``query``; support sees every structure's records."""
    query = query.strip()
    results = SearchResults(query=query)
    if not query:
        return results
    digits = re.sub(r"\s", "", query)
    folded = name_search_key(query)

    invoice_match = (
        Q(number__iexact=query)
        | Q(number__icontains=query)
        | Q(chorus_flow_number__iexact=digits)
        | Q(supplier__siret__startswith=digits)
        | Q(recipient__siret__startswith=digits)
    )
    if folded:
        invoice_match |= Q(supplier__search_name__contains=folded) | Q(
            recipient__search_name__contains=folded
        )
    if digits.isdigit() and len(digits) <= 18:
        invoice_match |= Q(chorus_invoice_id=int(digits))
    amount = amount_typed(query)
    if amount is not None:
        invoice_match |= Q(total_incl_tax=amount) | Q(total_excl_tax=amount) | Q(amount_due=amount)
    invoices = Invoice.objects.filter(invoice_match).select_related("supplier", "recipient")
    exact = list(invoices.filter(number__iexact=query)[:limit])
    # An exact invoice number wins: "F-2026-0042" must not list every number containing it.
    results.invoices = exact or list(invoices.order_by("-created_at")[:limit])

    structure_match = Q(siret__startswith=digits)
    if digits.isdigit() and len(digits) <= 18:
        structure_match |= Q(chorus_id=int(digits))
    if folded:
        structure_match |= Q(search_name__contains=folded)
    if not exact:
        results.structures = list(Structure.objects.filter(structure_match)[:limit])

    users = get_user_model().objects.filter(
        Q(username__iexact=query) | Q(username__icontains=query) | Q(email__icontains=query)
    )
    if not exact:
        results.users = list(users.order_by("username")[:limit])
    return results
