"""The pre-flight check of a draft statement: the ordinary invoice's checks (connection,
recipient and service, number, VAT, attachments, Factur-X), with the works statement's own
totals (the retention money is held back from the amount due) and its cumulative amounts."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from invoices.models import Invoice
from invoices.sending.preflight import Check, facturx_preflight_check, invoice_preflight
from invoices.works.drafting import previous_cumulative, terms_for
from invoices.works.frameworks import MONTHLY


def _check(code, ok, label, fix, fix_url) -> Check:
    return Check(
        code=code,
        ok=bool(ok),
        label=str(label),
        fix="" if ok else str(fix),
        fix_url="" if ok else fix_url,
    )


def works_preflight(*, invoice: Invoice) -> list[Check]:
    """Every check, passed or not; sending is possible only when all pass."""
    piece = invoice.works
    edit = reverse("invoices:works_statement", args=[invoice.pk])
    core = [
        Check(
            code=c.code,
            ok=c.ok,
            label=c.label,
            fix=c.fix,
            fix_url=edit if c.fix_url else "",
            warning=c.warning,
        )
        for c in invoice_preflight(invoice=invoice, with_documents=False)
        if c.code != "totals"  # the retention makes the amount due differ: checked below
    ]
    known = previous_cumulative(contract=piece.contract, company=invoice.supplier, before=piece)
    terms = terms_for(contract=piece.contract, company=invoice.supplier)
    checks = [
        *core,
        _check(
            "works_previous",
            piece.previous_cumulative_excl_tax == known,
            _("The previous statements are taken into account"),
            _("A statement was sent or refused meanwhile: save the statement again."),
            edit,
        ),
        _check(
            "works_period",
            piece.period_excl_tax > 0 if piece.framework in MONTHLY else piece.period_excl_tax >= 0,
            _("The works done to date exceed those already stated"),
            _("Enter the cumulative amount of the works done since the start."),
            edit,
        ),
        _check(
            "works_amounts",
            invoice.total_incl_tax > 0
            and invoice.amount_due == invoice.total_incl_tax - piece.retention
            and invoice.total_incl_tax == invoice.total_excl_tax + invoice.total_vat,
            _("The amounts follow from the cumulative works, the advance and the retention"),
            _("Save the statement again to compute its amounts."),
            edit,
        ),
        _check(
            "works_contract_amount",
            piece.cumulative_excl_tax <= terms.amount_excl_tax * 2,
            _("The works done stay within the contract's order of magnitude"),
            _("Check the cumulative amount: it is more than twice the contract's."),
            edit,
        ),
    ]
    if all(check.ok for check in checks):
        checks.append(facturx_preflight_check(invoice))
    return checks


def works_ready(*, invoice: Invoice) -> bool:
    return all(check.ok for check in works_preflight(invoice=invoice))
