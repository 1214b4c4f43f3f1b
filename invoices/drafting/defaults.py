"""What the editor fills in for the supplier: today's date and the next number of its own series.

A new draft stays empty (so that "New invoice" clicked again reopens it, and the sweep of empty
drafts finds it); the page shows these values and they are stored with the draft's first change.
"""

import re

from django.db.models import Q
from django.utils import timezone

from invoices.limits import invoice_number_acceptable
from invoices.models import Invoice
from structures.models import Structure

_TRAILING_DIGITS = re.compile(r"^(?P<head>.*?)(?P<digits>\d+)(?P<tail>[^0-9]*)$")
# How many following numbers are tried when the next ones are already taken (drafts numbered
# ahead, a series used twice): beyond that the supplier types it.
_TRIES = 50


def invoice_number_following(number: str) -> str | None:
    """The number after ``number`` in its series: its last run of digits plus one, zeros kept
    ("F-2026-0041" → "F-2026-0042", "FA9/B" → "FA10/B"); None without digits."""
    match = _TRAILING_DIGITS.match(number)
    if match is None:
        return None
    digits = match["digits"]
    following = str(int(digits) + 1).zfill(len(digits))
    return f"{match['head']}{following}{match['tail']}"


def invoice_number_suggest(*, supplier: Structure, kind: str, exclude_id: int | None = None) -> str:
    """The next number of the supplier's own numbering for an invoice of ``kind``: after the
    number of its latest invoice of that kind (any kind when it has none), skipping the numbers
    already used. Empty when the supplier has no numbered invoice yet, or none that counts."""
    numbered = Invoice.objects.filter(supplier=supplier).exclude(number="")
    if exclude_id is not None:
        numbered = numbered.exclude(pk=exclude_id)
    latest = (
        numbered.filter(kind=kind).order_by("-created_at", "-pk").values_list("number", flat=True)
    ).first() or numbered.order_by("-created_at", "-pk").values_list("number", flat=True).first()
    if not latest:
        return ""
    candidates = []
    number = latest
    for _ in range(_TRIES):
        number = invoice_number_following(number)
        if number is None or not invoice_number_acceptable(number):
            return ""
        candidates.append(number)
    used = set(
        Invoice.objects.filter(supplier=supplier, number__in=candidates).values_list(
            "number", flat=True
        )
    )
    return next((number for number in candidates if number not in used), "")


def draft_defaults(*, invoice: Invoice) -> dict:
    """The values the editor offers for a draft in which nothing is typed yet: today's date and
    the suggested number. Nothing once the supplier typed either (an emptied field stays so)."""
    if invoice.status != Invoice.Status.DRAFT or invoice.number or invoice.issue_date:
        return {}
    if {"number", "issue_date"} & set(invoice.draft_input):
        return {}
    touched = Invoice.objects.filter(pk=invoice.pk).filter(
        ~Q(draft_input={})
        | Q(recipient__isnull=False)
        | Q(lines__isnull=False)
        | Q(attachments__isnull=False)
    )
    if invoice.pk and touched.exists():
        return {}
    return {
        "issue_date": timezone.localdate(),
        "number": invoice_number_suggest(
            supplier=invoice.supplier, kind=invoice.kind, exclude_id=invoice.pk
        ),
    }


def draft_defaults_store(*, invoice: Invoice) -> None:
    """Store the offered values with the first change made elsewhere than in the header (a line
    added, a recipient picked): the header posts what it shows itself."""
    defaults = draft_defaults(invoice=invoice)
    if not defaults:
        return
    invoice.issue_date = defaults["issue_date"]
    invoice.number = defaults["number"]
    Invoice.objects.filter(pk=invoice.pk).update(**defaults)
