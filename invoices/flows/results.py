"""What became of each file of a flow, in plain French next to Chorus Pro's raw words.

Chorus Pro reports a rejected invoice by its number (`listeErreurDP.numeroDP`, contract §3.12)
and an unreadable file by a technical error that names no file. We put each back against its
file: by invoice number for the first, and for the second by the file name when Chorus Pro's
message quotes it [U: the emulator prefixes it; the real wording is unknown], or for certain
when the flow holds one file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from invoices.models import Flow, Invoice

# Codes of a per-invoice error: Chorus Pro's libelle may carry one [U: the emulator writes
# "(code 20015)"; the sample of §3.12 has none, and then the generic advice is shown].
CODE_IN_MESSAGE = re.compile(r"\b(20\d{3})\b")


@dataclass(frozen=True)
class RawError:
    advice: str
    code: str
    message: str


@dataclass
class FileResult:
    name: str
    number: str
    state: str  # pending | integrated | refused | number_taken | missing
    invoice: Invoice | None = None
    chorus_invoice_id: int | None = None
    errors: list[RawError] = field(default_factory=list)


def invoice_error_advice(code: str) -> str:
    """What to do about Chorus Pro's refusal of one invoice of a flow."""
    if code in ("20005", "20006", "20020"):
        return _(
            "The buyer's SIRET in the file is not an active public entity in Chorus Pro: "
            "check the buyer's identifier in your software."
        )
    if code in ("20007", "20008", "20009", "20012"):
        return _(
            "The recipient needs a valid, active service code: put it in the buyer reference "
            "(BT-10) of the file. FACTURES_PUBLIQUES is not allowed for a company."
        )
    if code in ("20010", "20011"):
        return _(
            "The recipient needs a valid commitment number: put it in the purchase order "
            "reference (BT-13) of the file."
        )
    explanations = {
        "20014": _(
            "The seller in the file is not your structure, or is not attached to your Chorus "
            "Pro technical account: check the seller's SIRET in the file."
        ),
        "20015": _(
            "Chorus Pro already has an invoice with this number from you: give the invoice a "
            "new number in your software, then upload the file again."
        ),
        "20018": _(
            "The billing framework needs a validator that Chorus Pro does not know or that is "
            "inactive: check the validator in the file."
        ),
        "20305": _(
            "The totals do not add up: the total including VAT must equal the total excluding "
            "VAT plus the VAT. Correct the amounts in your software."
        ),
    }
    return explanations.get(
        code,
        _(
            "Chorus Pro refused this invoice. Read its message below, correct the file in your "
            "software, then upload it again."
        ),
    )


def technical_error_advice() -> str:
    return _(
        "Chorus Pro could not read this file as an invoice. Export it again from your software "
        "as Factur-X, UBL or CII, then upload it."
    )


def flow_file_results(*, flow: Flow) -> tuple[list[FileResult], list[RawError]]:
    """Each file's result, and the technical errors that could not be put against a file."""
    report = flow.report or {}
    settled = flow.status in (
        Flow.Status.INTEGRATED,
        Flow.Status.PARTIALLY_INTEGRATED,
        Flow.Status.REJECTED,
    )
    invoice_errors: dict[str, list[RawError]] = {}
    for error in report.get("invoice_errors") or []:
        message = error.get("message") or ""
        match = CODE_IN_MESSAGE.search(message)
        code = match.group(1) if match else ""
        invoice_errors.setdefault(error.get("invoice_number") or "", []).append(
            RawError(advice=invoice_error_advice(code), code=code, message=message)
        )
    technical = [
        RawError(
            advice=technical_error_advice(),
            code=error.get("code") or "",
            message=error.get("message") or "",
        )
        for error in report.get("technical_errors") or []
    ]
    entries = flow.file_names or []
    invoices = {
        invoice.pk: invoice
        for invoice in Invoice.objects.filter(
            pk__in=[entry.get("invoice_id") for entry in entries if entry.get("invoice_id")]
        )
    }
    unplaced = list(technical)
    results = []
    for entry in entries:
        result = FileResult(
            name=entry.get("name", ""),
            number=entry.get("number", ""),
            state="pending",
            chorus_invoice_id=entry.get("chorus_invoice_id"),
        )
        result.invoice = invoices.get(entry.get("invoice_id"))
        own_technical = [
            error
            for error in technical
            if len(entries) == 1 or (result.name and result.name in error.message)
        ]
        for error in own_technical:
            if error in unplaced:
                unplaced.remove(error)
        if result.invoice is not None:
            result.state = "integrated"
        elif entry.get("link") == "number_taken":
            result.state = "number_taken"
        elif result.number in invoice_errors or own_technical:
            result.state = "refused"
            result.errors = invoice_errors.get(result.number, []) + own_technical
        elif settled:
            # contract §11.3: after a partial integration some invoices are missing without an
            # error; OCA treats them as rejected ("Internal Chorus Error, please Resubmit").
            result.state = "missing"
        results.append(result)
    return results, unplaced
