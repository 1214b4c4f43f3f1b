"""Drafts made and changed through the API, with the editor's own services: a body is saved
whole or not at all (the caller's transaction is rolled back on any error)."""

from api.forms import HEADER_DEFAULTS, header_data, lines_data
from api.http import ApiError, form_errors
from invoices.drafting.services import (
    DIRECT_FIELDS,
    invoice_draft_create,
    invoice_draft_update,
    invoice_line_add,
    invoice_line_remove,
    invoice_line_update,
)
from invoices.models import Invoice
from structures.models import Structure


def _current_header(invoice: Invoice) -> dict[str, str]:
    """The draft's saved header as the editor's form data (what a PATCH starts from)."""
    data = {}
    for name in DIRECT_FIELDS:
        value = getattr(invoice, name)
        data[name] = "" if value is None else str(value)
    data["recipient_siret"] = invoice.recipient.siret if invoice.recipient_id else ""
    data["validator_siret"] = invoice.validator.siret if invoice.validator_id else ""
    data["service_code"] = invoice.service.code if invoice.service_id else ""
    return data


def _parsed(body: dict) -> tuple[dict, list | None]:
    header, errors = header_data(body)
    lines, line_errors = lines_data(body)
    errors.update(line_errors)
    if errors:
        raise ApiError(422, errors)
    return header, lines


def _save(invoice: Invoice, header: dict, lines: list | None) -> Invoice:
    change = invoice_draft_update(invoice=invoice, data=header)
    errors = form_errors(change.form) if not change.ok else {}
    if lines is not None:
        for line in list(invoice.lines.all()):
            invoice_line_remove(line=line)
        for index, values in enumerate(lines):
            line = invoice_line_add(invoice=invoice)
            prefix = f"line-{line.pk}-"
            outcome = invoice_line_update(
                line=line, data={f"{prefix}{name}": value for name, value in values.items()}
            )
            for name, messages in form_errors(outcome.form).items():
                errors[f"lines[{index}]" if name == "base" else f"lines[{index}].{name}"] = messages
    if errors:
        # The editor keeps what does not validate in draft_input; the API refuses the whole body.
        raise ApiError(422, errors)
    invoice.refresh_from_db()
    return invoice


def api_invoice_create(*, supplier: Structure, user, body: dict) -> Invoice:
    """A new draft with its header and lines (call inside a transaction)."""
    header, lines = _parsed(body)
    header = {
        **HEADER_DEFAULTS,
        **{k: v for k, v in header.items() if v != "" or k not in HEADER_DEFAULTS},
    }
    invoice = invoice_draft_create(
        supplier=supplier,
        user=user,
        kind=header["kind"] if header["kind"] in Invoice.Kind.values else Invoice.Kind.INVOICE,
    )
    return _save(invoice, header, lines)


def api_invoice_update(*, invoice: Invoice, body: dict) -> Invoice:
    """Change the fields given; ``lines``, when given, replace all the lines."""
    header, lines = _parsed(body)
    return _save(invoice, {**_current_header(invoice), **header}, lines)
