"""The pre-flight check: every condition Chorus Pro (or the law) puts on an invoice, each with the
fix. Submitting is possible only when all pass."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from invoices.attachments import megabytes
from invoices.drafting.commitments import (
    commitment_check_current,
    commitment_check_needed,
    commitment_check_pending,
)
from invoices.limits import INVOICE_NUMBER_MAX_LENGTH, invoice_number_acceptable
from invoices.models import INVOICE_ATTACHMENTS_MAX_BYTES, Attachment, Invoice
from invoices.totals import LineAmounts, totals_compute
from structures.models import ChorusConnection


@dataclass(frozen=True)
class Check:
    code: str
    ok: bool
    label: str
    fix: str = ""
    fix_url: str = ""
    # A passed check the supplier should still know about (Chorus Pro could not tell).
    warning: str = ""


def _check(code, ok, label, fix="", fix_url="", warning="") -> Check:
    return Check(
        code=code,
        ok=bool(ok),
        label=str(label),
        fix=str(fix) if not ok else "",
        fix_url=fix_url if not ok else "",
        warning=str(warning) if ok else "",
    )


def invoice_preflight(*, invoice: Invoice, with_documents: bool = True) -> list[Check]:
    """Every check, passed or not, in the order a supplier would fix them."""
    edit = reverse("invoices:edit", args=[invoice.pk])
    recipient, service = invoice.recipient, invoice.service
    lines = list(invoice.lines.order_by("position"))
    checks = [
        _check(
            "connection",
            ChorusConnection.objects.filter(structure=invoice.supplier).exists(),
            _("Your structure has a Chorus Pro technical account"),
            _("Ask your structure manager to set up the Chorus Pro connection."),
        ),
        _check(
            "recipient",
            recipient is not None and recipient.is_active and recipient.is_public,
            _("The recipient is an active public entity"),
            _("Choose the recipient by its SIRET."),
            edit,
        ),
        _check(
            "number",
            invoice.number and invoice.issue_date,
            _("The invoice has a number and a date"),
            _("Enter the number and the date."),
            edit,
        ),
        _number_format_check(invoice, edit),
        _check(
            "pending_input",
            not invoice.draft_input,
            _("Every typed value is valid"),
            _("Correct the fields marked in red."),
            edit,
        ),
        _check(
            "lines",
            lines and all(line.description.strip() for line in lines),
            _("The invoice has lines, each with a description"),
            _("Add at least one line and describe each."),
            edit,
        ),
    ]
    if recipient is not None:
        needs_service = recipient.service_code_required
        needs_commitment = recipient.commitment_required or (
            service and service.commitment_required
        )
        either = recipient.service_or_commitment_required
        checks += [
            _check(
                "service",
                (not needs_service or service) and (service is None or service.is_active),
                _("The recipient's service is given when it requires one"),
                _("Choose one of the recipient's active services."),
                edit,
            ),
            _commitment_check(invoice, bool(needs_commitment), edit),
            _check(
                "service_or_commitment",
                not either or service or invoice.commitment_number,
                _("A service code or a commitment number is given"),
                _("This recipient needs one of the two: a service or a commitment number."),
                edit,
            ),
        ]
    checks += [
        _check(
            "validator",
            invoice.billing_framework not in {"A9", "A12"} or invoice.validator,
            _("A validator is named for frameworks A9 and A12"),
            _("Enter the SIRET of the validator."),
            edit,
        ),
        _check(
            "vat",
            _vat_consistent(invoice, lines),
            _("VAT rates match the VAT regime"),
            _("Give each line a VAT rate, or choose an exemption with its reason."),
            edit,
        ),
        _check(
            "payment_mode",
            invoice.kind == Invoice.Kind.CREDIT_NOTE or invoice.payment_mode,
            _("A payment mode is given"),
            _("Choose the payment mode."),
            edit,
        ),
        _check(
            "original",
            invoice.kind != Invoice.Kind.CREDIT_NOTE or invoice.original_number,
            _("A credit note names the invoice it corrects"),
            _("Enter the number of the original invoice."),
            edit,
        ),
        _check(
            "totals",
            _totals_consistent(invoice, lines),
            _("Totals are consistent and above zero"),
            _("Check quantities and prices: the amount to pay must be above zero."),
            edit,
        ),
        _check(
            "attachments",
            _attachments_size(invoice) <= INVOICE_ATTACHMENTS_MAX_BYTES,
            _("Attachments stay within %(limit)s in all")
            % {"limit": megabytes(INVOICE_ATTACHMENTS_MAX_BYTES)},
            _("Remove or compress supporting documents."),
            edit,
        ),
    ]
    if with_documents and all(check.ok for check in checks):
        checks.append(_facturx_check(invoice))
    return checks


def invoice_ready(*, invoice: Invoice) -> bool:
    return all(check.ok for check in invoice_preflight(invoice=invoice))


def _commitment_check(invoice: Invoice, needed: bool, edit: str) -> Check:
    """Given when required, and not refused by Chorus Pro's commitment search.

    Only a definite "unknown to Chorus Pro" fails. When Chorus Pro could not tell (no answer, the
    portal's PISTE application not subscribed to the commitments API: contract §6 [U]) or the
    check is still running, the check passes with a warning: soumettre checks the number again
    and a refusal there is explained on the invoice, whereas blocking would leave suppliers of
    portals without that subscription unable to send at all.
    """
    label = _("The commitment number is given when it is required, and known to Chorus Pro")
    if needed and not invoice.commitment_number:
        return _check(
            "commitment",
            False,
            label,
            _("Enter the commitment number (engagement juridique) from the order."),
            edit,
        )
    if not commitment_check_needed(invoice=invoice):
        return _check("commitment", True, label)
    outcome = commitment_check_current(invoice=invoice)
    if outcome is not None and outcome.get("found") is False:
        return _check(
            "commitment",
            False,
            label,
            _(
                "Chorus Pro knows no commitment %(number)s issued by this recipient to your "
                "structure: check the number on the order, or ask the recipient for it."
            )
            % {"number": invoice.commitment_number},
            edit,
        )
    if outcome is None:
        warning = _("The commitment number has not been checked with Chorus Pro yet.")
    elif commitment_check_pending(outcome):
        warning = _("The commitment number is being checked with Chorus Pro.")
    elif outcome.get("found") is None:
        warning = _(
            "Chorus Pro could not confirm the commitment number now; it will check it when "
            "the invoice is sent."
        )
    else:
        warning = ""
    return _check("commitment", True, label, warning=warning)


def _number_format_check(invoice: Invoice, edit: str) -> Check:
    """The invoice number, and the number of the invoice a credit note corrects, as Chorus Pro
    and the French rules accept them (invoices/limits.py), with a link to the field to fix."""
    label = _("Invoice numbers hold only letters, digits and the signs + - _ /")
    for field, number in (("number", invoice.number), ("original_number", invoice.original_number)):
        if number and not invoice_number_acceptable(number):
            return _check(
                "number_format",
                False,
                label,
                _(
                    "Chorus Pro refuses the number %(number)s: an invoice number has at most "
                    "%(limit)s characters, letters, digits and the signs + - _ / only, without "
                    "spaces (French rules BR-FR-01 and BR-FR-02)."
                )
                % {"number": number, "limit": INVOICE_NUMBER_MAX_LENGTH},
                f"{edit}#id_{field}",
            )
    return _check("number_format", True, label)


def _vat_consistent(invoice: Invoice, lines) -> bool:
    exempt = invoice.vat_regime in {Invoice.VatRegime.EXEMPT, Invoice.VatRegime.NO_VAT}
    # EN 16931 (BR-E-10): lines without VAT need the reason, whether exempt or outside VAT.
    if exempt and not invoice.vat_exemption_reason:
        return False
    if exempt:
        return all(line.vat_rate in (None, 0) for line in lines)
    return all(line.vat_rate is not None for line in lines)


def _totals_consistent(invoice: Invoice, lines) -> bool:
    totals = totals_compute(
        [
            LineAmounts(line.quantity, line.unit_price, line.discount, line.vat_rate)
            for line in lines
        ],
        already_paid=invoice.billing_framework == Invoice.BillingFramework.A2,
    )
    return (
        totals.total_incl_tax > 0
        and totals.total_excl_tax == invoice.total_excl_tax
        and totals.total_vat == invoice.total_vat
        and totals.amount_due == invoice.amount_due
    )


def _attachments_size(invoice: Invoice) -> int:
    return sum(
        invoice.attachments.filter(kind=Attachment.Kind.SUPPORTING).values_list("size", flat=True)
    )


def _facturx_check(invoice: Invoice) -> Check:
    from invoices.documents.facturx import facturx_build

    document = facturx_build(invoice)
    # Each broken rule once (BR-FR-16 fires for every line at a wrong rate), in plain French
    # with its id; the validator's own text stays in the problem's detail, for support.
    problems = list(dict.fromkeys(str(problem) for problem in document.problems))
    return _check(
        "facturx",
        not problems,
        _("The Factur-X document follows EN 16931 and the French rules (BR-FR)"),
        " ".join(problems),
        reverse("invoices:edit", args=[invoice.pk]),
    )
